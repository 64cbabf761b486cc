"""A moderator's button press, answered the same way on the post page and in the admin.

Plain forms get a message and a redirect; the pages' scripts ask for JSON and update in place.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from . import services
from .models import ModerationEvent

SWITCHES = {
    "close": (services.close, "The discussion is closed; the thread stays readable."),
    "reopen": (services.reopen, "The discussion is open again."),
}


def go_back(request, comment, fallback):
    """To the page the button was on (a safe ``next``), else ``fallback(request, comment)``."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback(request, comment))


def decide(request, comment, fallback, details):
    """One moderation decision from a button: JSON for the page's script, else a redirect.

    The redirect goes to a safe ``next``, else to ``fallback(request, comment)``;
    ``details(comment)`` adds what the asking page updates (its counts).
    """
    action = request.POST.get("action", "")
    # The status the moderator's screen showed: a decision made meanwhile is not overwritten.
    expected = request.POST.get("from") or request.GET.get("from") or None
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        services.moderate(comment, action, request.user, expected=expected)
    except services.NotAllowed as refusal:
        if wants_json:
            return JsonResponse({"error": str(refusal)}, status=409)
        messages.error(request, str(refusal))
        return go_back(request, comment, fallback)
    message = (
        f"{ModerationEvent.Action(action).label}: the comment by \u2068{comment.author_name}\u2069."
    )
    if wants_json:
        return JsonResponse(
            {
                "status": comment.status,
                "status_label": comment.get_status_display(),
                "reason": comment.status_reason,
                "actions": services.allowed_actions(comment),
                "message": message,
                **details(comment),
            }
        )
    messages.success(request, message)
    return go_back(request, comment, fallback)


def switch(request, post):
    """Close or reopen ``post``'s discussion as the form asks, and say how it went."""
    operation, done = SWITCHES.get(request.POST.get("action"), (None, ""))
    if operation is None:
        raise BadRequest("Close or reopen?")
    try:
        operation(post, request.user, request.POST.get("reason", "").strip())
    except services.NotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
