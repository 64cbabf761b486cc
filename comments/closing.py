"""Is a discussion open, and if not, why: one answer for the page, the admin and the filter.

A discussion is closed site-wide (``COMMENTS_CLOSED``), by a moderator, by a scheduled close,
by age (``COMMENTS_CLOSE_AFTER_DAYS`` after publication, unless a moderator kept it open) or
after inactivity (``COMMENTS_CLOSE_AFTER_INACTIVE_DAYS``, or the post's own limit, after its
last published comment or its publication, whichever is later). The clock's closes are
computed on read, so they happen at the moment shown; a scheduled job writes them to the
moderation log (``services.log_clock_close``). ``closed_q`` is the same rule in SQL, so lists
and filters agree with pages.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.formats import date_format

from .models import Discussion, person_name


class Why:
    SITE = "site"
    MODERATOR = "moderator"
    SCHEDULE = "schedule"
    AGE = "age"
    INACTIVE = "inactive"

    BY_CLOCK = frozenset({SCHEDULE, AGE, INACTIVE})


@dataclass(frozen=True)
class DiscussionState:
    closed: bool
    why: str = ""
    closed_at: datetime | None = None
    closed_by: object = None
    reason: str = ""

    @property
    def explanation(self):
        """What a moderator reads beside the switch."""
        if not self.closed:
            return "Open for comments."
        if self.why == Why.SITE:
            return "Closed site-wide: comments are switched off for every post (COMMENTS_CLOSED)."
        if self.why == Why.AGE:
            return (
                f"Closed automatically: posts take comments for "
                f"{settings.COMMENTS_CLOSE_AFTER_DAYS} days after publication."
            )
        if self.why == Why.INACTIVE:
            return f"Closed automatically: {self.reason}"
        when = date_format(timezone.localtime(self.closed_at), "j F Y, H:i")
        if self.why == Why.SCHEDULE:
            return f"Closed as scheduled on {when}."
        who = person_name(self.closed_by) if self.closed_by else "a moderator"
        text = f"Closed by {who} on {when}."
        return f"{text} Reason: {self.reason}" if self.reason else text

    @property
    def can_reopen(self):
        """Site-wide closing is a setting, not a moderator's decision."""
        return self.closed and self.why != Why.SITE


def may_switch(user):
    """Who opens and closes discussions: moderators, editors, superusers."""
    return user.has_perm("blog.change_discussion")


def age_limit(now=None):
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return (now or timezone.now()) - timedelta(days=days) if days else None


def state_of(post, discussion=None, now=None):
    """The state of ``post``'s discussion; ``discussion`` is its row (None: none yet)."""
    now = now or timezone.now()
    if settings.COMMENTS_CLOSED:
        return DiscussionState(True, Why.SITE)
    if discussion is not None and discussion.closed_at:
        return DiscussionState(
            True, Why.MODERATOR, discussion.closed_at, discussion.closed_by, discussion.close_reason
        )
    passed = [(moment, why) for why, moment in _clock_closes(post, discussion) if moment <= now]
    if not passed:
        return DiscussionState(False)
    moment, why = min(passed)
    reason = f"no new comment for {inactive_days(discussion)} days." if why == Why.INACTIVE else ""
    return DiscussionState(True, why, moment, reason=reason)


def changes_at(post, discussion=None, now=None):
    """When an open discussion closes by the clock (a schedule, an age or inactivity limit)."""
    if state_of(post, discussion, now).closed:
        return None
    return min((moment for _, moment in _clock_closes(post, discussion)), default=None)


def inactive_days(discussion):
    """Days without a comment that close this discussion: its own limit, else the site's."""
    if discussion is not None and discussion.inactive_days is not None:
        return discussion.inactive_days or None
    return settings.COMMENTS_CLOSE_AFTER_INACTIVE_DAYS


def _clock_closes(post, discussion):
    """The moments the clock closes this discussion at: its scheduled close, its age limit,
    its inactivity limit."""
    if discussion is not None and discussion.closes_at:
        yield Why.SCHEDULE, discussion.closes_at
    if not post.published_at:
        return
    # A limit of N days: a post published (or commented) exactly N days ago is still open.
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and not (discussion is not None and discussion.keep_open):
        yield Why.AGE, post.published_at + timedelta(days=days) + timedelta.resolution
    days = inactive_days(discussion)
    if days:
        active = post.published_at
        if discussion is not None and discussion.last_active_at:
            active = max(active, discussion.last_active_at)
        yield Why.INACTIVE, active + timedelta(days=days) + timedelta.resolution


class MakeInterval(Func):
    """PostgreSQL's make_interval(days => n): a number of days from a column."""

    template = "make_interval(days => %(expressions)s)"
    output_field = DurationField()


# Post.discussion: the row read last is kept on the post object.
RELATION = Discussion._meta.get_field("post").remote_field


def discussion_of(post):
    """``post``'s Discussion row (None: none yet), as last read for this post object.

    The page reads it once for its cache key and once more to render: one query.
    """
    if not RELATION.is_cached(post):
        load_state(post)
    return RELATION.get_cached_value(post)


def load_state(post):
    """The state of ``post``'s discussion, reading its row now (one query)."""
    discussion = Discussion.objects.select_related("closed_by").filter(post=post).first()
    RELATION.set_cached_value(post, discussion)
    return state_of(post, discussion)


def closed_q(prefix="", now=None):
    """``state_of(...).closed`` as a filter on posts (``prefix`` leads from the model to Post)."""
    if settings.COMMENTS_CLOSED:
        return Q(**{f"{prefix}pk__isnull": False})
    now = now or timezone.now()
    closed = Q(**{f"{prefix}discussion__closed_at__isnull": False}) | Q(
        **{f"{prefix}discussion__closes_at__lte": now}
    )
    limit = age_limit(now)
    if limit:
        closed |= Q(**{f"{prefix}published_at__lt": limit}) & ~Q(
            **{f"{prefix}discussion__keep_open": True}
        )
    return closed | _inactive_q(prefix, now)


def _inactive_q(prefix, now):
    """Closed after inactivity: the later of publication and last activity, plus the post's
    limit (else the site's; 0 is never), is past."""
    site_days = Value(settings.COMMENTS_CLOSE_AFTER_INACTIVE_DAYS, IntegerField())
    days = NullIf(Coalesce(F(f"{prefix}discussion__inactive_days"), site_days), Value(0))
    active = Greatest(F(f"{prefix}published_at"), F(f"{prefix}discussion__last_active_at"))
    ends = ExpressionWrapper(active + MakeInterval(days), output_field=DateTimeField())
    # No limit, no date: NULL, which must read as "not closed" when the filter is negated.
    return Q(Coalesce(GreaterThan(Value(now), ends), Value(False), output_field=BooleanField()))
