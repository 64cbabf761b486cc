"""Who is looking at a discussion: what they see, where they may reply, where a comment is.

Readers see approved comments and their own comments awaiting moderation (remembered in
a signed cookie). Moderators (and, with ``COMMENTS_AUTHORS_MODERATE``, the post's author)
also see every pending comment in place, and a removed or spam comment they asked for by its
"View on site" link (``?reveal=<id>``).
"""

import json

from django.conf import settings
from django.db.models import Q

from . import editing
from .closing import may_switch
from .models import Comment
from .post_authors import moderates, moderates_every_post

# The comments a browser wrote, in a signed cookie: no session (no query, no session row)
# for a reader who only comments, and a page cache that sees only cookies.
OWN_COOKIE = "comments_own"
OWN_LIMIT = 50
REVEAL_PARAM = "reveal"


def own_salt(user):
    """Signed for the account (or for no account), the cookie means nothing to another: the
    next person on a shared computer does not see the last one's comments awaiting moderation."""
    return f"comments.own:{user.pk or ''}"


def own_comment_ids(request):
    """Comments this browser wrote: their authors see them while they await moderation."""
    value = request.get_signed_cookie(OWN_COOKIE, default="", salt=own_salt(request.user))
    try:
        ids = json.loads(value or "[]")
    except ValueError:
        ids = []
    return frozenset(i for i in ids if isinstance(i, int)) if isinstance(ids, list) else frozenset()


def own_comments_with(request, comment):
    """The browser's own comments with ``comment`` added, newest first, for its cookie."""
    others = own_comment_ids(request) - {comment.pk}
    return [comment.pk, *sorted(others, reverse=True)][:OWN_LIMIT]


class Viewer:
    """``post``: the discussion looked at; its author may moderate it (``post_authors``)."""

    def __init__(self, user=None, own_ids=(), revealed=None, post=None):
        self.user = user
        self.own_ids = frozenset(own_ids)
        self.moderates = bool(user) and moderates(user, post)
        # The page's switch is part of the moderator's controls (editors switch in the admin).
        self.closes_discussions = self.moderates and may_switch(user)
        # A hold's fixes change site-wide rules: theirs who moderate every discussion.
        self.tunes_rules = self.moderates and moderates_every_post(user)
        self.revealed = revealed if self.moderates else None

    @classmethod
    def of(cls, request, post):
        return cls(request.user, own_comment_ids(request), _revealed(request), post)

    def sees_q(self):
        """The rule of ``sees``, as a filter."""
        rule = Q(status=Comment.Status.APPROVED)
        if self.moderates:
            rule |= Q(status=Comment.Status.PENDING)
            if self.revealed:
                rule |= Q(pk=self.revealed)
        elif self.own_ids:
            rule |= Q(pk__in=self.own_ids, status=Comment.Status.PENDING)
        return rule

    def sees(self, comment):
        """May this person read ``comment`` (rather than a placeholder, or nothing)?"""
        if comment.status == Comment.Status.APPROVED:
            return True
        if self.moderates:
            return comment.status == Comment.Status.PENDING or comment.pk == self.revealed
        return comment.status == Comment.Status.PENDING and comment.pk in self.own_ids

    def sees_in_place(self, comment):
        """``sees``, and no removed comment above hides it (moderators reveal what they ask)."""
        return self.sees(comment) and (self.moderates or not self._hidden_above(comment))

    def _hidden_above(self, comment):
        """Does a removed comment above ``comment`` hide its sub-thread from this person?"""
        return comment.pk in self.hidden_in_place([comment])

    def hidden_in_place(self, comments):
        """The ids of those of ``comments`` whose sub-thread a removed comment above hides
        from this person: one query for their threads' shape, none if all are top-level."""
        roots = {comment.root_id for comment in comments if comment.parent_id is not None}
        if not roots:
            return set()
        thread = {
            c.pk: c
            for c in Comment.objects.filter(Q(root__in=roots) | Q(pk__in=roots)).only(
                "parent_id", "status", "replies_hidden"
            )
        }
        return {comment.pk for comment in comments if self._hides(thread, comment.parent_id)}

    def _hides(self, thread, ancestor_id):
        """Does a removed comment at ``ancestor_id`` or above it hide what hangs below?"""
        ancestor = thread.get(ancestor_id)
        while ancestor is not None:
            if ancestor.replies_hidden and not self.sees(ancestor):
                return True
            ancestor = thread.get(ancestor.parent_id)
        return False

    def wrote(self, comment):
        """Is this person the comment's author: by their account, or by this browser?"""
        by_account = self.user is not None and self.user.is_authenticated
        return comment.pk in self.own_ids or (by_account and comment.user_id == self.user.pk)

    def may_edit(self, comment):
        """Offer "Edit" on ``comment``: this browser wrote it and its time to edit runs.

        The browser's cookie only, as it decides which readers get a page of their own
        (``page_parts``); an account proves authorship on the edit page itself.
        """
        return comment.pk in self.own_ids and editing.refusal(comment) is None

    def may_reply_to(self, comment, state):
        """A reply needs an open discussion and a published comment."""
        return not state.closed and comment.accepts_replies

    def page_of(self, comment):
        """The discussion page that shows ``comment`` to this person (for permalinks)."""
        root = comment.root or comment
        earlier = (
            Comment.objects.filter(post=comment.post_id)
            .threads_visible_to(self)
            .filter(
                Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, id__lt=root.pk)
            )
            .count()
        )
        return earlier // settings.COMMENTS_PER_PAGE + 1

    def location_of(self, comment):
        """The URL of ``comment`` on its post's page, as this person sees it."""
        query = []
        page = self.page_of(comment)
        if page > 1:
            query.append(f"cpage={page}")
        if self.moderates and (
            comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING)
            or self._hidden_above(comment)
        ):
            query.append(f"{REVEAL_PARAM}={comment.pk}")
        suffix = f"?{'&'.join(query)}" if query else ""
        return f"{comment.post.get_absolute_url()}{suffix}#comment-{comment.pk}"


def _revealed(request):
    return number_in(request.GET.get(REVEAL_PARAM, ""))


def number_in(value):
    """The number a query parameter holds, if written in ASCII digits the database can hold."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
