"""The discussion's part of the post admin: its state, its switch, its counts and its log.

Also the moderation log's table, which the comment admin shows too.

The blog's post admin knows nothing of comments; this one extends it and takes its place.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from blog.admin import PostAdmin as BlogPostAdmin
from blog.admin import StateFilter
from blog.models import Post

from . import services
from .closing import changes_at, closed_q, discussion_of, may_switch, state_of
from .decisions import switch
from .models import ModerationEvent

MAX_DAYS = 32767  # a PositiveSmallIntegerField


def _switch(modeladmin, request, queryset, operation, done):
    changed, refused = 0, []
    for post in queryset.order_by():
        try:
            operation(post, request.user)
            changed += 1
        except services.NotAllowed as refusal:
            refused.append(str(refusal))
    if changed:
        modeladmin.message_user(request, f"{done} on {changed} post(s).", messages.SUCCESS)
    for refusal in refused:
        modeladmin.message_user(request, refusal, messages.WARNING)


@admin.action(description="Close comments", permissions=["discussion"])
def close_comments(modeladmin, request, queryset):
    _switch(modeladmin, request, queryset, services.close, "Comments closed")


@admin.action(description="Reopen comments", permissions=["discussion"])
def reopen_comments(modeladmin, request, queryset):
    _switch(modeladmin, request, queryset, services.reopen, "Comments reopened")


class DiscussionFilter(admin.SimpleListFilter):
    """Open or closed, by the same rule as the Discussion column and the post page."""

    title = "discussion"
    parameter_name = "discussion"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Closed")]

    def queryset(self, request, queryset):
        if self.value() == "closed":
            return queryset.filter(closed_q())
        if self.value() == "open":
            return queryset.exclude(closed_q())
        return queryset


def event_table(events):
    """A moderation log as a table: when, who, what, from, to, why."""
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                date_format(timezone.localtime(event.created_at), "Y-m-d H:i"),
                event.actor.get_username() if event.actor else "the site",
                _event_subject(event),
                event.from_state or "—",
                event.to_state or "—",
                event.reason,
            )
            for event in events
        ),
    )
    if not rows:
        return "No moderation events yet."
    return format_html(
        '<table class="moderation-log"><thead><tr><th>When</th><th>Who</th><th>What</th>'
        "<th>From</th><th>To</th><th>Why</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def _event_subject(event):
    label = event.get_action_display()
    return f"{label} (comment #{event.comment_number})" if event.comment_number else label


def _with_after(names, anchor, extra):
    """The blog admin's ``names`` with ``extra`` placed after ``anchor``."""
    position = list(names).index(anchor) + 1
    return [*names[:position], *extra, *names[position:]]


admin.site.unregister(Post)


@admin.register(Post)
class PostAdmin(BlogPostAdmin):
    list_display = _with_after(
        BlogPostAdmin.list_display,
        "state",
        ["discussion_column", "approved_comments", "pending_comments"],
    )
    list_filter = _with_after(BlogPostAdmin.list_filter, StateFilter, [DiscussionFilter])
    list_select_related = [
        *BlogPostAdmin.list_select_related,
        "discussion",
        "discussion__closed_by",
    ]
    actions = [close_comments, reopen_comments]
    change_form_template = "admin/blog/post/change_form_discussion.html"

    class Media:
        css = {"all": ["admin/css/moderation.css"]}

    def has_discussion_permission(self, request):
        return may_switch(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).with_comment_counts()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, ("Discussion", {"fields": ["discussion_control", "discussion_log"]})]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "discussion_control", "discussion_log"]

    @admin.display(description="Discussion")
    def discussion_column(self, post):
        state = state_of(post, discussion_of(post))
        if not state.closed:
            return "Open"
        return format_html('<span title="{}">Closed</span>', state.explanation)

    @admin.display(description="Approved", ordering="approved_comment_count")
    def approved_comments(self, post):
        return post.approved_comment_count

    @admin.display(description="Pending", ordering="pending_comment_count")
    def pending_comments(self, post):
        if not post.pending_comment_count:
            return 0
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?post__id__exact={}&amp;status__exact=pending">{}</a>',
            url,
            post.pk,
            post.pending_comment_count,
        )

    @admin.display(description="State")
    def discussion_control(self, post):
        """Open or closed, and why, or when the clock closes it (the switches sit above the
        form, with the tools)."""
        discussion = discussion_of(post)
        state = state_of(post, discussion)
        closes_at = changes_at(post, discussion)
        detail = state.explanation if state.closed else ""
        if closes_at:
            detail = (
                f"Closes by itself on {date_format(timezone.localtime(closes_at), 'j F Y, H:i T')}."
            )
        return format_html(
            '<p class="discussion-state" data-closed="{}"><strong>{}</strong> {}</p>',
            "true" if state.closed else "false",
            "Closed." if state.closed else "Open.",
            detail,
        )

    @admin.display(description="Moderation log")
    def discussion_log(self, post):
        events = ModerationEvent.objects.filter(post=post).select_related("actor")
        return event_table(events[:50])

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and self.has_discussion_permission(request):
            discussion = discussion_of(obj)
            state = state_of(obj, discussion)
            context["discussion_state"] = state
            context["own_inactive_days"] = discussion.inactive_days if discussion else None
            context["site_inactive_days"] = settings.COMMENTS_CLOSE_AFTER_INACTIVE_DAYS
            context["max_days"] = MAX_DAYS
            context["discussion_url"] = reverse("admin:blog_post_discussion", args=[obj.pk])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view(self.discussion_view)
        return [
            path("<int:pk>/discussion/", view, name="blog_post_discussion"),
            *super().get_urls(),
        ]

    def discussion_view(self, request, pk):
        """Close or reopen, or set the inactivity limit, from the post's page in the admin."""
        if request.method != "POST" or not self.has_discussion_permission(request):
            raise PermissionDenied
        post = get_object_or_404(Post, pk=pk)
        if request.POST.get("action") == "inactive_days":
            self._set_inactive_days(request, post)
        else:
            switch(request, post)
        return redirect("admin:blog_post_change", pk)

    def _set_inactive_days(self, request, post):
        value = request.POST.get("inactive_days", "").strip()
        if value and not (value.isascii() and value.isdigit() and int(value) <= MAX_DAYS):
            message = f"Enter a number of days from 0 to {MAX_DAYS}, or nothing for the site's."
            self.message_user(request, message, messages.ERROR)
            return
        days = int(value) if value else None
        state = services.set_inactive_days(post, days, request.user)
        self.message_user(
            request,
            f"Close after days without comments: {services.days_label(days)}. "
            f"{state.explanation if state.closed else 'Open for comments.'}",
            messages.SUCCESS,
        )
