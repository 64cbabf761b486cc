"""Reply notifications: asking for them, confirming (double opt-in) and stopping them.

Links in emails carry signed tokens (``django.core.signing``): the token is the proof that
whoever follows it reads that mailbox, so no account or password is needed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import OptOut, Subscription

CONFIRM_SALT = "comments.subscription.confirm"
UNSUBSCRIBE_SALT = "comments.subscription.unsubscribe"


class BadLink(Exception):
    """A confirmation or unsubscribe link that is forged, damaged or expired; says which."""


def normal(email):
    return email.strip().lower()


def request(comment, wants):
    """Record what the commenter of ``comment`` asked for (a ``Subscription.Wants``), unconfirmed.

    One statement, in the comment's transaction. Asking again for the whole discussion moves
    the request to the newer comment; a confirmed subscription stays confirmed.
    """
    if (
        wants not in (Subscription.Wants.REPLIES, Subscription.Wants.ALL)
        or not comment.author_email
    ):
        return
    Subscription.objects.bulk_create(
        [
            Subscription(
                email=normal(comment.author_email),
                post_id=comment.post_id,
                comment=comment if wants == Subscription.Wants.REPLIES else None,
                user=comment.user,
                requested_with=comment,
            )
        ],
        update_conflicts=True,
        unique_fields=["email", "post", "comment"],
        update_fields=["requested_with"],
    )


# --- Links ------------------------------------------------------------------------------------


def confirm_url(subscription, base_url):
    token = signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=CONFIRM_SALT)
    return base_url + reverse("comments:confirm_subscription", args=[token])


def unsubscribe_url(email, base_url, subscription=None):
    """Stops ``subscription``, or (None) every email to ``email``."""
    payload = {"e": normal(email), "s": subscription.pk if subscription else None}
    token = signing.dumps(payload, salt=UNSUBSCRIBE_SALT)
    return base_url + reverse("comments:unsubscribe", args=[token])


def unsubscribe_headers(url):
    """One-click unsubscribe (RFC 8058): mail clients POST to ``url`` themselves."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _load(token, salt, max_age=None):
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink("This link has expired.") from None
    except signing.BadSignature:
        raise BadLink("This link is damaged or was not sent by this site.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), str):
        raise BadLink("This link is damaged or was not sent by this site.")
    return payload


def confirmable(token):
    """The subscription a confirmation link names (None if it was stopped since)."""
    payload = _load(token, CONFIRM_SALT, max_age=settings.COMMENTS_CONFIRM_DAYS * 24 * 3600)
    return (
        Subscription.objects.select_related("post", "comment")
        .filter(pk=payload.get("s"), email=payload["e"])
        .first()
    )


@dataclass(frozen=True)
class UnsubscribeLink:
    email: str
    everything: bool  # the link stops every email to the address
    subscription: Subscription | None  # else the one it stops (None: stopped already)


def unsubscribable(token):
    """What an unsubscribe link stops."""
    payload = _load(token, UNSUBSCRIBE_SALT)
    if payload.get("s") is None:
        return UnsubscribeLink(payload["e"], True, None)
    subscription = (
        Subscription.objects.select_related("post", "comment")
        .filter(pk=payload["s"], email=payload["e"])
        .first()
    )
    return UnsubscribeLink(payload["e"], False, subscription)


# --- Operations -------------------------------------------------------------------------------


def confirm(subscription):
    """The address owner said yes: notifications start."""
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])


def stop(subscription):
    subscription.delete()


def opt_out(email):
    """No email of any kind to ``email`` any more; its subscriptions go."""
    with transaction.atomic():
        OptOut.objects.get_or_create(email=normal(email))
        Subscription.objects.filter(email=normal(email)).delete()


def opt_back_in(email):
    """Undo ``opt_out``: the site may email the address again (its subscriptions stay gone)."""
    OptOut.objects.filter(email=normal(email)).delete()


def opted_out(emails):
    """Those of ``emails`` that asked for no email."""
    found = OptOut.objects.filter(email__in=[normal(e) for e in emails])
    return set(found.values_list("email", flat=True))
