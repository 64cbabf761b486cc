"""Who is told about a comment awaiting moderation, and what they are told."""

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_pending_comment_emails_moderators_and_the_author(
    client, post, comment_data, moderator, mailoutbox, run_queued_emails
):
    """Moderators and the post's author get one email with a link to moderate the comment."""
    client.post(f"/posts/{post.slug}/comment/", comment_data(post, body="Worth a look"))
    assert mailoutbox == []  # the request only queues it
    run_queued_emails()
    comment = Comment.objects.get()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == sorted([moderator.email, post.author.user.email])
    assert post.title in message.subject
    assert f"http://testserver/admin/comments/comment/{comment.pk}/change/" in message.body
    assert "Worth a look" in message.body


def test_no_email_for_approved_or_spam(
    client, post, comment_data, moderator, make_comment, mailoutbox, run_queued_emails
):
    """Only comments that wait for a moderator call for one."""
    client.force_login(moderator)  # a moderator's comment is approved at once
    client.post(f"/posts/{post.slug}/comment/", comment_data(post))
    client.logout()
    client.post(f"/posts/{post.slug}/comment/", comment_data(post, homepage_url="bot"))
    assert [c.status for c in Comment.objects.order_by("pk")] == ["approved", "spam"]
    assert not ProcrastinateJob.objects.filter(task_name="comments.email_pending").exists()
    run_queued_emails()
    assert mailoutbox == []


def test_a_failing_mail_server_loses_nothing(
    client, post, comment_data, moderator, settings, run_queued_emails
):
    """With the mail server down the reader gets the answer; the worker's attempt fails loudly
    (so it is retried) and the job stays queued."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = client.post(f"/posts/{post.slug}/comment/", comment_data(post))
    assert response.status_code == 302
    assert Comment.objects.get().status == "pending"
    with pytest.raises(ConnectionRefusedError):
        run_queued_emails()
    assert ProcrastinateJob.objects.get().status == "todo"
