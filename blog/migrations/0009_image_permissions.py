"""Authors upload images and change their own (the admin limits them); editors all of them."""

from django.db import migrations

from blog.group_permissions import grant

GROUPS = {
    "Authors": {"blog": ["add_image", "change_image", "delete_image", "view_image"]},
    "Editors": {"blog": ["add_image", "change_image", "delete_image", "view_image"]},
}


def grant_image_permissions(apps, schema_editor):
    grant(apps, GROUPS)


class Migration(migrations.Migration):
    dependencies = [("blog", "0008_images")]

    operations = [migrations.RunPython(grant_image_permissions, migrations.RunPython.noop)]
