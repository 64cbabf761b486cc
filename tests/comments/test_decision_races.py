"""Decisions made at the same time: nobody overwrites a decision they did not see."""

import re

import pytest
from django.test import Client

from comments import services
from comments.models import Comment, ModerationEvent

pytestmark = pytest.mark.django_db

COMMENTS = "/admin/comments/comment/"


@pytest.fixture
def decided_meanwhile(post, make_comment, moderator, django_user_model):
    """A pending comment that another moderator approved after this moderator's page loaded."""
    comment = make_comment(post, status="pending")
    other = django_user_model.objects.create_superuser("ola", "ola@example.org", "pw")
    services.moderate(comment, "approve", other)
    return comment


def test_a_stale_button_on_the_post_page_changes_nothing(client, moderator, decided_meanwhile):
    """Reject pressed on a page that still showed "pending" keeps the other's approval."""
    client.force_login(moderator)
    response = client.post(
        f"/comments/{decided_meanwhile.pk}/moderate/",
        {"action": "reject", "from": "pending"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert "was approved meanwhile (by ola)" in response.json()["error"]
    decided_meanwhile.refresh_from_db()
    assert decided_meanwhile.status == "approved"
    assert not ModerationEvent.objects.filter(action="reject").exists()


def test_a_stale_row_button_in_the_queue_changes_nothing(client, moderator, decided_meanwhile):
    """The queue's buttons carry the status they were drawn for."""
    client.force_login(moderator)
    response = client.post(
        f"{COMMENTS}{decided_meanwhile.pk}/act/?from=pending", {"action": "spam"}, follow=True
    )
    assert "approved meanwhile" in response.content.decode()
    decided_meanwhile.refresh_from_db()
    assert decided_meanwhile.status == "approved"


def test_a_stale_change_form_says_so_and_changes_nothing(client, moderator, post, make_comment):
    """The comment's page, saved after someone else decided, shows an error instead."""
    comment = make_comment(post, status="pending")
    client.force_login(moderator)
    form = client.get(f"{COMMENTS}{comment.pk}/change/").context["adminform"].form
    assert form["seen_status"].value() == "pending"
    Comment.objects.filter(pk=comment.pk).update(status="spam")  # someone else, meanwhile
    response = client.post(
        f"{COMMENTS}{comment.pk}/change/",
        {"status": "approved", "seen_status": "pending", "_save": "Save"},
    )
    assert response.status_code == 200
    assert "This comment was spam meanwhile" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "spam"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_sent_at_the_same_moment_stores_one_comment(
    post, comment_data, settings, at_once
):
    """Two copies of one form arriving together: one comment, both answered with it."""
    settings.COMMENTS_RATE_LIMIT = 100
    data = comment_data(post, body="Clicked twice, quickly.")
    responses = at_once(4, lambda: Client().post(f"/posts/{post.slug}/comment/", data))
    comment = Comment.objects.get()
    assert [response.status_code for response in responses] == [302] * 4
    locations = {response["Location"] for response in responses}
    assert {int(re.search(r"#comment-(\d+)$", url)[1]) for url in locations} == {comment.pk}
