"""Tell moderators and the post's author that a comment awaits them.

Mail is sent after the comment is committed; a failing mail server is logged and never
loses the comment or breaks the reader's request.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def moderator_emails():
    permission = Q(groups__permissions__codename="moderate_comment") | Q(
        user_permissions__codename="moderate_comment"
    )
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return set(users.filter(permission | Q(is_superuser=True)).values_list("email", flat=True))


def notify_pending_comment(comment, base_url):
    """Email everyone who can act on a comment held for moderation."""
    recipients = moderator_emails()
    author_email = comment.post.author.user.email
    if author_email:
        recipients.add(author_email)
    if not recipients:
        return
    admin_path = reverse("admin:comments_comment_change", args=[comment.pk])
    context = {"comment": comment, "moderate_url": base_url + admin_path}
    try:
        send_mail(
            subject=f"Comment awaiting moderation on “{comment.post.title}”",
            message=render_to_string("comments/email/pending.txt", context),
            from_email=None,
            recipient_list=sorted(recipients),
        )
    except Exception:
        logger.exception("Could not send the moderation email for comment %s", comment.pk)
