"""Moderators see the task queue's jobs in the admin (a failed email is theirs to notice)."""

from django.db import migrations

from blog.group_permissions import grant


def grant_view(apps, schema_editor):
    grant(apps, {"Moderators": {"procrastinate": ["view_procrastinatejob"]}})


def revoke_view(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="procrastinate", codename="view_procrastinatejob"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_rate_counter"),
        ("procrastinate", "0041_post_retry_failed_job"),
    ]

    operations = [migrations.RunPython(grant_view, revoke_view)]
