import html
import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client

from comments.forms import FORM_SALT
from comments.models import BlockedTerm, Comment
from comments.moderation import describe

pytestmark = pytest.mark.django_db


def _post_comment(client, post, data, **extra):
    return client.post(f"/posts/{post.slug}/comment/", data, **extra)


def _status(comment=None):
    comment = comment or Comment.objects.get()
    return comment.status, comment.status_reason


HELD_UNSIGNED = "Held: the form's signed timestamp was missing or forged."


def test_honeypot_marks_spam_without_an_error_page(client, post, comment_data):
    """A filled honeypot is kept as spam; the bot sees the ordinary answer."""
    response = _post_comment(client, post, comment_data(post, homepage_url="http://buy.example"))
    assert response.status_code == 302
    assert _status() == ("spam", "Spam: the hidden honeypot field was filled in.")


def test_too_fast_submission_is_held_with_the_time_it_took(client, post, comment_data, settings):
    """A form sent back within the minimum time waits for a moderator, who reads why."""
    settings.COMMENTS_MIN_SECONDS = 3
    issued = signing.dumps({"post": post.pk, "at": time.time() - 2}, salt=FORM_SALT)
    response = _post_comment(client, post, comment_data(post, issued=issued))
    assert response.status_code == 302
    assert _status() == (
        "pending",
        "Held: sent 2 s after the form was shown (minimum 3 s).",
    )
    page = client.get(response["Location"]).content.decode()
    assert "your comment is awaiting moderation" in page
    assert Comment.objects.get().body in page  # its writer sees it in place


def test_an_autofilled_fast_comment_reaches_the_moderators(
    client, post, comment_data, settings, moderator, mailoutbox, run_queued_emails
):
    """A browser that autofills name and email and a quick reader: held and announced, not lost."""
    settings.COMMENTS_MIN_SECONDS = 3
    issued = signing.dumps({"post": post.pk, "at": time.time()}, salt=FORM_SALT)
    _post_comment(client, post, comment_data(post, issued=issued, body="Agreed!"))
    run_queued_emails()
    assert _status()[0] == "pending"
    assert len(mailoutbox) == 1
    assert "sent 0 s after the form was shown" in mailoutbox[0].body


@pytest.mark.parametrize("issued", ["", "forged", "eyJwb3N0IjoxfQ:bad:signature"])
def test_missing_or_forged_timestamp_is_held(client, post, comment_data, issued):
    """The timestamp must carry our signature; without it the comment waits, with the reason."""
    _post_comment(client, post, comment_data(post, issued=issued))
    assert _status() == ("pending", HELD_UNSIGNED)


def test_timestamp_signed_for_another_post_is_held(client, post, make_post, comment_data):
    """A signed form cannot be replayed against another post."""
    other = make_post()
    _post_comment(client, post, comment_data(post, issued=comment_data(other)["issued"]))
    assert _status() == ("pending", HELD_UNSIGNED)


def test_a_reused_form_is_held(client, post, comment_data):
    """One form, two different texts: the second waits, saying the form was used before."""
    issued = comment_data(post)["issued"]
    _post_comment(client, post, comment_data(post, issued=issued, body="First text."))
    _post_comment(client, post, comment_data(post, issued=issued, body="Second text."))
    first, second = Comment.objects.order_by("pk")
    assert first.status_reason == "New comments wait for a moderator."
    assert _status(second) == (
        "pending",
        "Held: this form had already been used to send a comment.",
    )


def test_a_held_form_beats_auto_approval(client, post, comment_data, make_comment):
    """A known browser's too-fast form still waits: the check is about the form, not the person."""
    _post_comment(client, post, comment_data(post, body="My first."))
    Comment.objects.update(status="approved")
    _post_comment(client, post, comment_data(post, issued="", body="My second."))
    assert _status(Comment.objects.latest("pk")) == ("pending", HELD_UNSIGNED)


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
    page = client.get(post.get_absolute_url()).content.decode()
    issued = re.search(r'name="issued" value="([^"]+)"', page).group(1)
    data = {
        "author_name": "Ada",
        "author_email": "ada@example.net",
        "body": "Hello",
        "issued": html.unescape(issued),
    }
    _post_comment(client, post, data)
    assert _status() == ("pending", "New comments wait for a moderator.")


