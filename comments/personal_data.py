"""What the site stores about a commenter, found by their email address: gathered for an
export, and the fields erasure leaves behind (the erasure itself is ``services.erase_commenter``).

An address matches whatever its case. An account with that address brings what it did while
logged in too: its comments (``Comment.user``), subscriptions, trust and reports.
"""

import json

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import (
    Comment,
    CommentRevision,
    DataRequest,
    ModerationEvent,
    OptOut,
    Report,
    Subscription,
    TrustedCommenter,
    person_name,
)
from .sanitize import render_comment_html

# What an erased comment shows in place of its author's name, and of its text.
ERASED_NAME = "Removed"
ERASED_TEXT = "Removed by request."


def normalise(email):
    return email.strip().lower()


def digest(email):
    """The address as the request log keeps it: a keyed digest (of SECRET_KEY), not the address."""
    return salted_hmac("comments.DataRequest", normalise(email), algorithm="sha256").hexdigest()


def accounts(email):
    return get_user_model().objects.filter(email__iexact=normalise(email))


def comments_q(email):
    """The comments written with this address, or by an account that has it."""
    email = normalise(email)
    return Q(author_email__iexact=email) | Q(user__email__iexact=email)


def comments_of(email):
    return Comment.objects.filter(comments_q(email))


NAMES_SHOWN = 5


def at_a_glance(email):
    """What the confirmation of an erasure says about one address: how many comments on how
    many posts, the names they were signed with, and the accounts that have the address."""
    comments = comments_of(email).order_by()
    return {
        "email": normalise(email),
        "comments": comments.count(),
        "posts": comments.values("post").distinct().count(),
        "names": list(comments.values_list("author_name", flat=True).distinct()[:NAMES_SHOWN]),
        "accounts": list(accounts(email).values_list("username", flat=True)),
    }


def erased_fields(replace_text):
    """What an erased comment keeps of its writer: nothing (``replace_text``: nor its words)."""
    fields = {
        "author_name": ERASED_NAME,
        "author_email": "",
        "author_url": "",
        "user": None,
        "ip_address": None,
        "user_agent": "",
        "browser_key": "",
        "form_token": "",
        "fingerprint": "",
        # A hold's figures may name the blocklist entry that matched their address.
        "hold_rule": "",
        "hold_detail": {},
        # A badge would still say who wrote it.
        "by_staff": False,
        "by_post_author": False,
    }
    if replace_text:
        fields.update(body=ERASED_TEXT, body_html=render_comment_html(ERASED_TEXT))
    return fields


def log(kind, email, comments, by, via):
    """Record that ``email``'s data was exported or erased (``DataRequest.Kind``)."""
    return DataRequest.objects.create(
        kind=kind, email_digest=digest(email), comments=comments, actor=by, via=via
    )


def export(emails, by, via, base_url=""):
    """Everything stored about each address, as one JSON document, the export logged.

    ``base_url`` (the site's address) makes the links absolute; without it they are paths.
    """
    commenters = [gather(email, base_url) for email in dict.fromkeys(map(normalise, emails))]
    for commenter in commenters:
        log(DataRequest.Kind.EXPORT, commenter["email"], len(commenter["comments"]), by, via)
    document = {"exported_at": timezone.now(), "commenters": commenters}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def gather(email, base_url=""):
    """What the site stores about one address, as plain data."""
    email = normalise(email)
    users = list(accounts(email))
    comments = (
        comments_of(email)
        .select_related("post")
        .prefetch_related(
            Prefetch("revisions", queryset=CommentRevision.objects.order_by("written_at", "id")),
            Prefetch("events", queryset=ModerationEvent.objects.order_by("created_at", "id")),
        )
        .order_by("created_at", "id")
    )
    opt_out = OptOut.objects.filter(email=email).first()
    return {
        "email": email,
        "accounts": [_account(user) for user in users],
        "comments": [_comment(comment, base_url) for comment in comments],
        "subscriptions": [
            _subscription(subscription, base_url)
            for subscription in Subscription.objects.filter(Q(email=email) | Q(user__in=users))
            .select_related("post", "comment")
            .order_by("created_at", "id")
        ],
        "opted_out_of_email_at": opt_out.created_at if opt_out else None,
        "trusted_by_moderators": [
            {
                "what": "your account" if trust.user_id else "this address, on one browser",
                "since": trust.trusted_at,
            }
            for trust in TrustedCommenter.objects.filter(Q(email=email) | Q(user__in=users))
        ],
        "reports_filed": [
            {
                "comment": base_url + report.comment.get_absolute_url(),
                "reason": report.get_reason_display(),
                "note": report.note,
                "filed_at": report.created_at,
                "resolved_at": report.resolved_at,
                "ip_address": report.ip_address,
            }
            for report in Report.objects.filter(reporter__in=users)
            .select_related("comment")
            .order_by("created_at", "id")
        ],
    }


def _account(user):
    return {
        "username": user.get_username(),
        "name": person_name(user),
        "email": user.email,
        "joined_at": user.date_joined,
        "last_login_at": user.last_login,
    }


def _post(post, base_url):
    return {"title": post.title, "url": base_url + post.get_absolute_url()}


def _comment(comment, base_url):
    return {
        "post": _post(comment.post, base_url),
        "permalink": base_url + comment.get_absolute_url(),
        "status": comment.get_status_display(),
        "written_at": comment.created_at,
        "edited_at": comment.edited_at,
        "name": comment.author_name,
        "email": comment.author_email,
        "website": comment.author_url,
        "ip_address": comment.ip_address,
        "user_agent": comment.user_agent,
        "text": comment.body,
        "earlier_versions": [
            {"written_at": revision.written_at, "text": revision.body}
            for revision in comment.revisions.all()
        ],
        "history": [
            {
                "at": event.created_at,
                "what": event.get_action_display(),
                "from": event.from_state,
                "to": event.to_state,
                "why": event.reason,
            }
            for event in comment.events.all()
        ],
    }


def _subscription(subscription, base_url):
    return {
        "post": _post(subscription.post, base_url),
        "replies_to": base_url + subscription.comment.get_absolute_url()
        if subscription.comment_id
        else None,
        "confirmed_at": subscription.confirmed_at,
        "asked_at": subscription.created_at,
    }
