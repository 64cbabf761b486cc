"""Grant permissions to groups from data migrations.

Django creates permissions after all migrations have run; a migration that sets up
groups on a fresh database has to create them first.
"""

from django.contrib.auth.management import create_permissions


def grant(apps, grants):
    """``grants`` maps a group name to ``{app_label: [codename, ...]}``."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, by_app in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in by_app.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
