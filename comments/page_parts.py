"""What the discussion adds to the key of a post page's shared, cached part.

The blog caches what every reader of a post page sees alike (``blog/pagecache.py``) and asks
each app that adds to the page for its part of the key (``settings.POST_PAGE_PARTS``). The
discussion's part is its version, counted up by every change readers see
(``services.begin_change``), whether it is open, the page of comments, their order and the
kind of avatars; it holds until the discussion closes by the clock. Readers who see more than
the others get no part: their page is rendered for them.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .closing import changes_at, discussion_of, state_of
from .editing import editable_q
from .models import Comment
from .viewer import Viewer, number_in

REPLY_PARAM = "replyto"
PAGE_PARAM = "cpage"
# Top-level comments oldest first unless ``?csort=newest``; permalinks use the oldest-first
# pages, which new comments do not shift.
SORT_PARAM, NEWEST = "csort", "newest"


class DiscussionPart:
    # Read with the post, so the key of a cached page costs one query.
    related = ("author", "discussion", "discussion__closed_by")

    def __call__(self, request, post):
        """(key, expires) for ``post``'s discussion as readers see it, or None for this one.

        None for moderators, the post's author among them when authors moderate (pending
        comments and controls in place), a reader whose own comment awaits moderation here or
        may still be edited ("Edit"), and a reply form opened without JavaScript.
        """
        viewer = Viewer.of(request, post)
        if viewer.moderates or number_in(request.GET.get(REPLY_PARAM, "")) is not None:
            return None
        now = timezone.now()
        if viewer.own_ids and (
            Comment.objects.filter(post=post, pk__in=viewer.own_ids)
            .filter(Q(status=Comment.Status.PENDING) | editable_q(now))
            .exists()
        ):
            return None
        discussion = discussion_of(post)
        state = state_of(post, discussion, now)
        version = discussion.version if discussion else 0
        page = page_number(request)
        order = NEWEST if newest_first(request) else "oldest"
        avatars = "gravatar" if settings.COMMENTS_GRAVATAR else "initials"
        key = (
            f"discussion:{version}:{'closed' if state.closed else 'open'}:{page}:{order}:{avatars}"
        )
        return key, changes_at(post, discussion, now)


def newest_first(request):
    """Did the reader ask for the newest top-level comments first? (Anything else: oldest.)"""
    return request.GET.get(SORT_PARAM) == NEWEST


def page_number(request):
    """The discussion page asked for, as the paginator will read it (junk means page 1)."""
    return max(number_in(request.GET.get(PAGE_PARAM, "")) or 1, 1)
