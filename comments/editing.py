"""How long a commenter may edit their comment after posting it.

For ``COMMENTS_EDIT_MINUTES`` after posting, a comment still pending or published may be
corrected by its author (who proves it is theirs: ``viewer.Viewer.wrote``). The rule lives
here once: the edit operation, the edit page and the thread's "Edit" links all ask it.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Comment

EDITABLE = frozenset({Comment.Status.PENDING, Comment.Status.APPROVED})


def editable_until(comment):
    """When the time to edit ``comment`` runs out."""
    return comment.created_at + timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)


def refusal(comment, now=None):
    """Why ``comment`` cannot be edited now, as its author reads it; None if it can."""
    minutes = settings.COMMENTS_EDIT_MINUTES
    if minutes <= 0:
        return "Comments cannot be edited on this site."
    if comment.status not in EDITABLE:
        return "This comment can no longer be edited."
    if (now or timezone.now()) >= editable_until(comment):
        return (
            f"The time to edit this comment has passed: comments can be edited for "
            f"{minutes} minute{'s' if minutes != 1 else ''} after they are posted."
        )
    return None


def editable_q(now=None):
    """The comments ``refusal`` lets through, as a filter."""
    if settings.COMMENTS_EDIT_MINUTES <= 0:
        return Q(pk__in=[])
    since = (now or timezone.now()) - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)
    return Q(status__in=EDITABLE, created_at__gt=since)
