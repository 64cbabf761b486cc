"""The tuning part of the workbench: the fixes beside Approve, the thresholds, the trust list.

Moderators see what the fixes changed here and undo it: deleting a threshold brings back its
setting, deleting a trusted commenter revokes the trust.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import Threshold, TrustedCommenter
from .post_authors import moderates_every_post
from .tuning import fixes_for


def fix_buttons(comment):
    """The queue row's fixes: buttons sent with the row's form (and its ``next``) to tune, or a
    link to the form a fix needs. ``data-action="fix"``: the queue's script hides them once a
    key decided the row in place."""
    tune = reverse("admin:comments_comment_tune", args=[comment.pk])
    narrow = reverse("admin:comments_comment_narrow", args=[comment.pk])
    return mark_safe(
        " ".join(
            format_html(
                '<a class="button queue-fix" href="{}" data-action="fix">{}</a>', narrow, fix.label
            )
            if fix.asks
            else format_html(
                '<button type="submit" form="row-actions" formaction="{}" name="fix" value="{}" '
                'data-action="fix" class="button queue-fix">{}</button>',
                tune,
                fix.code,
                fix.label,
            )
            for fix in fixes_for(comment)
        )
    )


class NarrowForm(forms.Form):
    value = forms.CharField(label="The entry becomes", max_length=200)


class ModeratorsOnly:
    """Kept by moderators: listed and deleted (undone) by them; changed only by the fixes."""

    def _moderates(self, request):
        return moderates_every_post(request.user)

    def has_module_permission(self, request):
        return self._moderates(request)

    def has_view_permission(self, request, obj=None):
        return self._moderates(request)

    def has_delete_permission(self, request, obj=None):
        return self._moderates(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Threshold)
class ThresholdAdmin(ModeratorsOnly, admin.ModelAdmin):
    list_display = ["name", "value", "setting", "changed_by", "changed_at"]

    @admin.display(description="Setting (when deleted)")
    def setting(self, threshold):
        return Threshold.default(threshold.name)


@admin.register(TrustedCommenter)
class TrustedCommenterAdmin(ModeratorsOnly, admin.ModelAdmin):
    list_display = ["who", "from_comment", "trusted_by", "trusted_at"]
    list_select_related = ["user", "comment", "trusted_by"]
    search_fields = ["email", "user__username"]

    @admin.display(description="Commenter")
    def who(self, trusted):
        return str(trusted)

    @admin.display(description="Trusted from")
    def from_comment(self, trusted):
        if trusted.comment is None:
            return "—"
        url = reverse("admin:comments_comment_change", args=[trusted.comment_id])
        return format_html('<a href="{}">comment #{}</a>', url, trusted.comment_id)
