"""A post's discussion as the export describes it, set through the discussion operations.

A file this site exported carries the moderators' decisions (``wxr.DISCUSSION_META``): the
explicit close and its reason, a discussion kept open past the age limit, a scheduled close,
the post's own inactivity limit. A WordPress file has only its switch, ``wp:comment_status``,
and a closed one is closed here.
"""

import json
from datetime import datetime

from comments import services
from comments.closing import Why, load_state
from comments.models import Discussion

from . import wxr

CLOSED_REASON = "Closed on WordPress before the import."
KEPT_OPEN_REASON = "Kept open past the age limit on the site the export came from."
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
    if switches["inactive_days"] is not None:
        services.set_inactive_days(post, switches["inactive_days"], by=None)
    if switches["closes_at"] is not None:
        services.schedule_close(post, switches["closes_at"], by=None)
    if switches["closed"]:
        services.close(post, by=None, reason=switches["close_reason"])
        return True
    if switches["keep_open"] and load_state(post).why == Why.AGE:
        services.reopen(post, by=None, reason=KEPT_OPEN_REASON)
    return False


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
        "closes_at": _moment(value.get("closes_at"), warn),
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
