"""The pages behind the links in notification emails: confirm a subscription, unsubscribe.

Following a link only shows a button; the change is the button's POST, so link scanners
and mail previews that fetch every link change nothing.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import subscriptions
from .subscriptions import BadLink


def _bad_link(request, refusal):
    return render(request, "comments/bad_link.html", {"problem": str(refusal)}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """A subscriber says yes to the notifications they asked for (double opt-in)."""
    try:
        subscription = subscriptions.confirmable(token)
    except BadLink as refusal:
        return _bad_link(request, refusal)
    context = {"subscription": subscription, "done": False}
    if subscription is None:
        return render(request, "comments/confirm_subscription.html", context, status=410)
    if request.method == "POST":
        subscriptions.confirm(subscription)
        context["done"] = True
    return render(request, "comments/confirm_subscription.html", context)


@csrf_exempt  # the signed token is the proof; mail clients' one-click POST has no CSRF token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop one subscription, or every email to the address; one click from a mail client.

    A mail client's one-click POST (RFC 8058) sends ``List-Unsubscribe=One-Click`` and stops
    what the link names; the page's buttons may also stop everything, or undo that.
    """
    try:
        link = subscriptions.unsubscribable(token)
    except BadLink as refusal:
        return _bad_link(request, refusal)
    done = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "resume":
            subscriptions.opt_back_in(link.email)
            done = "resumed"
        elif action == "all" or link.everything:
            subscriptions.opt_out(link.email)
            done = "all"
        else:
            if link.subscription is not None:
                subscriptions.stop(link.subscription)
            done = "one"
    return render(request, "comments/unsubscribe.html", {"link": link, "done": done})
