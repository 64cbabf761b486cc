"""The moderation policy: what status a new comment gets, and why.

Each verdict carries the reason, so a held comment always says which rule held it.
"""

import ipaddress
import re
from dataclasses import dataclass

from django.conf import settings

from .models import BlockedTerm, Comment
from .sanitize import count_links


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str


def hold(reason):
    return Verdict(Comment.Status.PENDING, f"Held: {reason}")


def phrase_pattern(phrase):
    """Whole words, any case, in any script: "ass" does not match "classic"."""
    return re.compile(rf"(?<!\w){re.escape(phrase.casefold())}(?!\w)")


def matches(term, comment):
    """Does blocklist entry ``term`` catch ``comment``?"""
    if term.kind == BlockedTerm.Kind.PHRASE:
        text = " ".join([comment.author_name, comment.author_url, comment.body]).casefold()
        return bool(phrase_pattern(term.value).search(text))
    if term.kind == BlockedTerm.Kind.EMAIL:
        email = comment.author_email.casefold()
        return email == term.value or (term.value.startswith("@") and email.endswith(term.value))
    if not comment.ip_address:
        return False
    address = ipaddress.ip_address(comment.ip_address)
    network = ipaddress.ip_network(term.value, strict=False)
    return address.version == network.version and address in network


def _blocked_by(comment):
    """The blocklist entry that decides the comment: a spam entry before a hold entry."""
    terms = sorted(BlockedTerm.objects.all(), key=lambda t: t.action != BlockedTerm.Action.SPAM)
    return next((term for term in terms if matches(term, comment)), None)


def describe(term):
    """The entry, as a reason anyone who reads the comment may see: emails and addresses are
    private to moderators, so those entries are named by number."""
    if term.kind == BlockedTerm.Kind.PHRASE:
        return f"blocked phrase “{term.value}”"
    if term.kind == BlockedTerm.Kind.EMAIL:
        return f"blocked email (blocklist entry #{term.pk})"
    return f"blocked IP address (blocklist entry #{term.pk})"


def judge(comment):
    """Decide a new comment's status by the site's rules."""
    term = _blocked_by(comment)
    if term and term.action == BlockedTerm.Action.SPAM:
        return Verdict(Comment.Status.SPAM, f"Spam: {describe(term)}.")
    # The author speaks on their own post at once: hold entries and the link limit ask a
    # moderator to look at a stranger's words, and the author publishes the post itself
    # unreviewed. A spam entry still wins: it catches a stolen account's spam.
    if comment.by_post_author:
        return Verdict(Comment.Status.APPROVED, "Written by the post's author.")
    if term:
        return hold(f"{describe(term)}.")
    links = count_links(comment.body)
    if links > settings.COMMENTS_MAX_LINKS:
        return hold(f"{links} links (limit {settings.COMMENTS_MAX_LINKS}).")
    if comment.user and comment.user.has_perm("comments.moderate_comment"):
        return Verdict(Comment.Status.APPROVED, "Written by a moderator.")
    if settings.COMMENTS_AUTO_APPROVE_KNOWN and _is_known_commenter(comment):
        return Verdict(Comment.Status.APPROVED, "Known commenter: an earlier comment was approved.")
    return Verdict(Comment.Status.PENDING, "New comments wait for a moderator.")


def _is_known_commenter(comment):
    """This account, or this browser (its signed cookie), wrote an approved comment before.

    A typed name and email prove nothing: anyone can type them.
    """
    approved = Comment.objects.approved()
    if comment.user_id:
        return approved.filter(user=comment.user_id).exists()
    if not comment.browser_key:
        return False
    return approved.filter(
        user__isnull=True,
        browser_key=comment.browser_key,
        author_email__iexact=comment.author_email,
    ).exists()
