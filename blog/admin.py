from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from .media_preview import render_preview
from .models import Author, MediaEmbed, Post, Tag
from .permissions import edits_all_posts, may_edit, sees_all_posts
from .sanitize import removed_markup


class MediaEmbedInline(admin.StackedInline):
    """Related media, reordered by dragging or Move up/down (static/js/media_order.js)."""

    model = MediaEmbed
    extra = 0
    fields = [("url", "position"), "preview", "title", "credit", "caption"]
    readonly_fields = ["preview"]

    class Media:
        js = ["js/media_order.js"]
        css = {"all": ["css/media_admin.css"]}

    @admin.display(description="Preview")
    def preview(self, item):
        return render_preview(item.url, item.title)


# Everything the post form writes, so a save never overwrites columns it did not show (the
# search vector is the database's own, kept by its triggers).
EDITABLE_POST_FIELDS = [
    field.name
    for field in Post._meta.concrete_fields
    if not field.primary_key and field.name not in {"created_at", "search_vector"}
]


class TagsAutocomplete(AutocompleteSelectMultiple):
    """Redraws a refused form without querying values that are not ids (a 500 otherwise)."""

    def optgroups(self, name, value, attr=None):
        ids = [v for v in value if str(v).isascii() and str(v).isdigit()]
        return super().optgroups(name, ids, attr)


class SanitiserFeedback:
    """Tells the author, once the post is saved, what the site's HTML policy took out of the
    body they submitted (the form keeps it as typed; saving the post sanitised it)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if removed := removed_markup(form.cleaned_data.get("body", "")):
            message = f"Some markup was removed: {', '.join(removed)}."
            self.message_user(request, message, messages.WARNING)


@admin.register(Post)
class PostAdmin(SanitiserFeedback, admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at", "preview_link"]
    list_filter = ["status", "published_at", "author", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    inlines = [MediaEmbedInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "standfirst", "body", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]

    @admin.display(description="On the site")
    def preview_link(self, post):
        label = "View" if post.is_public else "Preview"
        return format_html('<a href="{}">{}</a>', post.get_absolute_url(), label)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
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
            obj is None or may_edit(request.user, obj)
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
        return [] if edits_all_posts(request.user) else ["author"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagsAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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
