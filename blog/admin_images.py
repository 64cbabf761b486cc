"""The image library in the admin: upload (checked and prepared by ``blog/images.py``),
describe, and pick an image for a post's body from the editor (``ImageAdmin.picker_view``)."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from . import images
from .models import Image, Post
from .permissions import edits_all_posts

# The editor's file-browser protocol (django-prose-editor's Figure speaks CKEditor's): the
# picker is opened with this parameter and calls the editor back with its value.
CALLBACK = "CKEditorFuncNum"
PICKER_PAGE_SIZE = 24


def upload_help():
    return (
        f"A JPEG, PNG or WebP picture of up to {filesizeformat(settings.BLOG_IMAGE_MAX_BYTES)} "
        f"and {settings.BLOG_IMAGE_MAX_PIXELS / 1e6:g} megapixels. The camera's location and "
        "other details stored in the file are removed; smaller copies are made for small "
        "screens."
    )


def thumbnail(image):
    """A small picture of ``image`` for lists and forms (its alt text is shown beside it)."""
    source = image.sources[0]
    return format_html(
        '<img class="image-thumbnail" src="{}" width="{}" height="{}" alt="" loading="lazy">',
        source.url,
        source.width,
        source.height,
    )


def _post_links(posts):
    """Links to the admin pages of ``posts``, by title."""
    return [
        format_html(
            '<a href="{}">Post: {}</a>', reverse("admin:blog_post_change", args=[p.pk]), p.title
        )
        for p in posts.only("title").order_by("title")
    ]


class ImageUploadForm(forms.ModelForm):
    """A new image: the file, checked here (so a refusal is shown beside the field), and
    what it shows."""

    upload = forms.FileField(
        label="Picture",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(images.CONTENT_TYPES)}),
    )

    class Meta:
        model = Image
        fields = ["upload", "alt", "caption", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = upload_help()
        self.prepared = None

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.prepared = images.prepare(upload)
        return upload


class ImageChangeForm(forms.ModelForm):
    """An uploaded image's words; its picture stays (posts show its files)."""

    class Meta:
        model = Image
        fields = ["alt", "caption", "credit"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt", "dimensions", "uploaded_by", "uploaded_at"]
    list_display_links = ["alt"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt", "caption", "credit", "original_name"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "dimensions", "sizes", "original_name", "used_in"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageChangeForm if obj else ImageUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "alt", "caption", "credit"]
        return [
            "preview",
            "alt",
            "caption",
            "credit",
            "original_name",
            "dimensions",
            "sizes",
            "used_in",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            obj.uploaded_by = request.user
            obj.save_upload(form.cleaned_data["upload"], form.prepared)

    @admin.display(description="Picture")
    def thumbnail(self, image):
        return thumbnail(image)

    @admin.display(description="Picture")
    def preview(self, image):
        source = image.default_source
        return format_html(
            '<img class="image-preview" src="{}" width="{}" height="{}" alt="{}">',
            source.url,
            source.width,
            source.height,
            image.alt,
        )

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description="Stored sizes")
    def sizes(self, image):
        return format_html_join(
            ", ", '<a href="{}">{} px wide</a>', ((s.url, s.width) for s in image.sources)
        )

    @admin.display(description="Used in")
    def used_in(self, image):
        posts = _post_links(Post.objects.showing([image]))
        return format_html_join(", ", "{}", ((link,) for link in posts)) or "No post yet."

    def get_deleted_objects(self, objs, request):
        """A picture a post shows (featured, or in its text) is protected: deleting it would
        leave the post with a hole, so the page names the posts to change first."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = [*protected, *_post_links(Post.objects.showing(objs))]
        return deleted, counts, perms_needed, protected

    def get_urls(self):
        picker = path(
            "picker/", self.admin_site.admin_view(self.picker_view), name="blog_image_picker"
        )
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """The editor's Image button opens this in a window: choose an image of the library,
        or upload one, and "Insert" hands it to the editor (static/js/image_picker.js)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_upload = self.has_add_permission(request)
        form = ImageUploadForm(request.POST or None, request.FILES or None) if may_upload else None
        if request.method == "POST":
            if form is None:
                raise PermissionDenied
            if form.is_valid():
                self.save_model(request, form.instance, form, change=False)
                self.log_addition(request, form.instance, [{"added": {}}])
                query = {CALLBACK: request.POST.get(CALLBACK, ""), "chosen": form.instance.pk}
                return redirect(f"{reverse('admin:blog_image_picker')}?{urlencode(query)}")
        search = request.GET.get("q", "").strip()
        found, _ = self.get_search_results(request, Image.objects.all(), search)
        context = {
            **self.admin_site.each_context(request),
            "title": "Insert an image",
            "is_popup": True,
            "opts": self.opts,
            "form": form,
            "search": search,
            "page": Paginator(found, PICKER_PAGE_SIZE).get_page(request.GET.get("page")),
            "chosen": request.GET.get("chosen", ""),
            "callback": request.GET.get(CALLBACK) or request.POST.get(CALLBACK, ""),
            "callback_field": CALLBACK,
        }
        return TemplateResponse(request, "admin/blog/image/picker.html", context)

    # Every author sees the whole library (to reuse a picture); each changes only their own.
    def _is_own(self, request, image):
        return image.uploaded_by_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or edits_all_posts(request.user) or self._is_own(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or edits_all_posts(request.user) or self._is_own(request, obj)
        )

    class Media:
        css = {"all": ["css/image_admin.css"]}
