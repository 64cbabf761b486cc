"""The post admin's revisions: a section of the change form, a list, a page per revision with
"Restore this version". Only someone who may edit the post sees them (403 otherwise)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import revisions
from .models import Image, PostRevision
from .permissions import may_edit
from .sanitize import sanitise

SHOWN_ON_FORM = 5
PER_PAGE = 50


def _listed(queryset):
    """Revisions as lists show them: no text, the person who saved each one."""
    return queryset.select_related("author_of_change").only(
        "post", "created_at", "summary", "author_of_change", "author_of_change__username"
    )


class PostRevisionsAdmin:
    """Mixed into the post admin, before ``admin.ModelAdmin``."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not may_edit(request.user, obj):
            return fieldsets
        return [*fieldsets, ("Revisions", {"fields": ["recent_revisions"]})]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "recent_revisions"]

    @admin.display(description="Latest")
    def recent_revisions(self, post):
        return render_to_string(
            "admin/blog/post/_revision_table.html",
            {
                "revisions": _listed(post.revisions.all())[:SHOWN_ON_FORM],
                "all_url": reverse("admin:blog_post_revisions", args=[post.pk]),
            },
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:post_id>/revisions/",
                wrap(self.revisions_view),
                name="blog_post_revisions",
            ),
            path(
                "<int:post_id>/revisions/<int:revision_id>/",
                wrap(self.revision_view),
                name="blog_post_revision",
            ),
            *super().get_urls(),
        ]

    def _editable_post(self, request, post_id):
        post = self.get_object(request, str(post_id))
        if post is None:
            raise Http404("No such post.")
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        return post

    def _context(self, request, post, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": post,
            "title": title,
        }

    def revisions_view(self, request, post_id):
        post = self._editable_post(request, post_id)
        page = Paginator(_listed(post.revisions.all()), PER_PAGE).get_page(request.GET.get("p"))
        context = self._context(request, post, f"Revisions of “{post}”")
        return TemplateResponse(
            request,
            "admin/blog/post/revisions.html",
            {**context, "page": page, "revisions": page.object_list},
        )

    def revision_view(self, request, post_id, revision_id):
        """The text of one revision; POST restores it."""
        post = self._editable_post(request, post_id)
        revision = get_object_or_404(
            PostRevision.objects.select_related("author_of_change"), pk=revision_id, post=post
        )
        if request.method == "POST":
            return self._restore(request, revision)
        context = self._context(request, post, f"Version of {revisions.when(revision)}")
        compared = revisions.describe_change(revisions.text_of(revision), revisions.text_of(post))
        # Shown as a restore would save it: without the pictures deleted since.
        shown = sanitise(revision.body, Image.objects.attributes_in(revision.body))
        return TemplateResponse(
            request,
            "admin/blog/post/revision.html",
            {
                **context,
                "revision": revision,
                "compared": compared,
                "body": shown.html,
                "deleted_pictures": shown.deleted,
            },
        )

    def _restore(self, request, revision):
        by = revision.author_of_change
        label = f"the version of {revisions.when(revision)}" + (f" by {by}" if by else "")
        post = revisions.restore(revision, request.user)
        if post is None:
            self.message_user(request, f"The post already has {label}.", messages.INFO)
            return redirect("admin:blog_post_change", revision.post_id)
        self.log_change(request, post, f"Restored {label}.")
        if left_out := sanitise(revision.body, Image.objects.attributes_in(revision.body)).deleted:
            self.message_user(
                request,
                f"Restored {label}, without the pictures deleted from the image library since: "
                f"{', '.join(left_out)}.",
                messages.WARNING,
            )
        else:
            self.message_user(request, f"Restored {label}.", messages.SUCCESS)
        return redirect("admin:blog_post_change", revision.post_id)
