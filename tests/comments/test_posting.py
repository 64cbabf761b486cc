from datetime import timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.models import Comment

pytestmark = pytest.mark.django_db


def _url(post):
    return f"/posts/{post.slug}/comment/"


def test_new_comment_waits_for_moderation_and_is_shown_to_its_author(
    client, post, comment_data, django_user_model
):
    """A new comment is pending: its author sees it in place, nobody else does."""
    response = client.post(_url(post), comment_data(post, body="First!\n\nSecond para."))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.body_html == "<p>First!</p><p>Second para.</p>"
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation" in page
    assert f'id="comment-{comment.pk}"' in page
    assert "No responses yet" in page
    from django.test import Client

    other = Client().get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' not in other


def test_origin_is_recorded(client, post, comment_data):
    """IP address and user agent are kept for moderators."""
    client.post(
        _url(post), comment_data(post), REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox/140"
    )
    comment = Comment.objects.get()
    assert comment.ip_address == "203.0.113.9"
    assert comment.user_agent == "Firefox/140"


def test_logged_in_user_comments_under_their_account(client, post, comment_data, django_user_model):
    """Logged-in readers don't retype their name; the comment is linked to them."""
    user = django_user_model.objects.create_user(
        "grace", email="grace@example.net", password="pw", first_name="Grace", last_name="H"
    )
    client.force_login(user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'name="author_name"' not in page
    assert "Commenting as <strong><bdi>Grace H</bdi></strong>" in page
    client.post(_url(post), comment_data(post, author_name="Spoofed", author_email="x@y.z"))
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name, comment.author_email) == (
        user,
        "Grace H",
        "grace@example.net",
    )


def test_an_account_with_a_very_long_name_still_comments(
    client, post, comment_data, django_user_model
):
    """Account names may be longer than a comment's author name: it is shortened, not a 500."""
    user = django_user_model.objects.create_user(
        "longname", email="long@example.net", first_name="A" * 150, last_name="B" * 150
    )
    client.force_login(user)
    assert client.post(_url(post), comment_data(post)).status_code == 302
    assert Comment.objects.get().author_name == "A" * 100


def test_remember_me_cookie_only_with_consent(client, post, comment_data):
    """Name, email and website are remembered only when the reader asks."""
    client.post(_url(post), comment_data(post))
    assert "comment_author" not in client.cookies or not client.cookies["comment_author"].value
    client.post(_url(post), comment_data(post, remember="on", author_url="https://ada.example"))
    assert client.cookies["comment_author"].value
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'value="Ada Reader"' in page
    assert 'value="https://ada.example"' in page
    client.post(_url(post), comment_data(post))
    assert not client.cookies["comment_author"].value


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"body": ""}, "body", "This field is required."),
        ({"body": "x" * 10_001}, "body", "at most 10000 characters"),
        ({"author_name": "n" * 101}, "author_name", "at most 100 characters"),
        ({"author_name": ""}, "author_name", "This field is required."),
        ({"author_email": "not-an-email"}, "author_email", "Enter a valid email address."),
        ({"author_url": "javascript:alert(1)"}, "author_url", "Enter a valid URL."),
        ({"author_url": "ftp://files.example"}, "author_url", "Enter a valid URL."),
        ({"body": "bell\x07"}, "body", "control characters"),
        ({"body": "nul\x00byte"}, "body", "Null characters are not allowed."),
        ({"author_name": "Ada\x1b[31m"}, "author_name", "control characters"),
    ],
)
def test_invalid_comment_rerenders_with_text_and_errors(
    client, post, comment_data, overrides, field, message
):
    """A refused comment keeps everything typed, with the error beside its field."""
    data = comment_data(post, **overrides)
    if field != "body":
        data["body"] = "My carefully written comment."
    response = client.post(_url(post), data)
    assert response.status_code == 400
    assert not Comment.objects.exists()
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    if field != "body":
        assert "My carefully written comment." in html


def test_reply_attaches_to_parent_and_is_threaded(client, post, comment_data, make_comment):
    """A reply (also to a reply) sits under its parent."""
    top = make_comment(post)
    child = make_comment(post, parent=top)
    client.post(_url(post), comment_data(post, parent=str(child.pk)))
    reply = Comment.objects.latest("pk")
    assert (reply.parent, reply.root, reply.depth) == (child, top, 2)


def test_reply_to_another_posts_comment_is_refused(
    client, post, make_post, comment_data, make_comment
):
    """A parent from another post is refused by the form, keeping the text."""
    elsewhere = make_comment(make_post())
    response = client.post(_url(post), comment_data(post, parent=str(elsewhere.pk), body="Hi!"))
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()
    assert "Hi!" in response.content.decode()
    assert Comment.objects.count() == 1


def test_database_refuses_a_parent_from_another_post(post, make_post, make_comment):
    """The same-post rule holds in the database, not only in the form."""
    from django.db import IntegrityError, connection, transaction

    elsewhere = make_comment(make_post())
    child = make_comment(post)
    with transaction.atomic():
        # Like Django's own foreign keys, the check is deferred to commit: force it now.
        connection.cursor().execute("SET CONSTRAINTS comment_parent_same_post IMMEDIATE")
        with pytest.raises(IntegrityError):
            Comment.objects.filter(pk=child.pk).update(parent=elsewhere, root=elsewhere, depth=1)


def test_reply_at_the_deepest_level_becomes_a_sibling(
    client, post, comment_data, make_comment, settings
):
    """Past the maximum depth, a reply attaches beside the comment it answers."""
    settings.COMMENTS_MAX_DEPTH = 3
    level1 = make_comment(post)
    level2 = make_comment(post, parent=level1)
    level3 = make_comment(post, parent=level2)
    client.post(_url(post), comment_data(post, parent=str(level3.pk)))
    reply = Comment.objects.latest("pk")
    assert reply.parent == level2
    assert reply.depth == 2


def test_replying_to_a_pending_comment_is_refused(client, post, comment_data, make_comment):
    """Only visible comments can be answered."""
    pending = make_comment(post, status=Comment.Status.PENDING)
    response = client.post(_url(post), comment_data(post, parent=str(pending.pk)))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_comments_on_drafts_are_404(client, make_post, comment_data):
    """Nobody can comment on a post readers cannot see."""
    draft = make_post(status="draft")
    assert client.post(_url(draft), comment_data(draft)).status_code == 404


@pytest.mark.parametrize("how", ["switch", "age", "site-wide"])
def test_closed_discussion_refuses_posts_and_stores_nothing(
    client, make_post, comment_data, make_comment, settings, how
):
    """Closed by switch, age or site-wide: the thread stays, the form goes, POST is refused."""
    post = make_post(published_at=timezone.now() - timedelta(days=40))
    make_comment(post, body="An earlier approved comment.")
    if how == "switch":
        services.close(post, None)
    elif how == "age":
        settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    else:
        settings.COMMENTS_CLOSED = True
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Comments are closed." in page
    assert "An earlier approved comment." in page
    assert 'id="respond"' not in page
    assert "comment-reply-link" not in page
    response = client.post(_url(post), comment_data(post, body="Too late, sadly."))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Comments are closed on this post; your comment was not saved." in html
    assert "Too late, sadly." in html
    assert Comment.objects.count() == 1


def test_auto_close_is_off_by_default(client, make_post, comment_data):
    """Old posts stay open unless a setting says otherwise."""
    post = make_post(published_at=timezone.now() - timedelta(days=3650))
    assert client.post(_url(post), comment_data(post)).status_code == 302


def test_get_on_the_comment_url_is_not_allowed(client, post):
    """Posting is POST only."""
    assert client.get(_url(post)).status_code == 405
