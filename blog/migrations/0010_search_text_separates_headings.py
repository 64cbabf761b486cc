"""The search text ends headings, list items and captions with a dash (snippets no longer run
a heading into the next sentence); the index's words are the same, so no vector changes."""

from django.db import migrations

from blog.search_index import install_sql


class Migration(migrations.Migration):
    dependencies = [("blog", "0009_image_permissions")]

    operations = [migrations.RunSQL(install_sql(), reverse_sql=migrations.RunSQL.noop)]
