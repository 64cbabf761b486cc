"""Tell moderators and the post's author that a comment awaits them.

The task worker sends it (comments/tasks.py), never the reader's request: a slow or failing
mail server delays nobody and loses nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Comment
from .post_authors import moderator_q


def moderator_emails():
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return set(users.filter(moderator_q()).values_list("email", flat=True))


def notify_pending_comment(comment_id, base_url):
    """Email everyone who can act on a comment still held for moderation.

    Run by the task worker; a failing mail server raises, and the worker retries.
    """
    comment = (
        Comment.objects.select_related("post__author__user")
        .filter(pk=comment_id, status=Comment.Status.PENDING)
        .first()
    )
    if comment is None:
        return  # decided (or deleted) before the worker got to it: nothing to ask
    recipients = moderator_emails()
    author_email = comment.post.author.user.email
    if author_email:
        recipients.add(author_email)
    if not recipients:
        return
    admin_path = reverse("admin:comments_comment_change", args=[comment.pk])
    context = {
        "comment": comment,
        "moderate_url": base_url + admin_path,
        "authors_moderate": settings.COMMENTS_AUTHORS_MODERATE,
    }
    send_mail(
        subject=f"Comment awaiting moderation on “{comment.post.title}”",
        message=render_to_string("comments/email/pending.txt", context),
        from_email=None,
        recipient_list=sorted(recipients),
    )
