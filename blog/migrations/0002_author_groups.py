"""Create the "Authors" and "Editors" groups with their permissions."""

from django.db import migrations

from blog.group_permissions import grant

GROUPS = {
    # Authors write their own posts (the admin limits them to those) and their media.
    "Authors": {
        "blog": [
            "add_post", "change_post", "view_post",
            "add_mediaembed", "change_mediaembed", "delete_mediaembed", "view_mediaembed",
            "add_tag", "view_tag",
        ],
    },
    # Editors work on every post.
    "Editors": {
        "blog": [
            "add_post", "change_post", "delete_post", "view_post", "change_any_post",
            "add_mediaembed", "change_mediaembed", "delete_mediaembed", "view_mediaembed",
            "add_tag", "change_tag", "delete_tag", "view_tag",
            "view_author",
        ],
    },
}  # fmt: skip


def create_groups(apps, schema_editor):
    grant(apps, GROUPS)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
