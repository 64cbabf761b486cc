"""Moderation on the public post page, and what each reader sees of a discussion."""

import pytest

from comments import services
from comments.closing import load_state
from comments.models import Comment, ModerationEvent

pytestmark = pytest.mark.django_db

Status = Comment.Status
ROLES = ["anonymous", "reader", "author", "editor", "moderator", "superuser"]
MODERATES = {"moderator", "superuser"}
SWITCHES = MODERATES | {"editor"}  # editors open and close discussions, in the admin too


@pytest.fixture
def thread(post, make_comment):
    approved = make_comment(post, body="An approved opinion.")
    pending = make_comment(
        post,
        parent=approved,
        status=Status.PENDING,
        body="Held for review.",
        status_reason="Held: 3 links (limit 2).",
    )
    return approved, pending


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_see_pending_comments_and_the_controls(client, users, post, thread, role):
    """Moderators get pending comments in place, the count, decisions and the switch."""
    html = as_user(client, users[role]).get(post.get_absolute_url()).content.decode()
    approved, pending = thread
    assert approved.body in html
    if role in MODERATES:
        assert pending.body in html
        assert f'<li class="comment is-pending" id="comment-{pending.pk}"' in html
        assert "Pending: Held: 3 links (limit 2)." in html
        assert "<span data-pending-count>1</span> awaiting moderation" in html
        assert f'action="/comments/{pending.pk}/moderate/"' in html
        assert 'value="approve">Approve</button>' in html
        assert "Close comments now" in html
    else:
        assert pending.body not in html
        assert "moderator-bar" not in html
        assert "moderation-actions" not in html
        assert "Close comments now" not in html


@pytest.mark.parametrize("role", ROLES)
def test_deciding_from_the_page_by_role(client, users, post, thread, role):
    """Approve from the page works for moderators only; for others nothing changes."""
    _, pending = thread
    browser = as_user(client, users[role])
    response = browser.post(
        f"/comments/{pending.pk}/moderate/",
        {"action": "approve", "next": f"{post.get_absolute_url()}#comment-{pending.pk}"},
    )
    pending.refresh_from_db()
    if role in MODERATES:
        assert response.status_code == 302
        assert response["Location"] == f"{post.get_absolute_url()}#comment-{pending.pk}"
        assert pending.status == Status.APPROVED
        assert ModerationEvent.objects.get(action="approve").actor == users[role]
    else:
        assert response.status_code == 403
        assert pending.status == Status.PENDING
        assert not ModerationEvent.objects.filter(action="approve").exists()


def test_deciding_in_place_answers_json(client, moderator, post, thread):
    """With JavaScript, the page gets the new status, what applies now and the pending count."""
    _, pending = thread
    client.force_login(moderator)
    response = client.post(
        f"/comments/{pending.pk}/moderate/",
        {"action": "spam"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["pending"]) == ("spam", 0)
    assert set(data["actions"]) == {"approve", "remove", "restore"}
    again = client.post(
        f"/comments/{pending.pk}/moderate/", {"action": "spam"}, HTTP_ACCEPT="application/json"
    )
    assert again.status_code == 409
    assert "spam" in again.json()["error"]


def test_an_offsite_next_is_ignored(client, moderator, post, thread):
    """The page's return address cannot send a moderator to another site."""
    _, pending = thread
    client.force_login(moderator)
    response = client.post(
        f"/comments/{pending.pk}/moderate/", {"action": "approve", "next": "https://evil.example/"}
    )
    assert response["Location"].startswith(post.get_absolute_url())


@pytest.mark.parametrize("role", ROLES)
def test_closing_from_the_page_by_role(client, users, post, role):
    """The switch works for those who may open and close discussions, and no one else."""
    browser = as_user(client, users[role])
    response = browser.post(
        f"/posts/{post.slug}/discussion/", {"action": "close", "reason": "Heated."}
    )
    if role not in SWITCHES:
        assert response.status_code == 403
        assert not load_state(post).closed
        return
    assert response.status_code == 302
    page = browser.get(response["Location"]).content.decode()
    assert "Comments are closed." in page
    # Only moderators get the controls on the page; editors use the admin.
    assert ("Reason: Heated." in page) is (role in MODERATES)
    assert ("Reopen comments now" in page) is (role in MODERATES)
    browser.post(f"/posts/{post.slug}/discussion/", {"action": "reopen"})
    assert not load_state(post).closed


@pytest.mark.parametrize("action", ["", "delete", "CLOSE"])
def test_an_unknown_switch_is_a_bad_request(client, moderator, post, action):
    """Only "close" and "reopen" switch; anything else changes nothing."""
    client.force_login(moderator)
    response = client.post(f"/posts/{post.slug}/discussion/", {"action": action})
    assert response.status_code == 400
    assert not ModerationEvent.objects.exists()


def test_a_moderator_sees_the_post_edit_link_only_if_they_may_edit(client, users, post):
    """ "Edit post" shows for its author, editors and superusers, not for moderators."""
    for role, shown in [
        ("author", True),
        ("editor", True),
        ("superuser", True),
        ("moderator", False),
        ("reader", False),
    ]:
        client.force_login(users[role])
        html = client.get(post.get_absolute_url()).content.decode()
        assert (f'href="/admin/blog/post/{post.pk}/change/"' in html) is shown, role
        client.logout()


def test_a_readers_second_pending_comment_is_on_the_page_it_redirects_to(
    client, post, comment_data, make_comment, settings
):
    """Each of a reader's pending comments is shown where the redirect after posting lands."""
    settings.COMMENTS_PER_PAGE = 2
    make_comment(post)
    for body in ["My first pending comment.", "My second pending comment."]:
        response = client.post(f"/posts/{post.slug}/comment/", comment_data(post, body=body))
        page = client.get(response["Location"]).content.decode()
        comment = Comment.objects.get(body=body)
        assert response["Location"].endswith(f"#comment-{comment.pk}")
        assert body in page
    assert "?cpage=2#comment-" in response["Location"]


def test_a_reply_keeps_its_place_when_its_parent_is_removed_mid_thread(
    client, post, make_comment, moderator
):
    """Under a removed reply, its replies stay in place under a placeholder, at any depth."""
    top = make_comment(post, body="Top.")
    middle = make_comment(post, parent=top, body="Middle, soon removed.")
    reply = make_comment(post, parent=middle, body="Answer to the middle.")
    services.moderate(middle, "remove", moderator)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Middle, soon removed." not in html
    placeholder = html.index(f'id="comment-{middle.pk}"')
    assert html.index("This comment was removed.", placeholder) < html.index(
        f'id="comment-{reply.pk}"'
    )
    assert html.index(f'id="comment-{top.pk}"') < placeholder


def test_a_reply_to_a_removed_comment_is_refused_with_the_text_kept(
    client, post, make_comment, comment_data, moderator
):
    """A reply form sent after its parent was removed keeps the reader's text."""
    parent = make_comment(post)
    services.moderate(parent, "remove", moderator)
    response = client.post(
        f"/posts/{post.slug}/comment/",
        comment_data(post, parent=parent.pk, body="Too late, but kept."),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "no longer available" in html
    assert "Too late, but kept." in html
    assert not Comment.objects.filter(body="Too late, but kept.").exists()
