"""The moderation policy: is a discussion open, and what status does a new comment get.

Each verdict carries the reason, so a held comment always says which rule held it.
"""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import BlockedTerm, Comment
from .sanitize import count_links


def discussion_is_closed(post):
    """Closed by a moderator, by the site-wide switch, or by age."""
    if post.comments_closed or settings.COMMENTS_CLOSED:
        return True
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return bool(
        days and post.published_at and post.published_at < timezone.now() - timedelta(days=days)
    )


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str


def _blocked_by(comment):
    """The first blocklist entry the comment matches, if any."""
    text = " ".join([comment.author_name, comment.author_url, comment.body]).casefold()
    email = comment.author_email.casefold()
    address = ipaddress.ip_address(comment.ip_address) if comment.ip_address else None
    for term in BlockedTerm.objects.all():
        if term.kind == BlockedTerm.Kind.PHRASE and term.value.casefold() in text:
            return term
        if term.kind == BlockedTerm.Kind.EMAIL and (
            email == term.value or (term.value.startswith("@") and email.endswith(term.value))
        ):
            return term
        if term.kind == BlockedTerm.Kind.IP and address:
            network = ipaddress.ip_network(term.value, strict=False)
            if address.version == network.version and address in network:
                return term
    return None


def judge(comment, *, bot_trap=""):
    """Decide a new comment's status; ``bot_trap`` names a tripped bot check."""
    if bot_trap:
        return Verdict(Comment.Status.SPAM, f"Caught by the {bot_trap}.")
    term = _blocked_by(comment)
    if term:
        return Verdict(Comment.Status.SPAM, f"Matched the blocklist entry “{term}”.")
    links = count_links(comment.body)
    if links > settings.COMMENTS_MAX_LINKS:
        return Verdict(
            Comment.Status.PENDING,
            f"Held: {links} links (more than {settings.COMMENTS_MAX_LINKS}).",
        )
    if comment.user and comment.user.has_perm("comments.moderate_comment"):
        return Verdict(Comment.Status.APPROVED, "Written by a moderator.")
    if settings.COMMENTS_AUTO_APPROVE_KNOWN and _is_known_commenter(comment):
        return Verdict(
            Comment.Status.APPROVED, "This name and email already have an approved comment."
        )
    return Verdict(Comment.Status.PENDING, "New comments wait for a moderator.")


def _is_known_commenter(comment):
    """An approved comment under the same name and email (as WordPress does).

    An account's email only vouches for comments written while logged in to it, so
    nobody can borrow a staff member's address.
    """
    email = comment.author_email
    if not email:
        return False
    if comment.user is None and (get_user_model().objects.filter(email__iexact=email).exists()):
        return False
    return (
        Comment.objects.approved()
        .filter(author_email__iexact=email, author_name=comment.author_name)
        .exists()
    )
