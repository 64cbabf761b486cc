"""Who is looking at a discussion: what they see, where they may reply, where a comment is.

Readers see approved comments and their own comments awaiting moderation (remembered in
their session). Moderators also see every pending comment in place, and a removed or spam
comment they asked for by its "View on site" link (``?reveal=<id>``).
"""

from django.conf import settings
from django.db.models import Q

from .models import Comment

OWN_COMMENTS_KEY = "comments.own"
REVEAL_PARAM = "reveal"


def own_comment_ids(request):
    """Comments this browser wrote: their authors see them while they await moderation."""
    ids = request.session.get(OWN_COMMENTS_KEY, [])
    return frozenset(i for i in ids if isinstance(i, int))


def remember_own_comment(request, comment):
    ids = [comment.pk, *request.session.get(OWN_COMMENTS_KEY, [])]
    request.session[OWN_COMMENTS_KEY] = ids[:50]


class Viewer:
    def __init__(self, user=None, own_ids=(), revealed=None):
        self.user = user
        self.own_ids = frozenset(own_ids)
        self.moderates = bool(user) and user.has_perm("comments.moderate_comment")
        self.closes_discussions = self.moderates and user.has_perm("blog.change_discussion")
        self.revealed = revealed if self.moderates else None

    @classmethod
    def of(cls, request):
        return cls(request.user, own_comment_ids(request), _revealed(request))

    @classmethod
    def anonymous(cls):
        return cls()

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
        if not comment.is_approved and comment.status != Comment.Status.PENDING:
            query.append(f"{REVEAL_PARAM}={comment.pk}")
        suffix = f"?{'&'.join(query)}" if query else ""
        return f"{comment.post.get_absolute_url()}{suffix}#comment-{comment.pk}"


def _revealed(request):
    value = request.GET.get(REVEAL_PARAM, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
