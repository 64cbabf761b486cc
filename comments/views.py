import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from blog.models import Post
from blog.views import render_post

from . import services
from .closing import discussion_of, may_switch, state_of
from .decisions import decide, switch, switch_replies
from .discussion import REMEMBER_COOKIE, REMEMBER_SALT, REMEMBERED_FIELDS, counts_of
from .forms import CommentForm, ReportForm, digest
from .models import Comment, Report
from .post_authors import moderates
from .ratelimit import allow_post, allow_report, client_ip
from .reply_emails import site_url
from .viewer import OWN_COOKIE, Viewer, own_comment_ids, own_comments_with, own_salt

CLOSED_MESSAGE = "Comments are closed on this post; your comment was not saved."
DUPLICATE_MESSAGE = (
    "You have already posted this comment here, so it was not posted again. "
    "Your text is kept below if you want to change it."
)
# A long-lived signed cookie naming this browser: proof that it wrote earlier comments.
BROWSER_COOKIE = "commenter"
BROWSER_SALT = "comments.browser"
YEAR = 365 * 24 * 3600
REPORTED_MESSAGE = "Thank you: moderators will look at it."
ALREADY_REPORTED_MESSAGE = "You have already reported this comment: moderators will look at it."


@require_POST
def post_comment(request, slug):
    """Store a comment, or re-render the post with the reader's text and the errors."""
    try:
        post = (
            Post.objects.published()
            .select_related("discussion", "author", "featured_image")
            .at_slug(slug)
        )
    except Post.DoesNotExist:
        raise Http404("No such post.") from None
    ip = client_ip(request)
    form = CommentForm(request.POST, post=post, user=request.user)
    if not allow_post(ip):
        response = render(
            request, "comments/slow_down.html", {"post": post, "form": form}, status=429
        )
        response["Retry-After"] = str(settings.COMMENTS_RATE_WINDOW)
        return response
    if state_of(post, discussion_of(post)).closed:
        return _refuse_closed(request, post, form)
    if not form.is_valid():
        return render_post(request, post, {"comment_form": form}, status=400)
    comment = form.save(commit=False)
    comment.ip_address = ip
    comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    browser = _browser_token(request)
    if form.user is None:
        comment.browser_key = digest(browser)
    try:
        services.submit(
            comment,
            trap=form.trap,
            elapsed=form.elapsed,
            base_url=site_url(request),
            wants=form.cleaned_data.get("notify", ""),
        )
    except services.DiscussionClosed:
        return _refuse_closed(request, post, form)
    except services.Duplicate as duplicate:
        if not duplicate.same_form:
            form.add_error(None, DUPLICATE_MESSAGE)
            return render_post(request, post, {"comment_form": form}, status=400)
        comment = duplicate.comment  # a double-click: the first click stored it
    except services.NotAllowed as refusal:
        # The comment answered no longer takes replies: the form comes back as a new comment,
        # text kept, rather than a reply that can never be sent.
        form.data = form.data.copy()
        form.data["parent"] = ""
        form.add_error(None, f"{refusal} Your text is kept below: send it as a new comment.")
        return render_post(request, post, {"comment_form": form}, status=400)
    response = _after_posting(request, comment)
    if form.user is None:
        _remember_author(response, form)
        response.set_signed_cookie(
            BROWSER_COOKIE, browser, salt=BROWSER_SALT, max_age=YEAR, **_cookie_flags()
        )
    return response


def _refuse_closed(request, post, form):
    messages.error(request, CLOSED_MESSAGE)
    return render_post(request, post, {"comment_form": form}, status=403)


def _browser_token(request):
    token = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_SALT)
    return token if 20 <= len(token) <= 64 else secrets.token_urlsafe(24)


def _cookie_flags():
    return {"secure": not settings.DEBUG, "httponly": True, "samesite": "Lax"}


def _after_posting(request, comment):
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you: your comment is published.")
    else:
        messages.success(request, "Thank you: your comment is awaiting moderation.")
    if comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING):
        return redirect(f"{comment.post.get_absolute_url()}#comments")
    return redirect_to_own(request, comment)


def redirect_to_own(request, comment):
    """To ``comment`` in place, remembered among this browser's own comments (its cookie)."""
    own = own_comments_with(request, comment)
    response = redirect(Viewer(request.user, own, post=comment.post).location_of(comment))
    response.set_signed_cookie(
        OWN_COOKIE, json.dumps(own), salt=own_salt(request.user), max_age=YEAR, **_cookie_flags()
    )
    return response


