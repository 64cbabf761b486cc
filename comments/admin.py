from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from blog.permissions import sees_all_posts

from .models import PENDING_FIRST, BlockedTerm, Comment


def set_status(modeladmin, request, queryset, status):
    """Apply a moderation decision, recording who and when on each comment and in the log."""
    comments = list(queryset.select_related("post"))
    # Exactly the comments the moderator saw selected, even if the queue moved meanwhile.
    Comment.objects.filter(pk__in=[comment.pk for comment in comments]).update(
        status=status, moderated_by=request.user, moderated_at=timezone.now()
    )
    label = Comment.Status(status).label.lower()
    LogEntry.objects.log_actions(
        user_id=request.user.pk,
        queryset=comments,
        action_flag=CHANGE,
        change_message=f"Marked as {label}.",
        single_object=len(comments) == 1,
    )
    modeladmin.message_user(
        request, f"{len(comments)} comment(s) marked as {label}.", messages.SUCCESS
    )


@admin.action(description="Approve selected comments", permissions=["moderate"])
def approve(modeladmin, request, queryset):
    set_status(modeladmin, request, queryset, Comment.Status.APPROVED)


@admin.action(description="Reject selected comments", permissions=["moderate"])
def reject(modeladmin, request, queryset):
    set_status(modeladmin, request, queryset, Comment.Status.REJECTED)


@admin.action(description="Mark selected comments as spam", permissions=["moderate"])
def mark_spam(modeladmin, request, queryset):
    set_status(modeladmin, request, queryset, Comment.Status.SPAM)


# What a commenter shares with moderators only.
PRIVATE_FIELDS = {"author_email", "ip_address", "user_agent"}


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: pending comments first, newest first."""

    list_display = ["excerpt", "status", "author_name", "post_link", "created_at"]
    list_filter = ["status", "created_at", ("post", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["author_name", "author_email", "ip_address", "body"]
    list_select_related = ["post"]
    list_per_page = 50
    actions = [approve, reject, mark_spam]

    class Media:
        css = {"all": ["admin/css/moderation.css"]}

    date_hierarchy = "created_at"
    ordering = [PENDING_FIRST.asc(), "-created_at"]
    fieldsets = [
        ("Context", {"fields": ["post_link", "parent_context"]}),
        (None, {"fields": ["author_name", "author_email", "author_url", "user", "body"]}),
        ("Moderation", {"fields": ["status", "status_reason", "moderated_by", "moderated_at"]}),
        ("Origin", {"fields": ["created_at", "ip_address", "user_agent"]}),
    ]
    readonly_fields = [
        "post_link",
        "parent_context",
        "user",
        "status_reason",
        "moderated_by",
        "moderated_at",
        "created_at",
        "ip_address",
        "user_agent",
    ]

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(90)

    @admin.display(description="Post", ordering="post__title")
    def post_link(self, comment):
        return format_html('<a href="{}">{}</a>', comment.post.get_absolute_url(), comment.post)

    @admin.display(description="In reply to")
    def parent_context(self, comment):
        if comment.parent is None:
            return "—"
        parent = comment.parent
        return format_html("{} wrote: “{}”", parent.author_name, Truncator(parent.body).chars(300))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.has_moderate_permission(request) or sees_all_posts(request.user):
            return queryset
        return queryset.filter(post__author__user=request.user)

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.has_moderate_permission(request)

    def has_add_permission(self, request):
        return False  # Comments come from readers, through the site.

    def lookup_allowed(self, lookup, value, request=None):
        """No filtering by a private field in the URL (that would reveal it letter by letter)."""
        if lookup.split("__")[0] in PRIVATE_FIELDS and not (
            request is not None and self.has_moderate_permission(request)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        if self.has_moderate_permission(request):
            return self.search_fields
        return [field for field in self.search_fields if field not in PRIVATE_FIELDS]

    def get_fieldsets(self, request, obj=None):
        """Emails and network origins are for moderators; authors read the conversation."""
        if self.has_moderate_permission(request):
            return self.fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in PRIVATE_FIELDS]})
            for name, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        # Moderators judge a comment; they do not rewrite what a reader said.
        return [*self.readonly_fields, "author_name", "author_email", "author_url", "body"]

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderate(obj.status, request.user)
        super().save_model(request, obj, form, change)


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