def test_more_links_than_allowed_are_held(client, post, comment_data, make_comment, settings):
    """Too many links hold a comment, even from a known commenter."""
    settings.COMMENTS_MAX_LINKS = 2
    _post_comment(client, post, comment_data(post, author_email="known@example.net"))
    Comment.objects.update(status="approved")
    body = "See https://a.com https://b.org and https://c.net"
    _post_comment(client, post, comment_data(post, author_email="known@example.net", body=body))
    assert _status(Comment.objects.latest("pk")) == ("pending", "Held: 3 links (limit 2).")
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
    assert _status() == ("spam", f"Spam: {describe(term)}.")


@pytest.mark.parametrize(
    ("phrase", "body", "caught"),
    [
        ("ass", "A classic passenger assessment.", False),
        ("ass", "What an ASS.", True),
        ("casino", "Casinos are everywhere", False),
        ("online casino", "Try our Online   Casino", False),  # the phrase, not a respacing
        ("online casino", "Try our online casino!", True),
        ("straße", "Die STRASSE ist lang", True),  # full case folding: ß is ss
        ("straße", "Die Straßenbahn kommt", False),
        ("straße", "Eine Straße, bitte.", True),
        ("дом", "Мой ДОМ здесь", True),
        ("дом", "домашний", False),
    ],
)
def test_blocked_phrases_match_whole_words_in_any_case_and_script(
    client, post, comment_data, phrase, body, caught
):
    """Phrases match whole words, ignoring case, in any alphabet: "ass" never catches "classic"."""
    BlockedTerm.objects.create(kind="phrase", value=phrase)
    _post_comment(client, post, comment_data(post, body=body))
    assert (_status()[0] == "spam") is caught


def test_hold_list_entries_hold_for_review(client, post, comment_data):
    """An entry on the hold list sends matches to the queue with the entry named, not to spam."""
    BlockedTerm.objects.create(kind="phrase", value="crypto", action="hold")
    _post_comment(client, post, comment_data(post, body="Thoughts on crypto?"))
    assert _status() == ("pending", "Held: blocked phrase “crypto”.")


def test_a_spam_entry_wins_over_a_hold_entry(client, post, comment_data):
    """When both lists match, the comment goes to spam."""
    BlockedTerm.objects.create(kind="phrase", value="crypto", action="hold")
    BlockedTerm.objects.create(kind="email", value="@spam.example", action="spam")
    _post_comment(client, post, comment_data(post, body="crypto", author_email="x@spam.example"))
    assert _status()[0] == "spam"


def test_blocklist_does_not_catch_innocent_comments(client, post, comment_data):
    """Entries match only what they name."""
    BlockedTerm.objects.create(kind="email", value="@spam.example")
    BlockedTerm.objects.create(kind="ip", value="203.0.113.0/24")
    BlockedTerm.objects.create(kind="ip", value="2001:db8::/32")
    _post_comment(client, post, comment_data(post, author_email="me@notspam.example.org"))
    assert _status()[0] == "pending"


KNOWN = "Known commenter: an earlier comment was approved."


def test_a_browser_with_an_approved_comment_is_trusted(client, post, comment_data, settings):
    """The browser that wrote an approved comment (its signed cookie) is auto-approved."""
    _post_comment(client, post, comment_data(post, author_email="Known@Example.net"))
    assert "commenter" in client.cookies
    Comment.objects.update(status="approved")
    _post_comment(client, post, comment_data(post, author_email="known@example.net"))
    assert _status(Comment.objects.latest("pk")) == ("approved", KNOWN)
    settings.COMMENTS_AUTO_APPROVE_KNOWN = False
    _post_comment(client, post, comment_data(post, author_email="known@example.net"))
    assert Comment.objects.latest("pk").status == "pending"


