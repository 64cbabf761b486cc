from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html

from . import revisions, workflow
from .admin_images import thumbnail
from .admin_revisions import PostRevisionsAdmin
from .editor import PostBodyWidget, with_csp_nonce
from .media_preview import render_preview
from .models import Author, Image, MediaEmbed, Post, Tag
from .permissions import edits_all_posts, may_edit, sees_all_posts
from .sanitize import removed_markup, sanitise


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


class Labelled:
    """An autocomplete box (select2) named after its field's label, as its select was
    (js/autocomplete_labels.js)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/autocomplete_labels.js"])


class FeaturedImageAutocomplete(Labelled, AutocompleteSelect):
    @property
    def media(self):
        return super().media + forms.Media(js=["js/featured_preview.js"])


class TagsAutocomplete(Labelled, AutocompleteSelectMultiple):
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


class PostForm(forms.ModelForm):
    """The post form; the button pressed (``action``) decides the status and the date."""

    state = workflow.DRAFT
    action = "draft"

    class Meta:
        widgets = {"body": PostBodyWidget()}

    def clean_body(self):
        """Every picture added to the body needs alternative text (a library image has its
        own), and a library picture must still be in the library."""
        body = self.cleaned_data["body"]
        found = sanitise(body, Image.objects.attributes_in(body))
        if found.deleted:
            raise ValidationError(
                "A picture in the text was deleted from the image library since it was "
                "placed: %(images)s. Remove it, or choose another with the image button.",
                params={"images": ", ".join(found.deleted)},
                code="image_deleted",
            )
        missing = found.unlabelled
        if missing:  # pictures the post had before (e.g. imported) do not block an edit
            before = set(sanitise(self.initial.get("body", "")).unlabelled)
            missing = [src for src in missing if src not in before]
        if missing:
            raise ValidationError(
                "Describe each picture for readers who cannot see it: select it, press the "
                "image button and fill in its alternative text. Missing for: %(images)s.",
                params={"images": ", ".join(missing)},
                code="image_without_alt",
            )
        return body

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "published_at" in self.fields:
            zone = timezone.localtime().strftime("%Z")
            field = self.fields["published_at"]
            field.help_text = (
                f"In {settings.TIME_ZONE} time ({zone}). Schedule needs a future date; "
                "Publish with no date publishes now."
            )
            # The split widget's label points at neither box: name each one.
            for widget, name in zip(field.widget.widgets, ["date", "time"], strict=True):
                widget.attrs["aria-label"] = f"Publication {name} ({zone})"

    def clean(self):
        cleaned = super().clean()
        if "published_at" in self.errors:
            return cleaned
        try:
            status, published_at = workflow.apply(
                self.action, self.state, cleaned.get("published_at")
            )
        except workflow.Refused as refusal:
            self.add_error("published_at", str(refusal))
            return cleaned
        self.status = status
        cleaned["published_at"] = published_at
        return cleaned

    def save(self, commit=True):
        # Only now: a form refused for another field leaves the post's state as it was.
        self.status_changed = self.instance.status != self.status
        self.instance.status = self.status
        return super().save(commit)


class StateFilter(admin.SimpleListFilter):
    """Draft, scheduled or published: a scheduled post is not "published" yet."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(workflow.STATE_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() == workflow.DRAFT:
            return queryset.filter(status=Post.Status.DRAFT)
        if self.value() == workflow.SCHEDULED:
            return queryset.scheduled()
        if self.value() == workflow.PUBLISHED:
            return queryset.published()
        return queryset


@admin.register(Post)
class PostAdmin(PostRevisionsAdmin, SanitiserFeedback, admin.ModelAdmin):
    form = PostForm
    list_display = ["title", "author", "state", "preview_link"]
    list_filter = [StateFilter, "published_at", "author", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "featured_image"]
    inlines = [MediaEmbedInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "standfirst", "body", "tags"]}),
        ("Featured image", {"fields": ["featured_image", "featured_preview"]}),
        ("Publishing", {"fields": ["publishing_state", "published_at"]}),
    ]

    @admin.display(description="Status", ordering="published_at")
    def state(self, post):
        return workflow.describe(post)

    @admin.display(description="Status")
    def publishing_state(self, post):
        return workflow.describe(post, in_words=True)

    @admin.display(description="Shown as")
    def featured_preview(self, post):
        """The saved featured image; js/featured_preview.js says when the choice changed."""
        if post.featured_image is None:
            shown = "No featured image: choose one above, or upload one with the + button."
        else:
            shown = thumbnail(post.featured_image)
        return format_html(
            '<div class="featured-preview" aria-live="polite" data-saved="{}">{}</div>',
            post.featured_image_id or "",
            shown,
        )

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
            return Post.objects.select_related("author", "featured_image").get(
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
        fields = [
            *super().get_readonly_fields(request, obj),
            "publishing_state",
            "featured_preview",
        ]
        return fields if edits_all_posts(request.user) else [*fields, "author"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form, told the post's state and which button was pressed."""
        form = super().get_form(request, obj, change=change, **kwargs)
        state = workflow.DRAFT if obj is None else workflow.state_of(obj)
        action = workflow.action_from(request.POST, state)
        return type(form.__name__, (form,), {"state": state, "action": action})

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        state = workflow.DRAFT if obj is None else workflow.state_of(obj)
        context["workflow_buttons"] = workflow.BUTTONS[state]
        context["workflow_field"] = workflow.ACTION_FIELD
        context["media"] = with_csp_nonce(context["media"], request)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def construct_change_message(self, request, form, formsets, add=False):
        """The history names a status the buttons changed, as it names the fields."""
        message = super().construct_change_message(request, form, formsets, add)
        if not add and form.status_changed:
            message.append({"changed": {"fields": ["Status"]}})
        return message

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return self._response_saved(request, obj)

    def response_change(self, request, obj):
        if IS_POPUP_VAR in request.POST:
            return super().response_change(request, obj)
        return self._response_saved(request, obj)

    def _response_saved(self, request, obj):
        """Say what the button did, in words; stay on the form, or open the preview."""
        action = request.POST.get(workflow.ACTION_FIELD)
        self.message_user(request, workflow.outcome(obj, action), messages.SUCCESS)
        if action == "preview":
            return redirect(obj.get_absolute_url())
        return redirect("admin:blog_post_change", obj.pk)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "featured_image":
            kwargs["widget"] = FeaturedImageAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
        before = revisions.text_of(form.initial) if change else None
        before_at = obj.updated_at
        if change:
            obj.save(update_fields=EDITABLE_POST_FIELDS)
        else:
            obj.save()
        revisions.record(obj, request.user, before, before_at)


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
