from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from comments.moderation import discussion_is_closed

from .models import Author, MediaEmbed, Post, Tag
from .permissions import edits_all_posts, sees_all_posts


def set_comments_closed(modeladmin, request, queryset, closed):
    """Open or close discussions; the UPDATE takes each post's row lock (see comments.views)."""
    posts = list(queryset)
    queryset.update(comments_closed=closed)
    message = "Closed the discussion." if closed else "Reopened the discussion."
    LogEntry.objects.log_actions(
        user_id=request.user.pk,
        queryset=posts,
        action_flag=CHANGE,
        change_message=message,
        single_object=len(posts) == 1,
    )
    state = "closed" if closed else "reopened"
    modeladmin.message_user(request, f"Comments {state} on {len(posts)} post(s).", messages.SUCCESS)


@admin.action(description="Close comments", permissions=["discussion"])
def close_comments(modeladmin, request, queryset):
    set_comments_closed(modeladmin, request, queryset, closed=True)


@admin.action(description="Reopen comments", permissions=["discussion"])
def reopen_comments(modeladmin, request, queryset):
    set_comments_closed(modeladmin, request, queryset, closed=False)


class MediaEmbedInline(admin.StackedInline):
    model = MediaEmbed
    extra = 0
    fields = [("url", "position"), "title", "credit", "caption"]


# Everything the post form writes: never the discussion switch, which moderators may flip
# while an author's form is being saved.
EDITABLE_POST_FIELDS = [
    field.name
    for field in Post._meta.concrete_fields
    if not field.primary_key and field.name not in {"comments_closed", "created_at"}
]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "status",
        "published_at",
        "discussion",
        "approved_comments",
        "pending_comments",
        "preview_link",
    ]
    list_filter = ["status", "comments_closed", "published_at", "author", "tags"]
    actions = [close_comments, reopen_comments]
    list_select_related = ["author"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    inlines = [MediaEmbedInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "standfirst", "body", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
        (
            "Discussion",
            {
                "fields": ["comments_closed"],
                "description": "Close or reopen it with the actions of the post list.",
            },
        ),
    ]

    @admin.display(description="Discussion")
    def discussion(self, post):
        return "Closed" if discussion_is_closed(post) else "Open"

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

    @admin.display(description="On the site")
    def preview_link(self, post):
        label = "View" if post.is_public else "Preview"
        return format_html('<a href="{}">{}</a>', post.get_absolute_url(), label)

    def has_discussion_permission(self, request):
        return request.user.has_perm("blog.change_discussion")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_comment_counts()
        if sees_all_posts(request.user):
            return queryset
        return queryset.filter(author__user=request.user)

    def get_object(self, request, object_id, from_field=None):
        """Look in every post, so another author's post answers 403 instead of "missing"."""
        field = Post._meta.pk if from_field is None else Post._meta.get_field(from_field)
        try:
            return Post.objects.select_related("author").get(
                **{field.name: field.to_python(object_id)}
            )
        except (Post.DoesNotExist, ValidationError, ValueError):
            return None

    @staticmethod
    def _is_own(request, post):
        return post.author.user_id == request.user.pk

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or sees_all_posts(request.user) or self._is_own(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or edits_all_posts(request.user) or self._is_own(request, obj)
        )

    def has_add_permission(self, request):
        """A post needs an author: someone without a profile cannot write one of their own."""
        return super().has_add_permission(request) and (
            edits_all_posts(request.user) or hasattr(request.user, "author")
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or edits_all_posts(request.user) or self._is_own(request, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        # The switch belongs to the close/reopen actions: a post form left open for an hour
        # must not reopen a discussion that a moderator closed meanwhile.
        return (
            ["comments_closed"] if edits_all_posts(request.user) else ["author", "comments_closed"]
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if hasattr(request.user, "author"):
            initial.setdefault("author", request.user.author.pk)
        return initial

    def save_model(self, request, obj, form, change):
        if not change and not edits_all_posts(request.user):
            obj.author = request.user.author
        if change:
            obj.save(update_fields=EDITABLE_POST_FIELDS)
        else:
            obj.save()


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "slug"]
    search_fields = ["display_name", "user__username", "user__email"]
    prepopulated_fields = {"slug": ["display_name"]}
    list_select_related = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
