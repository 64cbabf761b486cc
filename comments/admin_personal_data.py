"""A commenter's data on request, in the admin: the queue's export and erase actions, and the
log of such requests. For moderators of every post only: an author who moderates their own
posts never sees another post's commenters' addresses."""

from datetime import date

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse

from . import personal_data, services
from .models import DataRequest
from .post_authors import moderates_every_post
from .reply_emails import site_url

VIA_ADMIN = "the admin"


def addresses(queryset):
    """The addresses behind the selected comments (typed, or their account's), once each."""
    found = queryset.order_by().values_list("author_email", "user__email")
    return sorted({personal_data.normalise(email) for pair in found for email in pair if email})


@admin.action(description="Export the data of these commenters", permissions=["personal_data"])
def export_commenters_data(modeladmin, request, queryset):
    """A JSON download, one object per address, with everything stored about it."""
    emails = addresses(queryset)
    if not emails:
        modeladmin.message_user(
            request, "The selected comments carry no email address.", messages.WARNING
        )
        return None
    document = personal_data.export(emails, request.user, VIA_ADMIN, site_url(request))
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    filename = f"commenters-data-{date.today():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.action(description="Erase the data of these commenters…", permissions=["personal_data"])
def erase_commenters_data(modeladmin, request, queryset):
    """Asks first, listing the addresses and how many comments each has anywhere."""
    emails = addresses(queryset)
    if request.POST.get("post") != "yes":
        return TemplateResponse(
            request,
            "admin/comments/comment/erase_personal_data.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": "Erase these commenters’ data?",
                "opts": modeladmin.model._meta,
                "commenters": [personal_data.at_a_glance(email) for email in emails],
                "names_shown": personal_data.NAMES_SHOWN,
                "back": request.get_full_path(),  # the queue as it was, filters and all
                "text": settings.COMMENTS_ERASED_TEXT,
                "erased_text": personal_data.ERASED_TEXT,
                "selected": queryset.values_list("pk", flat=True),
            },
        )
    erased = sum(services.erase_commenter(email, request.user, VIA_ADMIN) for email in emails)
    modeladmin.message_user(
        request,
        f"Erased the data of {len(emails)} {'commenter' if len(emails) == 1 else 'commenters'}, "
        f"on {erased} {'comment' if erased == 1 else 'comments'}.",
        messages.SUCCESS,
    )
    return None


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Who exported or erased a commenter's data, and when: read-only, found by the address."""

    list_display = ["created_at", "kind", "comments", "actor", "via"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["email_digest"]  # searched by the address's digest, below
    search_help_text = "Type an email address to find the requests about it."

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(email_digest=personal_data.digest(search_term)), False

    def has_view_permission(self, request, obj=None):
        return moderates_every_post(request.user)

    def has_module_permission(self, request):
        return moderates_every_post(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
