"""Create the "Moderators" group; let authors and editors see comments too."""

from django.db import migrations

from blog.group_permissions import grant

GROUPS = {
    # Moderators judge comments and open or close discussions, but never edit posts.
    "Moderators": {
        "comments": [
            "view_comment", "change_comment", "delete_comment", "moderate_comment",
            "add_blockedterm", "change_blockedterm", "delete_blockedterm", "view_blockedterm",
        ],
        "blog": ["view_post", "change_discussion"],
    },
    "Authors": {"comments": ["view_comment"]},
    # Editors, who edit every post, may also open and close its discussion.
    "Editors": {"comments": ["view_comment"], "blog": ["change_discussion"]},
}  # fmt: skip


def create_groups(apps, schema_editor):
    grant(apps, GROUPS)


def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("blog", "0003_discussion_permission"),
    ]

    operations = [migrations.RunPython(create_groups, remove_moderators)]
