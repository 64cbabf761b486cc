"""The post's author in its discussion: who that is, how their comments are signed, and
whether they moderate them (``COMMENTS_AUTHORS_MODERATE``).

One rule for the comment form, the judge, the post page, the moderation endpoint and the
admin's queue, so none of them decides on its own who may act on which post.
"""

from typing import NamedTuple

from django.conf import settings
from django.db.models import Q

from .models import person_name

MODERATE_CODENAME = "moderate_comment"
MODERATE_PERMISSION = f"comments.{MODERATE_CODENAME}"


def wrote(post, user):
    """Is ``user``, logged in, the author of ``post``?"""
    return bool(user and user.is_authenticated) and post.author.user_id == user.pk


class Signature(NamedTuple):
    name: str
    by_post_author: bool


def signature(user, post):
    """How a logged-in member's comment on ``post`` is signed: the post's author signs with
    their byline, not their account's name."""
    if wrote(post, user):
        return Signature(post.author.display_name, True)
    return Signature(person_name(user), False)


def moderator_q(prefix=""):
    """``moderates_every_post`` as a filter on users (``prefix`` leads from the model to one)."""
    return (
        Q(**{f"{prefix}is_superuser": True})
        | Q(**{f"{prefix}groups__permissions__codename": MODERATE_CODENAME})
        | Q(**{f"{prefix}user_permissions__codename": MODERATE_CODENAME})
    )


def moderates_every_post(user):
    """Moderators (and superusers) act on every discussion, and see commenters' private data."""
    return bool(user) and user.has_perm(MODERATE_PERMISSION)


def moderates(user, post):
    """May ``user`` approve, reject… comments on ``post``? Moderators everywhere; with
    ``COMMENTS_AUTHORS_MODERATE``, an author on their own posts."""
    return moderates_every_post(user) or (
        settings.COMMENTS_AUTHORS_MODERATE and post is not None and wrote(post, user)
    )
