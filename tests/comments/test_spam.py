import time

import pytest
from django.contrib.auth.models import Group
from django.core import signing

from comments.forms import FORM_SALT
from comments.models import BlockedTerm, Comment

pytestmark = pytest.mark.django_db


def _post_comment(client, post, data, **extra):
    return client.post(f"/posts/{post.slug}/comment/", data, **extra)


def _status(comment=None):
    comment = comment or Comment.objects.get()
    return comment.status, comment.status_reason


def test_honeypot_marks_spam_without_an_error_page(client, post, comment_data):
    """A filled honeypot is kept as spam; the bot sees the ordinary answer."""
    response = _post_comment(client, post, comment_data(post, homepage_url="http://buy.example"))
    assert response.status_code == 302
    assert _status() == ("spam", "Caught by the honeypot field.")


def test_too_fast_submission_is_spam(client, post, comment_data):
    """A form sent back within the minimum time is a bot's."""
    issued = signing.dumps({"post": post.pk, "at": time.time()}, salt=FORM_SALT)
    assert _post_comment(client, post, comment_data(post, issued=issued)).status_code == 302
    assert _status() == ("spam", "Caught by the minimum-time check.")


@pytest.mark.parametrize("issued", ["", "forged", "eyJwb3N0IjoxfQ:bad:signature"])
def test_missing_or_forged_timestamp_is_spam(client, post, comment_data, issued):
    """The timestamp must carry our signature."""
    _post_comment(client, post, comment_data(post, issued=issued))
    assert _status() == ("spam", "Caught by the form signature check.")


def test_timestamp_signed_for_another_post_is_spam(client, post, make_post, comment_data):
    """A signed form cannot be replayed against another post."""
    other = make_post()
    _post_comment(client, post, comment_data(post, issued=comment_data(other)["issued"]))
    assert _status()[0] == "spam"


def test_a_form_open_for_days_is_sent_back_with_the_text_kept(client, post, comment_data):
    """An old signed timestamp is not trusted, but the reader loses nothing: send again works."""
    old = signing.dumps({"post": post.pk, "at": time.time() - 3 * 24 * 3600}, salt=FORM_SALT)
    response = _post_comment(client, post, comment_data(post, issued=old, body="Kept for days"))
    assert response.status_code == 400
    assert not Comment.objects.exists()
    html = response.content.decode()
    assert "open for more than two days" in html
    assert "Kept for days" in html
    fresh = response.context["comment_form"]["issued"].value()
    assert fresh != old
    data = comment_data(post, issued=fresh, body="Kept for days")
    assert _post_comment(client, post, data).status_code == 302  # sent again at once
    assert _status() == ("pending", "New comments wait for a moderator.")


def test_a_real_form_round_trip_passes_after_the_minimum_time(client, post, settings):
    """The form as served, sent back later, is accepted (pending)."""
    settings.COMMENTS_MIN_SECONDS = 0
    page = client.get(post.get_absolute_url())
    form = page.context["comment_form"]
    data = {
        "author_name": "Ada",
        "author_email": "ada@example.net",
        "body": "Hello",
        "issued": form.initial["issued"],
    }
    _post_comment(client, post, data)
    assert _status() == ("pending", "New comments wait for a moderator.")


def test_more_links_than_allowed_are_held(client, post, comment_data, make_comment, settings):
    """Too many links hold a comment, even from a known commenter."""
    settings.COMMENTS_MAX_LINKS = 2
    make_comment(post, author_name="Ada Reader", author_email="known@example.net")
    body = "See https://a.com https://b.org and https://c.net"
    _post_comment(client, post, comment_data(post, author_email="known@example.net", body=body))
    assert _status(Comment.objects.latest("pk")) == ("pending", "Held: 3 links (more than 2).")
    _post_comment(client, post, comment_data(post, body="Two: https://a.com https://b.org"))
    assert Comment.objects.latest("pk").status_reason == "New comments wait for a moderator."


@pytest.mark.parametrize(
    ("kind", "value", "field", "typed"),
    [
        ("phrase", "cheap pills", "body", "Buy CHEAP Pills now"),
        ("phrase", "casino", "author_name", "Casino Royale Fan"),
        ("phrase", "spam.example", "author_url", "https://spam.example/x"),
        ("email", "bot@spam.example", "author_email", "BOT@spam.example"),
        ("email", "@spam.example", "author_email", "anyone@spam.example"),
        ("ip", "203.0.113.0/24", None, None),
        ("ip", "198.51.100.7", None, None),
    ],
)
def test_blocklist_sends_matches_to_spam(client, post, comment_data, kind, value, field, typed):
    """Phrases, emails, domains, addresses and networks on the blocklist mean spam."""
    term = BlockedTerm.objects.create(kind=kind, value=value)
    data = comment_data(post, **({field: typed} if field else {}))
    ip = {"203.0.113.0/24": "203.0.113.77", "198.51.100.7": "198.51.100.7"}.get(value, "192.0.2.1")
    _post_comment(client, post, data, REMOTE_ADDR=ip)
    assert _status() == ("spam", f"Matched the blocklist entry “{term}”.")


