"""A post's discussion as the export describes it, set through the discussion operations.

A file this site exported carries the discussion as it was (``wxr.DISCUSSION_META``): the
explicit close, when and why, a discussion kept open past the age limit, a scheduled close,
the post's own inactivity limit and its last activity; ``services.import_discussion`` sets
them as they were. A WordPress file has only its switch, ``wp:comment_status``, and a closed
one is closed here.
"""

import json
from datetime import datetime

from django.utils import timezone

from comments import services
from comments.models import Discussion

from . import wxr

CLOSED_REASON = "Closed on WordPress before the import."
IMPORTED_REASON = "The discussion as it was on the site the export came from."
MAX_DAYS = 32767  # Discussion.inactive_days is a PositiveSmallIntegerField
REASON_LENGTH = Discussion._meta.get_field("close_reason").max_length


def import_discussion(post, item, warn):
    """Set the new ``post``'s discussion as ``item`` says; return whether it was closed.

    ``warn(message)`` reports meta that cannot be read (the switch then decides)."""
    raw = item.meta.get(wxr.DISCUSSION_META)
    switches = None if raw is None else _switches(raw, warn)
    if switches is None:
        if item.comment_status == "closed":
            services.close(post, by=None, reason=CLOSED_REASON)
            return True
        return False
    closed_at = switches["closed_at"] or (timezone.now() if switches["closed"] else None)
    services.import_discussion(
        post,
        reason=IMPORTED_REASON,
        closed_at=closed_at,
        close_reason=switches["close_reason"],
        keep_open=switches["keep_open"],
        closes_at=switches["closes_at"],
        inactive_days=switches["inactive_days"],
        last_active_at=switches["last_active_at"],
    )
    return closed_at is not None


def _switches(raw, warn):
    """The meta's switches, checked; None (and a warning) if any cannot be used."""
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        warn(f"{wxr.DISCUSSION_META} is not a JSON object: the discussion's switch decides.")
        return None
    days = value.get("inactive_days")
    if days is not None and (type(days) is not int or not 0 <= days <= MAX_DAYS):
        warn(f"{wxr.DISCUSSION_META}: “{days}” is not a number of days: left out.")
        days = None
    return {
        "closed": value.get("closed") is True,
        "close_reason": str(value.get("close_reason") or "")[:REASON_LENGTH],
        "keep_open": value.get("keep_open") is True,
        "closed_at": _moment(value.get("closed_at"), warn),
        "closes_at": _moment(value.get("closes_at"), warn),
        "last_active_at": _moment(value.get("last_active_at"), warn),
        "inactive_days": days,
    }


def _moment(value, warn):
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        warn(f"{wxr.DISCUSSION_META}: “{value}” is not a date with its time zone: left out.")
        return None
    return moment
