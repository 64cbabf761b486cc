"""The moderation policy: what status a new comment gets, and why.

Each verdict carries the reason, so a held comment always says which rule held it; a hold
also names its rule and figures (``rule``, ``detail``), which the moderator's fixes tune.
"""

import ipaddress
import re
from copy import copy
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, Q, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject

from blog.models import Post

from .models import BlockedTerm, Comment, Threshold, TrustedCommenter
from .post_authors import moderates_every_post, moderator_q
from .sanitize import count_links, link_targets

Rule = Comment.HoldRule


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str
    rule: str = ""
    detail: dict = field(default_factory=dict)


def hold(reason, rule, **detail):
    return Verdict(Comment.Status.PENDING, f"Held: {reason}", rule, detail)


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
        if "@" not in email or "@" not in term.value:  # no address is nobody's address
            return False
        return email == term.value or (term.value.startswith("@") and email.endswith(term.value))
    if not comment.ip_address:
        return False
    address = ipaddress.ip_address(comment.ip_address)
    network = ipaddress.ip_network(term.value, strict=False)
    return address.version == network.version and address in network


def _blocked_by(comment, terms):
    """The blocklist entry that decides the comment: a spam entry before a hold entry."""
    terms = sorted(terms, key=lambda t: t.action != BlockedTerm.Action.SPAM)
    return next((term for term in terms if matches(term, comment)), None)


def describe(term):
    """The entry, as a reason anyone who reads the comment may see: emails and addresses are
    private to moderators, so those entries are named by number."""
    if term.kind == BlockedTerm.Kind.PHRASE:
        return f"blocked phrase “{term.value}”"
    if term.kind == BlockedTerm.Kind.EMAIL:
        return f"blocked email (blocklist entry #{term.pk})"
    return f"blocked IP address (blocklist entry #{term.pk})"


def judge(comment, elapsed=None):
    """Decide a new comment's status by the site's rules.

    ``elapsed``: seconds between showing the form and sending it (None: not measured).
    A trusted commenter skips the holds for links, speed and new commenters, which guess at
    bots and strangers, but not the blocklist: its entries are a moderator's word about what
    is said or where it comes from, and an account someone vouched for can still be taken
    over or paste a scam.
    """
    standing = _standing(comment)
    term = _blocked_by(comment, standing["blocklist"])
    if term and term.action == BlockedTerm.Action.SPAM:
        return Verdict(Comment.Status.SPAM, f"Spam: {describe(term)}.")
    # The author speaks on their own post at once, and moderators anywhere: hold entries, the
    # link limit and the timing ask a moderator to look at a stranger's words, and these
    # publish unreviewed already. A spam entry still wins: it catches a stolen account's spam.
    if comment.by_post_author:
        return Verdict(Comment.Status.APPROVED, "Written by the post's author.")
    if moderates_every_post(comment.user):
        return Verdict(Comment.Status.APPROVED, "Written by a moderator.")
    if term:
        return hold(f"{describe(term)}.", Rule.BLOCKED, term=term.pk, value=term.value)
    trusted = standing["trusted"]
    links, limit = count_links(comment.body), standing["max_links"]
    if links > limit and not trusted:
        return hold(f"{links} links (limit {limit}).", Rule.LINKS, links=links, limit=limit)
    minimum = standing["min_seconds"]
    if elapsed is not None and elapsed < minimum and not trusted:
        seconds = max(int(elapsed), 0)
        return hold(
            f"sent {seconds} s after the form was shown (minimum {minimum} s).",
            Rule.TOO_FAST,
            elapsed=seconds,
            minimum=minimum,
        )
    if trusted:
        return Verdict(Comment.Status.APPROVED, "Trusted commenter: a moderator vouched for them.")
    if settings.COMMENTS_AUTO_APPROVE_KNOWN and standing["known"]:
        return Verdict(Comment.Status.APPROVED, "Known commenter: an earlier comment was approved.")
    return Verdict(Comment.Status.PENDING, "New comments wait for a moderator.", Rule.NEW)


def _standing(comment):
    """What the rules need to know of the site and this commenter, in one query: the tuned
    thresholds, the blocklist, and whether the commenter is trusted or known.

    Posting a comment is the busiest write: a query per rule would add up. The post's row
    (always there) carries the subqueries.
    """
    terms = BlockedTerm.objects.order_by().values(
        json=JSONObject(id="pk", kind="kind", value="value", action="action")
    )
    row = (
        Post.objects.filter(pk=comment.post_id)
        .values(
            max_links=_threshold(Threshold.Name.MAX_LINKS),
            min_seconds=_threshold(Threshold.Name.MIN_SECONDS),
            blocklist=ArraySubquery(terms),
            trusted=_trusted(comment),
            known=_is_known_commenter(comment),
        )
        .get()
    )
    row["blocklist"] = [BlockedTerm(**term) for term in row["blocklist"]]
    return row


def _threshold(name):
    tuned = Threshold.objects.filter(name=name).values("value")
    return Coalesce(Subquery(tuned), Value(Threshold.default(name)))


def commenter_q(comment, email_field):
    """The same commenter: this account, or this browser (its signed cookie) with this email."""
    if comment.user_id:
        return {"user": comment.user_id}
    return {
        "user__isnull": True,
        "browser_key": comment.browser_key,
        f"{email_field}__iexact": comment.author_email,
    }


def recognisable(comment):
    """An account, or a browser: what trust and auto-approval can recognise again."""
    return bool(comment.user_id or comment.browser_key)


def _trusted(comment):
    if not recognisable(comment):
        return Value(False)
    return Exists(TrustedCommenter.objects.filter(**commenter_q(comment, "email")))


def judge_edit(comment, body):
    """Why replacing ``comment``'s text with ``body`` needs a moderator's look, or None.

    Only what the edit brings counts (the text before was judged, or approved, already): a
    blocked phrase the old text did not match, or a link to somewhere it did not lead. Either
    holds the comment for review, whatever the entry's action: its author is known and may be
    mistaken.
    """
    edited = copy(comment)
    edited.body = body
    phrases = BlockedTerm.objects.filter(kind=BlockedTerm.Kind.PHRASE)
    term = next((t for t in phrases if matches(t, edited) and not matches(t, comment)), None)
    if term:
        return f"Held after an edit: it added {describe(term)}."
    added = len(link_targets(body) - link_targets(comment.body))
    if added > 0:
        return f"Held after an edit: it added {added} link{'s' if added > 1 else ''}."
    return None


def _is_known_commenter(comment):
    """This account, or this browser (its signed cookie), wrote an approved comment before.

    A typed name and email prove nothing: anyone can type them. Where authors moderate their
    own posts, an author's approval vouches for the commenter on that author's posts only:
    elsewhere only a moderator's does (the rules' approvals may rest on an author's).
    """
    if not recognisable(comment):
        return Value(False)
    approved = Comment.objects.approved().filter(**commenter_q(comment, "author_email"))
    if settings.COMMENTS_AUTHORS_MODERATE:
        approved = approved.filter(
            moderator_q("moderated_by__") | Q(post__author=comment.post.author_id)
        )
    return Exists(approved)
