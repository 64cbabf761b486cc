"""Build one page of a post's discussion as a tree, in a fixed number of queries.

Top-level comments are paginated (oldest first); each page then loads every reply of
its top-level comments in one query through ``root``, whatever the depth.
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q

from .forms import CommentForm
from .models import Comment
from .moderation import discussion_is_closed

OWN_COMMENTS_KEY = "comments.own"


def own_comment_ids(request):
    """Comments this browser wrote: their authors see them while they await moderation."""
    return request.session.get(OWN_COMMENTS_KEY, [])


def remember_own_comment(request, comment):
    ids = [comment.pk, *own_comment_ids(request)]
    request.session[OWN_COMMENTS_KEY] = ids[:50]


def thread_page(post, request):
    """The requested page of top-level comments, each with ``children`` filled in.

    A top-level comment the reader may not see, kept because of its visible replies,
    is marked ``removed`` and shows as a placeholder.
    """
    own_ids = own_comment_ids(request)
    comments = Comment.objects.filter(post=post)
    paginator = Paginator(comments.threads_visible_to(own_ids), settings.COMMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("cpage"))
    roots = list(page.object_list)
    replies = list(comments.visible_to(own_ids).filter(root__in=roots)) if roots else []
    nodes = {comment.pk: comment for comment in roots + replies}
    for comment in nodes.values():
        comment.children = []
    for comment in roots:
        comment.removed = not comment.is_visible_to(own_ids)
    for reply in replies:
        # A reply whose parent is hidden (rejected later) hangs from its thread's root.
        (nodes.get(reply.parent_id) or nodes[reply.root_id]).children.append(reply)
    page.object_list = roots
    return page, nodes


def page_number_of(comment):
    """The discussion page a comment appears on, for permalinks."""
    root = comment.root or comment
    earlier = (
        Comment.objects.filter(post=comment.post_id)
        .threads_visible_to()
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, id__lt=root.pk))
        .count()
    )
    return earlier // settings.COMMENTS_PER_PAGE + 1


REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember"
REMEMBERED_FIELDS = ("author_name", "author_email", "author_url")


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


def _reply_target(parent_id, nodes):
    """The approved comment on this page that the reader is replying to, if any."""
    try:
        comment = nodes.get(int(parent_id))
    except (TypeError, ValueError):
        return None
    return comment if comment is not None and comment.is_approved else None


def discussion_context(request, post, form=None):
    """Everything the discussion area of a post page needs."""
    page, nodes = thread_page(post, request)
    parent_id = form["parent"].value() if form is not None else request.GET.get("replyto")
    reply_to = _reply_target(parent_id, nodes)
    if form is None:
        initial = remembered_author(request)
        if reply_to:
            initial["parent"] = reply_to.pk
        form = CommentForm(post=post, user=request.user, initial=initial)
    return {
        "comment_page": page,
        "comment_form": form,
        "reply_to": reply_to,
        "discussion_closed": discussion_is_closed(post),
    }
