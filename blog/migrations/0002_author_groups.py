"""Create the "Authors" and "Editors" groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    # Authors write their own posts (the admin limits them to those) and their media.
    "Authors": [
        ("blog", "post", ["add", "change", "view"]),
        ("blog", "mediaembed", ["add", "change", "delete", "view"]),
        ("blog", "tag", ["add", "view"]),
    ],
    # Editors work on every post.
    "Editors": [
        ("blog", "post", ["add", "change", "delete", "view", "change_any"]),
        ("blog", "mediaembed", ["add", "change", "delete", "view"]),
        ("blog", "tag", ["add", "change", "delete", "view"]),
        ("blog", "author", ["view"]),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrations; groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
