"""A moderator closes the replies under one comment; the rest of the discussion stays open."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from comments import services
from comments.models import Comment, ModerationEvent

LOCKED_NOTE = "Replies to this comment are closed."


@pytest.fixture
def thread(post, make_comment):
    """A top-level comment with a reply and a reply to that, beside a second top-level one."""
    top = make_comment(post, author_name="Tess")
    reply = make_comment(post, parent=top, author_name="Rudi")
    deeper = make_comment(post, parent=reply, author_name="Dee")
    other = make_comment(post, author_name="Otto")
    return {"top": top, "reply": reply, "deeper": deeper, "other": other}


def reply_links(html):
    return set(map(int, re.findall(r'data-comment-id="(\d+)"', html)))


def test_a_moderator_closes_replies_from_the_post_page(client, post, thread, moderator):
    """The button closes one sub-thread, says so, and the log records who did it."""
    client.force_login(moderator)
    response = client.post(
        f"/comments/{thread['reply'].pk}/replies/", {"action": "lock"}, follow=True
    )
    assert response.status_code == 200
    assert "Replies to this comment are closed." in response.content.decode()
    assert Comment.objects.get(pk=thread["reply"].pk).replies_locked
    event = ModerationEvent.objects.get(action=ModerationEvent.Action.LOCK)
    assert (event.comment_id, event.actor, event.from_state, event.to_state) == (
        thread["reply"].pk,
        moderator,
        "open",
        "closed",
    )


def test_readers_see_the_lock_and_no_reply_link_below_it(client, post, thread, moderator):
    """Readers are told, lose the Reply links under the lock, and keep them elsewhere."""
    client.get(post.get_absolute_url())  # cached before the lock: the lock must show anyway
    services.lock_replies(thread["reply"], moderator)
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count(LOCKED_NOTE) == 1
    before_note = html[: html.index(LOCKED_NOTE)]
    assert re.findall(r'<li class="comment[^"]*" id="comment-(\d+)"', before_note)[-1] == str(
        thread["reply"].pk
    )
    assert reply_links(html) == {thread["top"].pk, thread["other"].pk}
    assert 'id="respond"' in html  # the discussion itself stays open


@pytest.mark.parametrize("answered", ["reply", "deeper"])
def test_a_reply_under_a_lock_is_refused_with_the_text_kept(
    client, post, thread, moderator, comment_data, answered
):
    """Answering the locked comment or anything below it is refused; the text stays."""
    services.lock_replies(thread["reply"], moderator)
    body = "But I still had something to say."
    response = client.post(
        f"/posts/{post.slug}/comment/",
        comment_data(post, body=body, parent=thread[answered].pk),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{LOCKED_NOTE} Your text is kept below: send it as a new comment." in html
    assert body in html
    assert f'name="parent" value="{thread[answered].pk}"' not in html  # no dead end
    assert not Comment.objects.filter(body=body).exists()


def test_the_rest_of_the_discussion_stays_open(client, post, thread, moderator, comment_data):
    """Above and beside the lock, readers still reply and comment."""
    services.lock_replies(thread["reply"], moderator)
    for parent in ("", thread["top"].pk, thread["other"].pk):
        response = client.post(f"/posts/{post.slug}/comment/", comment_data(post, parent=parent))
        assert response.status_code == 302, parent


def test_reopening_replies_lets_readers_answer_again(client, post, thread, moderator, comment_data):
    """Lifting the lock brings the Reply links back and accepts replies; both are logged."""
    client.force_login(moderator)
    client.post(f"/comments/{thread['reply'].pk}/replies/", {"action": "lock"})
    client.post(f"/comments/{thread['reply'].pk}/replies/", {"action": "unlock"})
    client.logout()
    assert thread["deeper"].pk in reply_links(client.get(post.get_absolute_url()).content.decode())
    response = client.post(
        f"/posts/{post.slug}/comment/", comment_data(post, parent=thread["deeper"].pk)
    )
    assert response.status_code == 302
    actions = ModerationEvent.objects.filter(comment=thread["reply"]).values_list(
        "action", flat=True
    )
    assert set(actions) == {ModerationEvent.Action.LOCK, ModerationEvent.Action.UNLOCK}


def test_closing_twice_says_so_and_changes_nothing(client, post, thread, moderator):
    """A second press (another moderator was quicker) explains instead of failing."""
    services.lock_replies(thread["top"], moderator)
    client.force_login(moderator)
    response = client.post(
        f"/comments/{thread['top'].pk}/replies/", {"action": "lock"}, follow=True
    )
    assert (
        f"Replies to comment #{thread['top'].pk} are already closed." in response.content.decode()
    )
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.LOCK).count() == 1


@pytest.mark.parametrize("role", ["anonymous", "reader", "author", "editor"])
def test_only_moderators_lock_replies(client, post, thread, users, role):
    """Readers, authors and editors cannot close a sub-thread, nor see the button."""
    if users[role]:
        client.force_login(users[role])
    assert "Close replies" not in client.get(post.get_absolute_url()).content.decode()
    response = client.post(f"/comments/{thread['top'].pk}/replies/", {"action": "lock"})
    assert response.status_code == 403
    assert not Comment.objects.get(pk=thread["top"].pk).replies_locked


def test_junk_action_is_a_clear_400(client, thread, moderator):
    client.force_login(moderator)
    response = client.post(f"/comments/{thread['top'].pk}/replies/", {"action": "explode"})
    assert response.status_code == 400


def test_moderators_see_the_switch_on_the_post_page(client, post, thread, moderator):
    """Each published comment has the button; a locked one offers to reopen."""
    services.lock_replies(thread["other"], moderator)
    client.force_login(moderator)
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count('value="lock">Close replies') == 3
    assert html.count('value="unlock">Reopen replies') == 1


def test_the_admin_comment_page_closes_and_reopens_replies(client, thread, moderator):
    """From the comment's page in the admin, as a staff moderator would."""
    client.force_login(moderator)
    change = f"/admin/comments/comment/{thread['top'].pk}/change/"
    assert 'value="lock"' in client.get(change).content.decode()
    client.post(f"/admin/comments/comment/{thread['top'].pk}/replies/", {"action": "lock"})
    assert Comment.objects.get(pk=thread["top"].pk).replies_locked
    assert 'value="unlock"' in client.get(change).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_reply_is_accepted_after_the_lock_returns(
    make_post, comment_data, django_user_model, settings
):
    """Replies racing a lock are stored before it or refused, never after, as with a close."""
    settings.COMMENTS_RATE_LIMIT = 10_000
    post = make_post()
    moderator = django_user_model.objects.create_superuser("boss", password="pw")
    top = Comment.objects.create(
        post=post, author_name="Tess", author_email="t@example.net", body="Top.", status="approved"
    )
    accepted, refused, errors, snapshot = [], [], [], []
    started, guard = threading.Event(), threading.Lock()

    def write(number):
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        try:
            for attempt in range(10):
                data = comment_data(post, body=f"reply {number}/{attempt}", parent=top.pk)
                response = client.post(f"/posts/{post.slug}/comment/", data)
                with guard:
                    started.set()
                    if response.status_code == 302:
                        accepted.append(response)
                    elif response.status_code == 400 and LOCKED_NOTE in response.content.decode():
                        refused.append(response)
                    else:
                        errors.append(response.status_code)
        finally:
            connection.close()

    def lock():
        try:
            started.wait(timeout=30)
            services.lock_replies(top, moderator)
            # Everything committed by now is all that may ever be stored under it.
            snapshot.extend(Comment.objects.filter(parent=top).values_list("pk", flat=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    threads.append(threading.Thread(target=lock))
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=120)

    assert errors == []
    assert accepted, "the first replies land before the lock"
    assert refused, "some replies should arrive after the lock"
    stored = set(Comment.objects.filter(parent=top).values_list("pk", flat=True))
    assert stored == set(snapshot), "a reply was stored after the lock committed"


def test_staff_still_answer_under_a_lock(client, post, thread, moderator):
    """A lock often wants a last word: a moderator's reply from the admin is published."""
    services.lock_replies(thread["reply"], moderator)
    client.force_login(moderator)
    client.post(
        f"/admin/comments/comment/{thread['reply'].pk}/reply/", {"body": "Closing this here."}
    )
    reply = Comment.objects.get(body="Closing this here.")
    assert (reply.parent_id, reply.status, reply.by_staff) == (thread["reply"].pk, "approved", True)


def test_an_author_who_moderates_locks_replies_on_their_own_post(
    client, post, thread, author, settings, make_post, make_author, make_comment
):
    """With COMMENTS_AUTHORS_MODERATE the post's author closes a sub-thread, from the post page
    or the admin, on their posts only."""
    settings.COMMENTS_AUTHORS_MODERATE = True
    client.force_login(author.user)
    assert client.post(f"/comments/{thread['top'].pk}/replies/", {"action": "lock"}).status_code
    assert Comment.objects.get(pk=thread["top"].pk).replies_locked
    client.post(f"/admin/comments/comment/{thread['top'].pk}/replies/", {"action": "unlock"})
    assert not Comment.objects.get(pk=thread["top"].pk).replies_locked
    elsewhere = make_comment(make_post(author=make_author("lena")))
    response = client.post(f"/comments/{elsewhere.pk}/replies/", {"action": "lock"})
    assert response.status_code == 403
