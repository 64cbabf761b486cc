"""Tell subscribers about a newly published comment, and its author that it is published.

Run by the task worker (comments/tasks.py) after the comment's approval has committed; it
reads the comment again, so a comment unpublished meanwhile sends nothing. Every email
carries a one-click unsubscribe link (RFC 8058) and honours a site-wide opt-out.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string

from . import subscriptions
from .models import Comment, Subscription


def site_url(request):
    """The site's address as this request reached it, for links in emails sent later."""
    return request.build_absolute_uri("/")[:-1]


def announce(comment_id, base_url, held=False):
    """Email each confirmed subscriber once, and the author when they need to hear from us.

    Subscribers to replies hear of replies to their comment, also where the thread's depth
    limit hung the reply beside it (``in_reply_to``). ``held``: a moderator published it
    after holding it. A failing mail server raises, and the worker retries (delivery is at
    least once).
    """
    comment = (
        Comment.objects.select_related("post", "parent")
        .filter(pk=comment_id, status=Comment.Status.APPROVED)
        .first()
    )
    if comment is None:
        return  # unpublished (or deleted) before the worker got to it
    author = subscriptions.normal(comment.author_email)
    readers = _subscribers(comment, {comment.parent_id, comment.in_reply_to_id} - {None}, author)
    request = (
        Subscription.objects.filter(requested_with=comment, confirmed_at__isnull=True)
        .select_related("post")
        .first()
    )
    silent = subscriptions.opted_out([*readers, author])
    messages = [
        _notification(comment, subscription, base_url)
        for email, subscription in readers.items()
        if email not in silent
    ]
    if author and author not in silent and (held or request):
        messages.append(_to_author(comment, request, held, base_url))
    if messages:
        get_connection().send_messages(messages)


def _subscribers(comment, answered_ids, author):
    """Confirmed subscribers to the discussion or to replies to ``answered_ids``, one
    subscription per address (the one for replies first), the comment's author left out."""
    rows = (
        Subscription.objects.confirmed()
        .filter(post=comment.post_id)
        .filter(Q(comment__isnull=True) | Q(comment__in=answered_ids))
        .exclude(email=author)
        .order_by("comment_id")  # nulls (the whole discussion) last
    )
    if comment.user_id:
        rows = rows.exclude(user=comment.user_id)
    chosen = {}
    for subscription in rows:
        chosen.setdefault(subscription.email, subscription)
    return chosen


def _email(to, subject, template, context, unsubscribe_url):
    context = {**context, "unsubscribe_url": unsubscribe_url, "site_name": settings.SITE_NAME}
    return EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[to],
        headers=subscriptions.unsubscribe_headers(unsubscribe_url),
    )


def _notification(comment, subscription, base_url):
    replying = subscription.comment_id is not None
    name, title = f"\u2068{comment.author_name}\u2069", comment.post.title
    subject = (
        f"{name} replied to your comment on “{title}”" if replying else f"New comment on “{title}”"
    )
    context = {
        "comment": comment,
        "replying": replying,
        "comment_url": base_url + comment.get_absolute_url(),
    }
    unsubscribe = subscriptions.unsubscribe_url(subscription.email, base_url, subscription)
    return _email(
        subscription.email, subject, "comments/email/new_comment.txt", context, unsubscribe
    )


def _to_author(comment, request, held, base_url):
    """ "Your comment is published", with the confirmation link they asked for, or just that."""
    title = comment.post.title
    subject = (
        f"Your comment on “{title}” is published" if held else f"Confirm: email me about “{title}”"
    )
    context = {
        "comment": comment,
        "held": held,
        "subscription": request,
        "comment_url": base_url + comment.get_absolute_url(),
        "confirm_url": subscriptions.confirm_url(request, base_url) if request else "",
    }
    # Nothing to stop yet but the site's emails: the link stops them all.
    unsubscribe = subscriptions.unsubscribe_url(comment.author_email, base_url)
    return _email(
        comment.author_email, subject, "comments/email/to_author.txt", context, unsubscribe
    )
