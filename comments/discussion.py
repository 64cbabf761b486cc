"""Build one page of a post's discussion as a tree, in a fixed number of queries.

Top-level comments are paginated (oldest first); each page then loads every reply of
its top-level comments in one query through ``root``, whatever the depth.
"""

import json

from django.conf import settings
from django.core.paginator import Paginator

from .closing import load_state
from .forms import CommentForm
from .models import Comment
from .services import allowed_actions
from .viewer import Viewer

REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember"
REMEMBERED_FIELDS = ("author_name", "author_email", "author_url")


def thread_page(post, viewer, state, number=None):
    """The requested page of top-level comments, each with ``children`` filled in.

    A comment the viewer may not read, kept because replies they can read hang from it, is
    marked ``removed`` and shows as a placeholder, at any depth; a comment removed with its
    replies hidden takes its sub-thread out of view.
    """
    comments = Comment.objects.filter(post=post)
    paginator = Paginator(comments.threads_visible_to(viewer), settings.COMMENTS_PER_PAGE)
    page = paginator.get_page(number)
    roots = list(page.object_list)
    replies = list(comments.filter(root__in=roots)) if roots else []
    children = {}
    for reply in replies:
        children.setdefault(reply.parent_id, []).append(reply)
    page.object_list = _prune(roots, children, viewer, state)
    return page


def _prune(comments, children, viewer, state, hidden=False):
    """The comments, with the sub-threads the viewer sees; those they see nothing of go.

    Below a comment removed with its replies hidden (``hidden``), only the comment a
    moderator asked to see shows, with placeholders on the way to it. Each kept comment
    learns whether the viewer may reply to it and, for moderators, which actions apply.
    """
    kept = []
    for comment in comments:
        seen = viewer.sees(comment)
        shown = seen and (not hidden or comment.pk == viewer.revealed)
        hides = hidden or (not seen and comment.replies_hidden)
        comment.children = _prune(children.get(comment.pk, []), children, viewer, state, hides)
        if not shown and not comment.children:
            continue
        comment.removed = not shown
        comment.can_reply = shown and viewer.may_reply_to(comment, state)
        if viewer.moderates and shown:
            comment.moderation_actions = allowed_actions(comment)
        kept.append(comment)
    return kept


def remembered_author(request):
    """Name, email and website saved by a reader who ticked "remember me"."""
    data = request.get_signed_cookie(REMEMBER_COOKIE, default=None, salt=REMEMBER_SALT)
    if not data:
        return {}
    try:
        values = json.loads(data)
    except ValueError:
        return {}
    return {field: str(values.get(field, ""))[:200] for field in REMEMBERED_FIELDS} | {
        "remember": True
    }


def _find(page, pk):
    stack = list(page.object_list)
    while stack:
        comment = stack.pop()
        if comment.pk == pk:
            return comment
        stack.extend(comment.children)
    return None


def _reply_target(parent_id, page):
    """The comment on this page that the reader is replying to, if they may."""
    try:
        comment = _find(page, int(parent_id))
    except (TypeError, ValueError, OverflowError):
        return None
    return comment if comment is not None and comment.can_reply else None


def discussion_context(request, post, form=None):
    """Everything the discussion area of a post page needs."""
    viewer = Viewer.of(request)
    state = load_state(post)
    page = thread_page(post, viewer, state, request.GET.get("cpage"))
    parent_id = form["parent"].value() if form is not None else request.GET.get("replyto")
    reply_to = _reply_target(parent_id, page)
    if form is None:
        initial = remembered_author(request)
        if reply_to:
            initial["parent"] = reply_to.pk
        form = CommentForm(post=post, user=request.user, initial=initial)
    return {
        "post": post,
        "viewer": viewer,
        "comment_page": page,
        "comment_form": form,
        "reply_to": reply_to,
        "discussion": state,
        "discussion_closed": state.closed,
    }
