import json

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from blog.models import Post
from blog.views import render_post

from .discussion import (
    REMEMBER_COOKIE,
    REMEMBER_SALT,
    REMEMBERED_FIELDS,
    own_comment_ids,
    page_number_of,
    remember_own_comment,
)
from .forms import CommentForm
from .models import Comment
from .moderation import discussion_is_closed, judge
from .notifications import notify_pending_comment
from .ratelimit import allow_post, client_ip

CLOSED_MESSAGE = "Comments are closed on this post; your comment was not saved."


class DiscussionClosed(Exception):
    pass


@require_POST
def post_comment(request, slug):
    """Store a comment, or re-render the post with the reader's text and the errors."""
    post = get_object_or_404(Post.objects.published().with_comment_counts(), slug=slug)
    ip = client_ip(request)
    form = CommentForm(request.POST, post=post, user=request.user)
    if not allow_post(ip):
        response = render(
            request, "comments/slow_down.html", {"post": post, "form": form}, status=429
        )
        response["Retry-After"] = str(settings.COMMENTS_RATE_WINDOW)
        return response
    if discussion_is_closed(post):
        messages.error(request, CLOSED_MESSAGE)
        return render_post(request, post, form=form, status=403)
    if not form.is_valid():
        return render_post(request, post, form=form, status=400)
    comment = form.save(commit=False)
    comment.ip_address = ip
    comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    try:
        save_unless_closed(comment, bot_trap=form.bot_trap)
    except DiscussionClosed:
        messages.error(request, CLOSED_MESSAGE)
        return render_post(request, post, form=form, status=403)
    if comment.status == Comment.Status.PENDING:
        base_url = request.build_absolute_uri("/")[:-1]
        transaction.on_commit(lambda: notify_pending_comment(comment, base_url))
    return _after_posting(request, comment, form)


def save_unless_closed(comment, bot_trap=""):
    """Check the switch and insert in one transaction holding the post's row lock.

    A moderator closing the discussion updates that row, so a comment racing the
    close is either stored before it or refused: never accepted after it.
    """
    # Judged first: the moderation rules' queries need not hold the lock.
    verdict = judge(comment, bot_trap=bot_trap)
    comment.status, comment.status_reason = verdict.status, verdict.reason
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=comment.post_id)
        if discussion_is_closed(post):
            raise DiscussionClosed
        comment.save()


def _after_posting(request, comment, form):
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you: your comment is published.")
    else:
        messages.success(request, "Thank you: your comment is awaiting moderation.")
    if comment.status in (Comment.Status.APPROVED, Comment.Status.PENDING):
        remember_own_comment(request, comment)
        url = f"{comment.post.get_absolute_url()}{_page_query(comment)}#comment-{comment.pk}"
    else:
        url = f"{comment.post.get_absolute_url()}#comments"
    response = redirect(url)
    if form.user is None:
        if form.cleaned_data.get("remember"):
            values = {field: form.cleaned_data.get(field, "") for field in REMEMBERED_FIELDS}
            response.set_signed_cookie(
                REMEMBER_COOKIE,
                json.dumps(values),
                salt=REMEMBER_SALT,
                max_age=365 * 24 * 3600,
                secure=not settings.DEBUG,
                httponly=True,
                samesite="Lax",
            )
        else:
            response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
    return response


def _page_query(comment):
    page = page_number_of(comment)
    return f"?cpage={page}" if page > 1 else ""


def permalink(request, pk):
    """A comment's lasting address: its post, on the page of the discussion that shows it."""
    comment = get_object_or_404(Comment.objects.select_related("post", "root"), pk=pk)
    if not comment.is_visible_to(own_comment_ids(request)) or not comment.post.is_public:
        raise Http404("No such comment.")
    return redirect(f"{comment.post.get_absolute_url()}{_page_query(comment)}#comment-{comment.pk}")
