"""Build one page of a post's discussion as a tree, in a fixed number of queries.

Top-level comments are paginated (oldest first, or newest first if the reader asks); each
page then loads every reply of its top-level comments in one query through ``root``, whatever
the depth, oldest first.
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from blog import pagecache

from .closing import discussion_of, state_of
from .forms import CommentForm, issue
from .models import Comment
from .page_parts import REPLY_PARAM, newest_first, page_number
from .services import allowed_actions
from .tuning import fixes_for
from .viewer import Viewer

REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember"
REMEMBERED_FIELDS = ("author_name", "author_email", "author_url")


def thread_page(post, viewer, state, number=None, newest=False):
    """The requested page of top-level comments, each with ``children`` filled in.

    A comment the viewer may not read, kept because replies they can read hang from it, is
    marked ``removed`` and shows as a placeholder, at any depth; a comment removed with its
    replies hidden takes its sub-thread out of view. ``newest``: the newest threads first.
    """
    comments = Comment.objects.filter(post=post)
    threads = comments.threads_visible_to(viewer)
    if newest:
        threads = threads.order_by("-created_at", "-id")
    page = Paginator(threads, settings.COMMENTS_PER_PAGE).get_page(number)
    roots = list(page.object_list)
    replies = list(comments.filter(root__in=roots)) if roots else []
    children = {}
    for reply in replies:
        children.setdefault(reply.parent_id, []).append(reply)
    page.object_list = _prune(roots, children, viewer, state)
    _name_answered(page.object_list)
    return page


def _prune(comments, children, viewer, state, hidden=False, locked=False):
    """The comments, with the sub-threads the viewer sees; those they see nothing of go.

    Below a comment removed with its replies hidden (``hidden``), only the comment a
    moderator asked to see shows, with placeholders on the way to it. Below a comment whose
    replies a moderator closed (``locked``), nobody replies. Each kept comment learns whether
    the viewer may reply to it or edit it and, for moderators, which actions apply.
    """
    kept = []
    for comment in comments:
        seen = viewer.sees(comment)
        shown = seen and (not hidden or comment.pk == viewer.revealed)
        hides = hidden or (not seen and comment.replies_hidden)
        locks = locked or comment.replies_locked
        comment.children = _prune(
            children.get(comment.pk, []), children, viewer, state, hides, locks
        )
        if not shown and not comment.children:
            continue
        comment.removed = not shown
        comment.can_reply = shown and not locks and viewer.may_reply_to(comment, state)
        comment.can_edit = shown and viewer.may_edit(comment)
        if viewer.moderates and shown:
            comment.moderation_actions = allowed_actions(comment)
            comment.fixes = fixes_for(comment) if viewer.tunes_rules else ()
        kept.append(comment)
    return kept


def _name_answered(comments):
    """A reply hung beside the comment it answers (at the deepest level) learns that comment
    as ``answers``, if this page shows it: the thread says "in reply to" its author."""
    shown = {comment.pk: comment for comment in _walk(comments) if not comment.removed}
    for comment in shown.values():
        answered = comment.in_reply_to_id
        comment.answers = shown.get(answered) if answered != comment.parent_id else None


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


def counts_of(post):
    """The post's approved and pending comments, in one query."""
    return Comment.objects.filter(post=post).aggregate(
        approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
        pending=Count("pk", filter=Q(status=Comment.Status.PENDING)),
    )


def page_counts(post):
    """``counts_of(post)``, asked once per post page: its header and its discussion share them."""
    if not hasattr(post, "comment_counts"):
        post.comment_counts = counts_of(post)
    return post.comment_counts


def _walk(comments):
    """The comments and all their replies, at any depth."""
    stack = list(comments)
    while stack:
        comment = stack.pop()
        yield comment
        stack.extend(comment.children)


def _find(page, pk):
    return next((comment for comment in _walk(page.object_list) if comment.pk == pk), None)


def _reply_target(parent_id, page):
    """The comment on this page that the reader is replying to, if they may."""
    try:
        comment = _find(page, int(parent_id))
    except (TypeError, ValueError, OverflowError):
        return None
    return comment if comment is not None and comment.can_reply else None


def fresh_form(request, post, reply_to=None):
    """An empty comment form, with what the reader asked us to remember."""
    initial = remembered_author(request)
    if reply_to:
        initial["parent"] = reply_to.pk
    return CommentForm(post=post, user=request.user, initial=initial)


# Stand-ins for what each reader's blank form gets of its own; PostgreSQL text cannot hold
# NUL, so nothing else in the form can match them.
CSRF_STAMP, ISSUED_STAMP = "\x00csrf\x00", "\x00issued\x00"


def blank_form(request, post):
    """An anonymous reader's empty comment form: the same for all of them but for the CSRF
    token and the form token, so it is rendered once per post and stamped per request."""
    key = f"blank-comment-form:{pagecache.release()}:{post.pk}:{post.slug}"
    html = pagecache.cached(key)
    if html is None:
        form = CommentForm(post=post)
        form.initial["issued"] = ISSUED_STAMP
        context = {"post": post, "comment_form": form, "csrf_token": CSRF_STAMP}
        html = render_to_string("comments/_form.html", context)
        pagecache.store(key, html)
    return html.replace(CSRF_STAMP, get_token(request)).replace(ISSUED_STAMP, issue(post))


def discussion_context(request, post, form=None, shared=False):
    """Everything the discussion area of a post page needs.

    ``shared``: what every reader sees (``blog/pagecache.py``), with no reader in it; the
    comment form is then a slot, filled per request.
    """
    viewer = Viewer() if shared else Viewer.of(request, post)
    state = state_of(post, discussion_of(post))
    newest = newest_first(request)
    page = thread_page(post, viewer, state, page_number(request), newest)
    context = {
        "post": post,
        "viewer": viewer,
        "comment_page": page,
        "newest_first": newest,  # carried by the discussion's links: pages, replies
        "counts": page_counts(post),
        "discussion": state,
        "discussion_closed": state.closed,
        "shared_page": shared,
        "reply_to": None,
    }
    if not shared:
        parent_id = form["parent"].value() if form is not None else request.GET.get(REPLY_PARAM)
        context["reply_to"] = _reply_target(parent_id, page)
        context["comment_form"] = form or fresh_form(request, post, context["reply_to"])
    context["thread"] = _render_thread(request, context)
    return context


def _render_thread(request, context):
    """The page's comments, nested (a Jinja2 template: the hot path of a post page)."""
    page, post = context["comment_page"], context["post"]
    reply_form = ""
    if context["reply_to"]:
        reply_form = render_to_string("comments/_form.html", context, request)
    thread = get_template("comments/thread.html", using="jinja2")
    return mark_safe(
        thread.render(
            {
                "comments": page.object_list,
                "post_url": post.get_absolute_url(),
                "page_number": page.number,
                "newest_first": context["newest_first"],
                "gravatar": settings.COMMENTS_GRAVATAR,
                "moderates": context["viewer"].moderates,
                "reply_to": context["reply_to"],
                "reply_form": reply_form,
            },
            None if context["shared_page"] else request,
        )
    )  # autoescaped by Jinja2
