"""A WordPress post's comments, stored through the discussion operations with their tree.

Each comment is stored by ``comments.services.import_comment`` with the comment it answers
as parent: that operation keeps the exact answer (``in_reply_to``) and hangs the reply where
the page shows it, logs it, and emails nobody. Parents are stored before their replies
whatever the order of the file.
"""

import html
import ipaddress
import json
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone

from comments import services
from comments.models import Comment

from . import wxr
from .content import comment_body
from .models import ImportedComment

WXR_DATE, NO_DATE = "%Y-%m-%d %H:%M:%S", "0000-00-00 00:00:00"
Status = Comment.Status
STATUSES = {
    "1": Status.APPROVED,
    "0": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.TRASH,
    "post-trashed": Status.TRASH,
}
# The status WordPress lacks (rejected) travels in this comment meta (see the exporter).
NAME_LENGTH = Comment._meta.get_field("author_name").max_length
URL_LENGTH = Comment._meta.get_field("author_url").max_length
_web_url = URLValidator(schemes=["http", "https"])


def wxr_date(gmt, local):
    """A WXR date: the UTC one, else the local one in the site's time zone, else None."""
    try:
        if gmt and gmt != NO_DATE:
            return datetime.strptime(gmt, WXR_DATE).replace(tzinfo=UTC)
        if local and local != NO_DATE:
            naive = datetime.strptime(local, WXR_DATE)
            return timezone.make_aware(naive, timezone.get_default_timezone())
    except ValueError:
        raise ValueError(f"the date “{gmt or local}” is not a date") from None
    return None


def _valid(value, validate, length=None):
    try:
        validate(value)
    except ValidationError:
        return ""
    return value if length is None or len(value) <= length else ""


def _ip(value):
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _status(wp_comment):
    status = STATUSES.get(wp_comment.approved, Status.PENDING)
    ours = wp_comment.meta.get(wxr.COMMENT_STATUS_META, "").strip()
    return ours if ours in Status.values else status


def _parents_first(wp_comments):
    """The comments ordered so that each comes after the one it answers (when present)."""
    by_id = {c.wp_id: c for c in wp_comments}
    ordered, placed = [], set()
    for wp_comment in wp_comments:
        chain, seen = [], set()
        while wp_comment is not None and wp_comment.wp_id not in placed | seen:
            chain.append(wp_comment)
            seen.add(wp_comment.wp_id)
            wp_comment = by_id.get(wp_comment.parent)
        ordered.extend(reversed(chain))
        placed |= seen
    return ordered


def import_thread(post, wp_comments, source, users, report):
    """Store the comments of ``post`` not imported before; ``users`` maps wp:author_id to
    accounts. Pingbacks and trackbacks are skipped and counted, and so are the comments
    imported before and deleted here since (their key stays, without its comment)."""
    wanted = []
    for wp_comment in wp_comments:
        if wp_comment.type not in ("", "comment"):
            report.comments_skipped[wp_comment.type] += 1
        elif wp_comment.wp_id:
            wanted.append(wp_comment)
    keys = {c.wp_id for c in wanted} | {c.parent for c in wanted if c.parent}
    known = dict(  # wp_id -> comment id, None if deleted here
        ImportedComment.objects.filter(source=source, wp_id__in=keys).values_list(
            "wp_id", "comment_id"
        )
    )
    new = [c for c in wanted if c.wp_id not in known]
    deleted = sum(known[c.wp_id] is None for c in wanted if c.wp_id in known)
    report.comments["deleted"] += deleted
    report.comments["unchanged"] += len(wanted) - len(new) - deleted
    stored = Comment.objects.select_related("parent").in_bulk(
        [known[c.parent] for c in new if known.get(c.parent)]
    )
    answered = {wp_id: stored[pk] for wp_id, pk in known.items() if pk in stored}
    for wp_comment in _parents_first(new):
        parent = answered.get(wp_comment.parent) if wp_comment.parent else None
        if wp_comment.parent and parent is None:
            gone = "was deleted here" if wp_comment.parent in known else "is not in the file"
            report.warnings.append(
                f"Comment {wp_comment.wp_id} on “{post}” answers comment {wp_comment.parent}, "
                f"which {gone}: it is shown at the top level."
            )
        comment = _comment(post, parent, wp_comment, users)
        for flag in _flags(wp_comment, post, report):
            setattr(comment, flag, True)
        services.import_comment(comment, f"Imported from WordPress ({comment.status} there).")
        ImportedComment.objects.create(comment=comment, source=source, wp_id=wp_comment.wp_id)
        answered[wp_comment.wp_id] = comment
        report.comments[comment.status] += 1


def _flags(wp_comment, post, report):
    """The moderation flags this site exported with the comment (none from WordPress)."""
    raw = wp_comment.meta.get(wxr.COMMENT_FLAGS_META)
    if raw is None:
        return []
    try:
        flags = json.loads(raw)
    except ValueError:
        flags = None
    if not isinstance(flags, list):
        report.warnings.append(
            f"Comment {wp_comment.wp_id} on “{post}”: {wxr.COMMENT_FLAGS_META} is not a list "
            "of flags: left out."
        )
        return []
    return [flag for flag in wxr.COMMENT_FLAGS if flag in flags]


def _comment(post, parent, wp_comment, users):
    user = users.get(wp_comment.user_id)
    name = html.unescape(wp_comment.author).strip()[:NAME_LENGTH]
    return Comment(
        post=post,
        parent=parent,
        author_name=name or "Anonymous",
        author_email=_valid(wp_comment.email, validate_email),
        author_url=_valid(wp_comment.url, _web_url, URL_LENGTH),
        ip_address=_ip(wp_comment.ip),
        user=user,
        by_post_author=user is not None and user.pk == post.author.user_id,
        body=comment_body(wp_comment.content),
        status=_status(wp_comment),
        created_at=wxr_date(wp_comment.date_gmt, wp_comment.date)
        or post.published_at
        or timezone.now(),
    )