def _remember_author(response, form):
    if form.cleaned_data.get("remember"):
        values = {field: form.cleaned_data.get(field, "") for field in REMEMBERED_FIELDS}
        response.set_signed_cookie(
            REMEMBER_COOKIE, json.dumps(values), salt=REMEMBER_SALT, max_age=YEAR, **_cookie_flags()
        )
    else:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")


def permalink(request, pk):
    """A comment's lasting address: its post, on the page of the discussion that shows it.

    Moderators reach any comment this way (the admin's "View on site"), shown in place and
    marked; everyone else only what they may read.
    """
    comment, viewer = readable_comment(request, pk)
    return redirect(viewer.location_of(comment))


def readable_comment(request, pk):
    """The comment ``pk`` and its reader, if they may read it in place (404 otherwise)."""
    comment = get_object_or_404(Comment.objects.select_related("post__author", "root"), pk=pk)
    viewer = Viewer(request.user, own_comment_ids(request), comment.pk, comment.post)
    posts = Post.objects.visible_to(request.user)
    if not viewer.sees_in_place(comment) or not posts.filter(pk=comment.post_id).exists():
        raise Http404("No such comment.")
    return comment, viewer


@require_POST
def moderate(request, pk):
    """Approve, reject, mark as spam… a comment from the post's page (moderators, and the
    post's author when authors moderate their posts)."""
    comment = _moderated(request, pk)
    return decide(request, comment, _in_place, _counts_on_post)


@require_POST
def replies_switch(request, pk):
    """Close or reopen the replies under one comment, from the post's page (whoever
    moderates it)."""
    comment = _moderated(request, pk)
    switch_replies(request, comment)
    return redirect(_in_place(request, comment))


def _moderated(request, pk):
    """Comment ``pk``, if this person moderates its post (403 otherwise)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    comment = get_object_or_404(Comment.objects.select_related("post__author"), pk=pk)
    if not moderates(request.user, comment.post):
        raise PermissionDenied
    return comment


def _in_place(request, comment):
    """Back to the comment on its page, shown even if the decision hid it from readers."""
    return Viewer(request.user, revealed=comment.pk, post=comment.post).location_of(comment)


def _counts_on_post(comment):
    return counts_of(comment.post_id)


@require_POST
def discussion_switch(request, slug):
    """Close or reopen a post's discussion from its page."""
    if not may_switch(request.user):
        raise PermissionDenied
    post = get_object_or_404(Post.objects.visible_to(request.user), slug=slug)
    switch(request, post)
    return redirect(f"{post.get_absolute_url()}#comments")


@require_http_methods(["GET", "HEAD", "POST"])
def report(request, pk):
    """A reader reports a published comment to the moderators: a small form, no script needed.

    One report per account, else per browser (its ``commenter`` cookie, set here if missing).
    """
    comment, viewer = readable_comment(request, pk)
    if not comment.is_approved:  # a reader's own comment awaiting moderation
        raise Http404("No such comment.")
    user = request.user if request.user.is_authenticated else None
    browser = _browser_token(request)
    if request.method != "POST":
        already = Report.objects.by(user, digest(browser)).filter(comment=comment).exists()
        return _report_page(request, comment, ReportForm(), already=already)
    form = ReportForm(request.POST)
    ip = client_ip(request)
    if not allow_report(ip):
        response = _report_page(request, comment, form, status=429, slow_down=True)
        response["Retry-After"] = str(settings.COMMENTS_REPORT_RATE_WINDOW)
        return response
    if not form.is_valid():
        return _report_page(request, comment, form, status=400)
    try:
        held = services.report(
            comment,
            form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            user=user,
            browser_key=digest(browser),
            ip=ip,
            base_url=site_url(request),
        )
    except services.AlreadyReported:
        messages.info(request, ALREADY_REPORTED_MESSAGE)
        held = False
    except services.NotAllowed:  # held or removed since the page was shown
        raise Http404("No such comment.") from None
    else:
        messages.success(request, REPORTED_MESSAGE)
    if held:  # readers no longer see it: back to the discussion
        response = redirect(f"{comment.post.get_absolute_url()}#comments")
    else:
        response = redirect(viewer.location_of(comment))
    if user is None:
        response.set_signed_cookie(
            BROWSER_COOKIE, browser, salt=BROWSER_SALT, max_age=YEAR, **_cookie_flags()
        )
    return response


def _report_page(request, comment, form, status=200, **flags):
    context = {"comment": comment, "form": form, **flags}
    return render(request, "comments/report.html", context, status=status)
