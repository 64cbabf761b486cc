"""The related-media preview in the post admin: the same safe frame or link card the page shows.

A saved item is previewed when the form is drawn; a URL being typed is previewed through
``media_preview``, a staff-only view that parses it with blog/embeds.py and answers a rendered
fragment, so the browser never builds a frame from what was typed.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from .embeds import parse_media_url

TEMPLATE = "admin/blog/mediaembed/preview.html"


def render_preview(url: str, title: str = "") -> str:
    """The preview fragment for ``url``: a video frame, a link card, a refusal or nothing."""
    context = {"title": title or "Preview"}
    if url.strip():
        try:
            context["media"] = parse_media_url(url)
        except ValidationError as error:
            context["errors"] = error.messages
    return render_to_string(TEMPLATE, context)


@require_GET
def media_preview(request):
    """Staff only (wrapped in ``admin_view`` in the URLconf): the preview of a typed URL."""
    return HttpResponse(render_preview(request.GET.get("url", ""), request.GET.get("title", "")))
