"""The task queue's job list, as the site's Content-Security-Policy allows it (no inline styles)."""

import json

from django.contrib import admin
from django.utils.html import format_html
from procrastinate.contrib.django.admin import ProcrastinateJobAdmin
from procrastinate.contrib.django.models import ProcrastinateJob

admin.site.unregister(ProcrastinateJob)


@admin.register(ProcrastinateJob)
class JobAdmin(ProcrastinateJobAdmin):
    @admin.display(description="Args")
    def pretty_args(self, instance):
        return format_html("<code>{}</code>", json.dumps(instance.args)[:2000])
