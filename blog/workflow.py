"""A post's way from draft to scheduled to published, as the admin's buttons drive it.

A post is a draft, scheduled (published with a future date) or published. Each button of the
post form is an action with one rule for the publication date:

- Save draft: a draft; the date is kept (a draft's date means nothing to readers).
- Preview: saves without changing the state (a new post becomes a draft) and opens the page;
  never offered for a published post, and a scheduled post still needs a future date.
- Schedule: needs a date in the future.
- Publish (Update, once published): an empty date means now, a past date is kept (back-dating
  an old piece); a future date is refused, since Schedule says that, except by "Publish now"
  on a scheduled post, which publishes it now.
- Unpublish: a draft again; the date is kept, so publishing again keeps it.

A form sent without a button (Enter in a field sends the first one) keeps the post's state.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from .models import Post

DRAFT, SCHEDULED, PUBLISHED = "draft", "scheduled", "published"
STATE_LABELS = {DRAFT: "Draft", SCHEDULED: "Scheduled", PUBLISHED: "Published"}
ACTION_FIELD = "_workflow"

# The buttons each state offers, the first (Enter's) keeping the state: (action, label).
BUTTONS = {
    DRAFT: [
        ("draft", "Save draft"),
        ("preview", "Preview"),
        ("schedule", "Schedule"),
        ("publish", "Publish"),
    ],
    SCHEDULED: [
        ("schedule", "Update schedule"),
        ("preview", "Preview"),
        ("publish", "Publish now"),
        ("unpublish", "Unpublish"),
    ],
    PUBLISHED: [("publish", "Update"), ("unpublish", "Unpublish")],
}


class Refused(Exception):
    """An action the post's date does not allow; the message says what to do."""


def state_of(post):
    if post.status != Post.Status.PUBLISHED:
        return DRAFT
    return PUBLISHED if post.is_public else SCHEDULED


def action_from(data, state):
    """The button pressed, or the state's own first one; anything unknown counts as none."""
    offered = [action for action, _ in BUTTONS[state]]
    action = data.get(ACTION_FIELD)
    return action if action in offered else offered[0]


def apply(action, state, published_at, now=None):
    """The (status, publication date) that ``action`` gives a post now in ``state``."""
    now = now or timezone.now()
    if action == "preview":
        action = "schedule" if state == SCHEDULED else "draft"
    if action in ("draft", "unpublish"):
        return Post.Status.DRAFT, published_at
    if action == "schedule":
        if published_at is None or published_at <= now:
            raise Refused("To schedule the post, give a publication date in the future.")
        return Post.Status.PUBLISHED, published_at
    if state == SCHEDULED and published_at is not None and published_at > now:
        return Post.Status.PUBLISHED, now  # "Publish now" on a scheduled post
    if published_at is not None and published_at > now:
        raise Refused(
            "This date is in the future: press Schedule to publish the post then, "
            "or clear the date to publish it now."
        )
    return Post.Status.PUBLISHED, published_at or now


def local_time(moment, fmt="j M Y, H:i T"):
    """A time in the site's time zone, with the zone's abbreviation ("3 Dec 2026, 08:00 CET")."""
    return date_format(timezone.localtime(moment), fmt)


def long_time(moment):
    """A time in words with the zone's name ("3 December 2026, 08:00 Europe/Berlin")."""
    return f"{local_time(moment, 'j F Y, H:i')} {settings.TIME_ZONE}"


def describe(post, in_words=False):
    """The state, as the post list says it ("Draft", "Scheduled, 3 Dec 2026, 08:00 CET"), or
    ``in_words`` as the post's form does ("Scheduled, 3 December 2026, 08:00 Europe/Berlin")."""
    state = state_of(post)
    if post.published_at is None or state == DRAFT:
        return STATE_LABELS[state]
    moment = long_time if in_words else local_time
    return f"{STATE_LABELS[state]}, {moment(post.published_at)}"


def outcome(post, action):
    """What the action did, in words, for the message after a save."""
    state = state_of(post)
    if action == "unpublish":
        return f"“{post}” unpublished: it is a draft again."
    if state == SCHEDULED:
        return f"“{post}” is scheduled for {long_time(post.published_at)}."
    if state == PUBLISHED:
        return f"“{post}” is published."
    return f"“{post}” saved as a draft."
