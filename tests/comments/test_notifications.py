import pytest

from comments.models import Comment

pytestmark = pytest.mark.django_db


def _post_comment(client, post, data, callbacks):
    with callbacks(execute=True):
        return client.post(f"/posts/{post.slug}/comment/", data)


def test_pending_comment_emails_moderators_and_the_author(
    client, post, comment_data, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    """Moderators and the post's author get one email with a link to moderate the comment."""
    _post_comment(
        client, post, comment_data(post, body="Worth a look"), django_capture_on_commit_callbacks
    )
    comment = Comment.objects.get()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == sorted([moderator.email, post.author.user.email])
    assert post.title in message.subject
    assert f"http://testserver/admin/comments/comment/{comment.pk}/change/" in message.body
    assert "Worth a look" in message.body


def test_no_email_for_approved_or_spam(
    client,
    post,
    comment_data,
    moderator,
    make_comment,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Only comments that wait for a moderator call for one."""
    make_comment(post, author_name="Ada Reader", author_email="known@example.net")
    client.force_login(moderator)  # a moderator's comment is approved at once
    _post_comment(
        client,
        post,
        comment_data(post, author_email="known@example.net"),
        django_capture_on_commit_callbacks,
    )
    client.logout()
    _post_comment(
        client, post, comment_data(post, homepage_url="bot"), django_capture_on_commit_callbacks
    )
    assert [c.status for c in Comment.objects.order_by("pk")] == ["approved", "approved", "spam"]
    assert mailoutbox == []


def test_a_failing_mail_server_loses_nothing(
    client, post, comment_data, moderator, settings, django_capture_on_commit_callbacks, caplog
):
    """With the mail server down, the comment is stored and the reader still gets the answer."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = _post_comment(client, post, comment_data(post), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Comment.objects.get().status == "pending"
    assert "Could not send the moderation email" in caplog.text
