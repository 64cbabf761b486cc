"""The trash keeps what is young, logs what goes, and hidden sub-threads stay hidden."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments import services
from comments.models import BlockedTerm, Comment, ModerationEvent

pytestmark = pytest.mark.django_db


def trashed(comment, moderator, days_ago, **options):
    services.moderate(comment, "remove", moderator, **options)
    Comment.objects.filter(pk=comment.pk).update(
        moderated_at=timezone.now() - timedelta(days=days_ago)
    )
    return comment


def test_emptying_the_trash_keeps_an_old_comment_whose_reply_was_trashed_recently(
    post, make_comment, moderator, settings
):
    """A reply still within its retention keeps its parent, and itself, in the trash."""
    settings.COMMENTS_TRASH_DAYS = 30
    parent = trashed(make_comment(post), moderator, days_ago=40)
    reply = trashed(make_comment(post, parent=parent), moderator, days_ago=1)
    out = StringIO()
    call_command("empty_comment_trash", stdout=out)
    assert set(Comment.objects.values_list("pk", flat=True)) == {parent.pk, reply.pk}
    assert "Kept 1" in out.getvalue()
    Comment.objects.filter(pk=reply.pk).update(moderated_at=timezone.now() - timedelta(days=31))
    call_command("empty_comment_trash", stdout=StringIO())
    assert not Comment.objects.exists()


def test_replies_deleted_with_their_comment_are_each_logged(post, make_comment, moderator):
    """Deleting from the trash logs the comment and every trashed reply that goes with it."""
    parent = make_comment(post)
    child = make_comment(post, parent=parent)
    grandchild = make_comment(post, parent=child)
    services.moderate(parent, "remove", moderator, replies="delete")
    services.delete_permanently(parent, moderator)
    deleted = ModerationEvent.objects.filter(action="delete")
    assert sorted(deleted.values_list("comment_number", flat=True)) == sorted(
        [parent.pk, child.pk, grandchild.pk]
    )
    assert set(deleted.values_list("actor", flat=True)) == {moderator.pk}
    assert not Comment.objects.exists()


@pytest.fixture
def hidden_subthread(post, make_comment, moderator):
    """A comment removed with its replies hidden; below it a reply and a nested reply."""
    top = make_comment(post, body="The comment taken down.")
    reply = make_comment(post, parent=top, body="A reply hidden with it.")
    nested = make_comment(post, parent=reply, body="A nested reply hidden too.")
    services.moderate(top, "remove", moderator, replies="hide")
    return top, reply, nested


def test_readers_reach_nothing_of_a_hidden_subthread(client, post, hidden_subthread):
    """Neither the page nor a permalink shows any part of a hidden sub-thread to readers."""
    top, reply, nested = hidden_subthread
    html = client.get(post.get_absolute_url()).content.decode()
    assert "hidden" not in html.split('id="comments"')[1].split("Leave a response")[0]
    for comment in (top, reply, nested):
        assert client.get(f"/comments/{comment.pk}/").status_code == 404


def test_view_on_site_shows_a_moderator_a_comment_inside_a_hidden_subthread(
    client, post, moderator, hidden_subthread
):
    """A moderator's "View on site" reaches a nested reply, with placeholders above it."""
    top, _, nested = hidden_subthread
    client.force_login(moderator)
    response = client.get(f"/comments/{nested.pk}/", follow=True)
    html = response.content.decode()
    assert "A nested reply hidden too." in html
    assert f'id="comment-{top.pk}"' in html
    assert "A reply hidden with it." not in html  # only the way to the asked-for comment
    assert html.count("This comment was removed.") == 2


@pytest.mark.parametrize("kind", ["email", "ip"])
def test_a_blocklist_reason_never_shows_private_values(client, post, comment_data, author, kind):
    """Authors read reasons: an email or IP entry is named by number, never by its value."""
    value = {"email": "hidden.person@example.net", "ip": "198.51.100.23"}[kind]
    BlockedTerm.objects.create(kind=kind, value=value, action="hold")
    data = comment_data(post, author_email="hidden.person@example.net")
    client.post(f"/posts/{post.slug}/comment/", data, REMOTE_ADDR="198.51.100.23")
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert value not in comment.status_reason
    client.force_login(author.user)
    for url in [
        f"/admin/comments/comment/{comment.pk}/change/",
        "/admin/comments/comment/",
        f"/admin/blog/post/{post.pk}/change/",
    ]:
        assert value not in client.get(url).content.decode(), url