def test_blocklist_does_not_catch_innocent_comments(client, post, comment_data):
    """Entries match only what they name."""
    BlockedTerm.objects.create(kind="email", value="@spam.example")
    BlockedTerm.objects.create(kind="ip", value="203.0.113.0/24")
    BlockedTerm.objects.create(kind="ip", value="2001:db8::/32")
    _post_comment(client, post, comment_data(post, author_email="me@notspam.example.org"))
    assert _status()[0] == "pending"


def test_known_commenter_is_auto_approved(client, post, comment_data, make_comment, settings):
    """A name and email with an approved comment are trusted; the setting can turn that off."""
    make_comment(post, author_name="Ada Reader", author_email="Known@Example.net")
    _post_comment(client, post, comment_data(post, author_email="known@example.net"))
    assert _status(Comment.objects.latest("pk")) == (
        "approved",
        "This name and email already have an approved comment.",
    )
    settings.COMMENTS_AUTO_APPROVE_KNOWN = False
    _post_comment(client, post, comment_data(post, author_email="known@example.net"))
    assert Comment.objects.latest("pk").status == "pending"


def test_a_known_email_under_another_name_waits(client, post, comment_data, make_comment):
    """Knowing someone's email is not enough to skip moderation."""
    make_comment(post, author_name="Mo", author_email="mo@example.net")
    _post_comment(
        client, post, comment_data(post, author_name="Ada", author_email="mo@example.net")
    )
    assert Comment.objects.latest("pk").status == "pending"


def test_an_accounts_email_vouches_only_for_that_account(
    client, post, comment_data, make_comment, django_user_model
):
    """Anonymous comments under a member's email always wait, however it was used before."""
    django_user_model.objects.create_user("mo", email="mo@example.org", password="pw")
    make_comment(post, author_name="Mo", author_email="mo@example.org")
    _post_comment(client, post, comment_data(post, author_name="Mo", author_email="MO@example.org"))
    assert Comment.objects.latest("pk").status == "pending"


def test_an_empty_email_never_counts_as_known(client, post, comment_data, django_user_model):
    """Logged-in users without an email are not approved through someone else's empty email."""
    user = django_user_model.objects.create_user("noemail", password="pw")
    other = django_user_model.objects.create_user("other", password="pw")
    Comment.objects.create(
        post=post, user=other, author_name="noemail", author_email="", body="x", status="approved"
    )
    client.force_login(user)
    _post_comment(client, post, comment_data(post))
    assert Comment.objects.latest("pk").status == "pending"


def test_rejected_history_does_not_auto_approve(client, post, comment_data, make_comment):
    """Only approved comments earn trust."""
    make_comment(post, author_email="meh@example.net", status="rejected")
    _post_comment(client, post, comment_data(post, author_email="meh@example.net"))
    assert Comment.objects.latest("pk").status == "pending"


def test_auto_approved_comment_jumps_to_its_anchor(client, post, comment_data, make_comment):
    """An auto-approved comment is published and the reader lands on it."""
    make_comment(post, author_name="Ada Reader", author_email="known@example.net")
    response = _post_comment(client, post, comment_data(post, author_email="known@example.net"))
    comment = Comment.objects.latest("pk")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "your comment is published" in page


def test_moderators_comments_are_approved(client, post, comment_data, django_user_model):
    """A moderator's own comment needs no moderation."""
    moderator = django_user_model.objects.create_user("mod", email="mod@example.org", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    _post_comment(client, post, comment_data(post))
    assert _status() == ("approved", "Written by a moderator.")


def test_rate_limit_answers_429_and_keeps_the_text(client, post, comment_data, settings):
    """Past the per-IP limit, a clear "slow down" page with status 429 and the reader's text."""
    settings.COMMENTS_RATE_LIMIT = 3
    for _ in range(3):
        assert _post_comment(client, post, comment_data(post)).status_code == 302
    response = _post_comment(client, post, comment_data(post, body="Fourth, kept for you"))
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.COMMENTS_RATE_WINDOW)
    html = response.content.decode()
    assert "Please slow down" in html
    assert "Fourth, kept for you" in html
    assert Comment.objects.count() == 3
    other_ip = _post_comment(client, post, comment_data(post), REMOTE_ADDR="192.0.2.50")
    assert other_ip.status_code == 302


def test_rate_limit_uses_the_forwarded_address_behind_a_trusted_proxy(
    client, post, comment_data, settings
):
    """Behind a proxy, each reader is limited by their own address, not the proxy's."""
    settings.COMMENTS_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    first = _post_comment(client, post, comment_data(post), HTTP_X_FORWARDED_FOR="192.0.2.1")
    second = _post_comment(client, post, comment_data(post), HTTP_X_FORWARDED_FOR="192.0.2.2")
    again = _post_comment(client, post, comment_data(post), HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert [first.status_code, second.status_code, again.status_code] == [302, 302, 429]
    assert Comment.objects.first().ip_address == "192.0.2.1"


@pytest.mark.parametrize("forwarded", ["not-an-address", "192.0.2.1, <script>", "", "999.1.1.1"])
def test_a_garbled_forwarded_header_falls_back_to_the_connecting_address(
    client, post, comment_data, settings, forwarded
):
    """Whatever arrives in X-Forwarded-For, the comment is stored with a real address."""
    settings.TRUSTED_PROXY_COUNT = 1
    response = _post_comment(
        client, post, comment_data(post), HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302
    assert Comment.objects.get().ip_address == "10.0.0.9"