def test_typing_a_regulars_name_and_email_proves_nothing(client, post, comment_data):
    """Another browser with the same name and email waits, and so do its copies."""
    _post_comment(client, post, comment_data(post, author_email="regular@example.net"))
    Comment.objects.update(status="approved")
    impostor = Client()
    for _ in range(3):
        data = comment_data(post, author_email="regular@example.net", body="Buy cheap now")
        impostor.post(f"/posts/{post.slug}/comment/", data)
    assert list(Comment.objects.order_by("pk").values_list("status", flat=True)) == [
        "approved",
        "pending",  # the two copies of the same text were refused as duplicates
    ]


def test_a_forged_browser_cookie_is_not_trusted(client, post, comment_data):
    """The browser cookie is signed: a copied value that is not ours proves nothing."""
    _post_comment(client, post, comment_data(post))
    Comment.objects.update(status="approved")
    impostor = Client()
    impostor.cookies["commenter"] = client.cookies["commenter"].value + "x"
    impostor.post(f"/posts/{post.slug}/comment/", comment_data(post))
    assert Comment.objects.latest("pk").status == "pending"


def test_an_account_with_an_approved_comment_is_trusted(
    client, post, comment_data, django_user_model
):
    """A logged-in account vouches for itself, wherever it logs in; not for someone else."""
    user = django_user_model.objects.create_user("mo", email="mo@example.org", password="pw")
    client.force_login(user)
    _post_comment(client, post, comment_data(post))
    assert Comment.objects.get().status == "pending"
    Comment.objects.update(status="approved")
    elsewhere = Client()
    elsewhere.force_login(user)
    elsewhere.post(f"/posts/{post.slug}/comment/", comment_data(post))
    assert _status(Comment.objects.latest("pk")) == ("approved", KNOWN)
    anonymous = Client()
    anonymous.post(
        f"/posts/{post.slug}/comment/",
        comment_data(post, author_name=user.username, author_email="mo@example.org"),
    )
    assert Comment.objects.latest("pk").status == "pending"


def test_rejected_history_does_not_auto_approve(client, post, comment_data):
    """Only approved comments earn trust."""
    _post_comment(client, post, comment_data(post))
    Comment.objects.update(status="rejected")
    _post_comment(client, post, comment_data(post))
    assert Comment.objects.latest("pk").status == "pending"


def test_auto_approved_comment_jumps_to_its_anchor(client, post, comment_data):
    """An auto-approved comment is published and the reader lands on it."""
    _post_comment(client, post, comment_data(post))
    Comment.objects.update(status="approved")
    response = _post_comment(client, post, comment_data(post))
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


# --- Duplicates -----------------------------------------------------------------------------------


def test_a_duplicate_comment_is_refused_with_a_clear_message(client, post, comment_data):
    """The same text again (spacing and case aside) is refused, kept in the form, stored once."""
    _post_comment(client, post, comment_data(post, body="Great  point,\nwell made."))
    response = _post_comment(client, post, comment_data(post, body="great point, WELL made. "))
    assert response.status_code == 400
    html = response.content.decode()
    assert "You have already posted this comment here" in html
    assert "great point, WELL made." in html
    assert Comment.objects.count() == 1


def test_the_same_text_from_someone_else_or_later_is_not_a_duplicate(
    client, post, comment_data, settings
):
    """Duplicates are per commenter and within the window."""
    _post_comment(client, post, comment_data(post, body="+1"))
    _post_comment(client, post, comment_data(post, body="+1", author_email="bo@example.net"))
    assert Comment.objects.count() == 2
    settings.COMMENTS_DUPLICATE_WINDOW = 0
    _post_comment(client, post, comment_data(post, body="+1"))
    assert Comment.objects.count() == 3


def test_a_double_clicked_submit_stores_one_comment(client, post, comment_data):
    """The same form sent twice lands on the one stored comment, with no error."""
    data = comment_data(post, body="Sent twice by an eager finger.")
    first = _post_comment(client, post, data)
    second = _post_comment(client, post, data)
    comment = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert second["Location"].endswith(f"#comment-{comment.pk}")
