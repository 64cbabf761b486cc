"""Bad input at the edges: charsets, NUL bytes, invisible text, bidi names, and fuzzing.

The property-based tests (hypothesis) throw arbitrary Unicode, sizes, repeated and missing
fields, forged tokens and odd parent ids at the comment endpoint and the admin's forms: the
answer is never a 500, and every stored comment is whole.
"""

import itertools
import re
import time
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.html import escape
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from blog.models import Post, Tag
from comments.forms import FORM_SALT
from comments.models import BlockedTerm, Comment, ModerationEvent
from comments.notifications import notify_pending_comment

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
COMMENTS = "/admin/comments/comment/"
# Right-to-left override: unisolated, it reverses whatever follows the name on its line.
RLO_NAME = "Ada\u202eKCAB"

# Each example is one request against the test's objects, which are made once per test: the
# function-scoped fixtures are meant to be shared by the examples.
EDGES = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def comment_url(post):
    return f"/posts/{post.slug}/comment/"


def csrf_browser():
    """A browser that CSRF checks apply to, holding a CSRF cookie; returns it and the token."""
    browser = Client(enforce_csrf_checks=True)
    secret = get_random_string(32)
    browser.cookies["csrftoken"] = secret
    return browser, secret


def issued(post, age=60):
    return signing.dumps({"post": post.pk, "at": time.time() - age}, salt=FORM_SALT)


def incomplete_comments():
    """Stored comments missing a part: sanitized HTML, a known status or their SUBMIT event."""
    submitted = ModerationEvent.objects.filter(
        comment=OuterRef("pk"), action=ModerationEvent.Action.SUBMIT
    )
    return Comment.objects.filter(
        Q(body_html="") | ~Q(status__in=Comment.Status.values) | ~Exists(submitted)
    )


# --- Charsets ----------------------------------------------------------------------------------

NOT_UTF8 = ["latin-1", "ISO-8859-1", "windows-1252", "utf-16", "utf8", "bogus", ""]


@pytest.mark.parametrize("charset", NOT_UTF8)
def test_a_comment_in_another_charset_is_refused_with_400(post, comment_data, charset):
    """A comment form declared in a charset other than UTF-8 gets a 400 page and stores nothing."""
    browser, token = csrf_browser()
    body = urlencode({**comment_data(post), "csrfmiddlewaretoken": token})
    response = browser.generic(
        "POST", comment_url(post), body, content_type=f"{FORM}; charset={charset}"
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_comment_declared_utf8_is_posted(post, comment_data):
    """Stating the charset the site speaks is fine: the comment is stored."""
    browser, token = csrf_browser()
    body = urlencode({**comment_data(post), "csrfmiddlewaretoken": token})
    response = browser.generic(
        "POST", comment_url(post), body, content_type=f"{FORM}; charset=UTF-8"
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("charset", NOT_UTF8)
def test_a_login_in_another_charset_is_refused_with_400(admin_user, charset):
    """The admin login answers such a form with a 400 page, and nobody is logged in."""
    browser, token = csrf_browser()
    body = urlencode({"username": "admin", "password": "password", "csrfmiddlewaretoken": token})
    response = browser.generic(
        "POST", "/admin/login/", body, content_type=f"{FORM}; charset={charset}"
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in browser.session
    utf8 = browser.generic("POST", "/admin/login/", body, content_type=f"{FORM}; charset=utf-8")
    assert utf8.status_code == 302  # the same form in UTF-8 logs in
    assert browser.session["_auth_user_id"] == str(admin_user.pk)


def test_a_multipart_form_in_another_charset_is_refused_with_400(post, comment_data):
    """A multipart form declared in latin-1 is refused the same way."""
    browser, token = csrf_browser()
    data = {**comment_data(post), "csrfmiddlewaretoken": token}
    body = "".join(
        f'--b\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in data.items()
    )
    response = browser.generic(
        "POST",
        comment_url(post),
        f"{body}--b--\r\n".encode("latin-1"),
        content_type="multipart/form-data; boundary=b; charset=latin-1",
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


# --- NUL bytes and values PostgreSQL refuses ---------------------------------------------------

NUL_URLS = [
    f"{COMMENTS}?author_name=%00",
    f"{COMMENTS}?body__contains=%00",
    f"{COMMENTS}?q=%00",
    f"{COMMENTS}?q=a%00b&status__exact=pending",
    "/admin/blog/post/?title=%00",
    "/admin/blog/post/?q=%00",
    "/admin/comments/blockedterm/?value=%00",
    "/admin/autocomplete/?term=%00&app_label=blog&model_name=post&field_name=tags",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_in_an_admin_filter_search_or_autocomplete_is_a_400(admin_client, post, url):
    """A NUL byte never reaches PostgreSQL from the admin's filters, search or autocomplete."""
    Tag.objects.create(name="cities", slug="cities")
    assert admin_client.get(url).status_code == 400
    assert admin_client.get(url.replace("%00", "x")).status_code == 200  # the same, without it


def test_every_admin_list_refuses_a_nul(admin_client):
    """Whatever the model, a NUL in a list's search, filter or parameter name is a 400."""
    models = [model for model in apps.get_models() if admin.site.is_registered(model)]
    assert {Comment, Post} <= set(models)
    for model in models:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in ({"q": "\x00"}, {"pk": "1\x00"}, {"\x00": "1"}):
            assert admin_client.get(url, query).status_code == 400, (model, query)


def test_a_nul_in_a_readers_query_string_is_a_400(client, post):
    """The rule holds on the public site too: a NUL in the query string is a 400."""
    assert client.get(post.get_absolute_url(), {"replyto": "\x00"}).status_code == 400
    assert client.get(post.get_absolute_url(), {"replyto": "1"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "author_name__regex=(",
        "body__iregex=[",
        "ip_address=not-an-address",
        "created_at__year=99999999999",
    ],
)
def test_a_filter_value_the_database_cannot_use_is_a_400(admin_client, post, make_comment, query):
    """An admin filter PostgreSQL or the column refuses is a 400, and the site goes on working."""
    make_comment(post)
    with transaction.atomic():  # one request, one transaction, as in production
        response = admin_client.get(f"{COMMENTS}?{query}")
    assert response.status_code == 400
    assert admin_client.get(COMMENTS).status_code == 200


# --- Text that shows nothing -------------------------------------------------------------------

INVISIBLE = [
    "\u200b\u200b\u200b",
    "\u200c\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u202e\u202c",
    "\u3164\u115f",
    " \u200b \n\u2800 \u3000",
    "\U000e0041\U000e0042",
    "\ufe0f",
]


@pytest.mark.parametrize("body", [*INVISIBLE, "&#8203;&nbsp;", "<!-- hello -->", "<em> </em>"])
def test_a_comment_that_shows_nothing_is_refused_with_its_text_kept(
    client, post, comment_data, body
):
    """A body of invisible characters, references to them or empty markup is refused, and kept."""
    response = client.post(comment_url(post), comment_data(post, body=body))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your comment would show no text" in html
    assert response.context["comment_form"]["body"].value() == body
    assert f">\n{escape(body)}</textarea>" in html  # the text is kept, to edit
    assert not Comment.objects.exists()


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_that_shows_nothing_is_refused(client, post, comment_data, name):
    """A name made only of invisible characters is refused, with a clear message."""
    response = client.post(comment_url(post), comment_data(post, author_name=name))
    assert response.status_code == 400
    assert "Your name shows no letters" in response.content.decode()
    assert not Comment.objects.exists()


def test_invisible_characters_inside_visible_text_are_kept(client, post, comment_data):
    """Zero-width characters between letters (as some scripts need) are accepted as typed."""
    data = comment_data(post, author_name="A\u200dda", body="Zero\u200bwidth, \u2060joined")
    assert client.post(comment_url(post), data).status_code == 302
    comment = Comment.objects.get()
    assert (comment.author_name, comment.body) == ("A\u200dda", "Zero\u200bwidth, \u2060joined")


# --- Names isolated from the text around them --------------------------------------------------


# What may open and close an isolated name: a <bdi> element, or FSI … PDI (as characters in
# plain text, as character references in an HTML attribute).
ISOLATES = [("<bdi>", "</bdi>"), ("\u2068", "\u2069"), ("&#x2068;", "&#x2069;")]


def unisolated(text, name):
    """The places where ``name`` appears without an isolate around it, with some context."""
    return [
        text[max(match.start() - 40, 0) : match.end() + 10]
        for match in re.finditer(re.escape(name), text)
        if not any(
            text[: match.start()].endswith(opening) and text.startswith(closing, match.end())
            for opening, closing in ISOLATES
        )
    ]


def test_a_readers_name_is_isolated_everywhere_on_the_page(client, post, make_comment):
    """Byline, reply and report link labels and "Reply to" heading all isolate the name from
    what follows."""
    comment = make_comment(post, author_name=RLO_NAME)
    html = client.get(post.get_absolute_url(), {"replyto": comment.pk}).content.decode()
    assert f'aria-label="Reply to &#x2068;{RLO_NAME}&#x2069;"' in html
    assert f'aria-label="Report the comment by &#x2068;{RLO_NAME}&#x2069;"' in html
    assert f"Reply to <bdi>{RLO_NAME}</bdi></h3>" in html
    assert html.count(RLO_NAME) == 4
    assert unisolated(html, RLO_NAME) == []


def test_the_moderation_email_isolates_the_name(post, make_comment, moderator, mailoutbox):
    """The plain-text email wraps the name in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE."""
    comment = make_comment(post, author_name=RLO_NAME, status=Comment.Status.PENDING)
    notify_pending_comment(comment.pk, "http://testserver")
    body = mailoutbox[0].body
    assert body.startswith(f"\u2068{RLO_NAME}\u2069 commented on “{post.title}”")
    assert unisolated(body, RLO_NAME) == []


def test_the_admin_isolates_names_in_its_cells_and_pages(admin_client, post, make_comment):
    """The queue, a reply's page, the block page and the trash confirmations isolate names."""
    parent = make_comment(post, author_name=RLO_NAME, body="\u202eBridges")
    reply = make_comment(post, parent=parent, author_name="Kemi\u202b")
    queue = admin_client.get(COMMENTS).content.decode()
    assert f"<strong><bdi>{RLO_NAME}</bdi></strong>" in queue
    assert f"In reply to <bdi>{RLO_NAME}</bdi>: “<bdi>\u202eBridges</bdi>”" in queue
    assert f"<bdi>{parent.author_email}</bdi>" in queue
    page = admin_client.get(f"{COMMENTS}{reply.pk}/change/").content.decode()
    assert f"<bdi>{RLO_NAME}</bdi> wrote: “<bdi>\u202eBridges</bdi>”" in page
    block = admin_client.get(f"{COMMENTS}{parent.pk}/block/").content.decode()
    assert f"Block <bdi>{RLO_NAME}</bdi> by" in block
    remove = admin_client.get(f"{COMMENTS}{parent.pk}/remove/").content.decode()
    assert f"<li><bdi>{RLO_NAME}</bdi>:" in remove


# --- Property-based: what is thrown ------------------------------------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
BIG_TEXT = st.integers(min_value=90, max_value=12_000).map(lambda n: "ab\u202e\u200b " * n)
TEXT = st.one_of(ANY_TEXT, BIG_TEXT, st.integers().map(str), st.just(""))
# A field may come once, several times (the last counts), or not at all.
VALUE = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3))
ODD_NUMBERS = st.integers(min_value=-(2**70), max_value=2**70).map(str)
SMALL_COUNTS = st.integers(min_value=-3, max_value=5).map(str)
NO_NUMBER = ANY_TEXT.filter(lambda text: not text.strip().lstrip("+-").isdigit())


MISSING = object()
numbers = itertools.count(1)


def changes(**fields):
    """Up to three of ``fields`` replaced by what their strategy draws, or (MISSING) left out."""
    return st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True).flatmap(
        lambda names: st.fixed_dictionaries(
            {name: st.one_of(st.just(MISSING), fields[name]) for name in names}
        )
    )


def changed(data, changes):
    data = dict(data)
    for name, value in changes.items():
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = value
    return data


# --- Property-based: the comment endpoint ------------------------------------------------------


@st.composite
def submissions(draw):
    """A comment form as anything from a browser to a broken bot might send it: a valid form
    with some fields replaced by anything, repeated or left out, and any tokens and parent."""
    parent = draw(
        st.sampled_from(["none"] * 4 + ["approved", "pending", "other post", "deep", "odd"])
    )
    return {
        "changes": draw(
            changes(
                author_name=VALUE,
                author_email=st.one_of(VALUE, st.emails().map(str)),
                author_url=st.one_of(VALUE, st.just("https://example.org/\u202e")),
                body=VALUE,
                remember=VALUE,
                homepage_url=VALUE,
                anything_else=VALUE,
            )
        ),
        "issued": draw(
            st.sampled_from(["valid", "fresh", "expired", "other post", "forged", "missing"])
        ),
        "parent": draw(ODD_NUMBERS | ANY_TEXT) if parent == "odd" else parent,
        "csrf": draw(st.sampled_from(["valid"] * 5 + ["forged", "missing", "no cookie"])),
        "member": draw(st.booleans()),
    }


@pytest.fixture
def thread(post, make_post, make_comment):
    """Comments a reply may name: published, pending, on another post, at the deepest level."""
    other = make_post(title="Elsewhere")
    deep = make_comment(post)
    for _ in range(6):
        deep = make_comment(post, parent=deep)
    return {
        "approved": make_comment(post),
        "pending": make_comment(post, status=Comment.Status.PENDING),
        "other post": make_comment(other),
        "deep": deep,
        "other_post": other,
        "made_here": set(Comment.objects.values_list("pk", flat=True)),
    }


@EDGES
@given(submission=submissions())
def test_the_comment_endpoint_never_fails_and_never_stores_half_a_comment(
    post, thread, django_user_model, settings, submission
):
    """Whatever is sent, the answer is a redirect, a 400 with the text kept or a 403: never a 500;
    and every stored comment has its HTML, a status and its SUBMIT event."""
    settings.COMMENTS_RATE_LIMIT = 10**9  # the limit has its own tests; here it would hide all
    browser, secret = csrf_browser()
    valid = {
        "author_name": "Ada Reader",
        "author_email": "ada@example.net",
        "author_url": "",
        "body": f"A thought, number {next(numbers)}.",
        "homepage_url": "",
    }
    data = changed(valid, submission["changes"])
    tokens = {
        "valid": issued(post),
        "fresh": issued(post, age=0),
        "expired": issued(post, age=3 * 24 * 3600),
        "other post": issued(thread["other_post"]),
        "forged": issued(post)[:-2] + "xx",
    }
    if submission["issued"] in tokens:
        data["issued"] = tokens[submission["issued"]]
    parent = submission["parent"]
    if parent in thread:
        data["parent"] = str(thread[parent].pk)
    elif parent != "none":
        data["parent"] = parent
    csrf = submission["csrf"]
    if csrf == "no cookie":
        del browser.cookies["csrftoken"]
    if csrf != "missing":
        data["csrfmiddlewaretoken"] = secret if csrf != "forged" else get_random_string(32)
    if submission["member"]:
        member, _ = django_user_model.objects.get_or_create(username="member\u202e")
        browser.force_login(member)
    before = Comment.objects.count()

    with transaction.atomic():  # one request, one transaction, as in production
        response = browser.post(comment_url(post), data)

    assert response.status_code in {302, 400, 403}
    body = data.get("body")
    sent = body[-1] if isinstance(body, list) else body  # the last of repeated values counts
    stored = Comment.objects.count() - before
    if response.status_code == 302:
        assert stored in {0, 1}  # 0: the same form sent twice, kept once
        if stored:
            assert Comment.objects.latest("pk").body == sent.strip()
    if response.status_code == 400:  # the post page again, with the reader's text kept
        assert response.context["comment_form"]["body"].value() == sent
        assert stored == 0
    if response.status_code == 403:
        assert csrf != "valid"
        assert stored == 0
    event(f"answer {response.status_code}, stored {stored}")
    assert not incomplete_comments().exclude(pk__in=thread["made_here"]).exists()


# --- Property-based: the admin's lists ---------------------------------------------------------


@pytest.fixture
def superuser_browser(admin_user):
    """A new browser logged in as a superuser, for each example."""

    def browser():
        client = Client()
        client.force_login(admin_user)
        return client

    return browser


def _post_in_a_transaction(client, url, data):
    with transaction.atomic():  # one request, one transaction, as in production
        return client.post(url, data)


LOOKUP_FIELDS = ["author_name", "body", "ip_address", "created_at", "status", "depth", "post__id"]
LOOKUPS = ["", "__exact", "__icontains", "__regex", "__gt", "__in", "__isnull", "__year", "__range"]


@EDGES
@given(
    query=st.dictionaries(
        st.one_of(
            st.builds("{}{}".format, st.sampled_from(LOOKUP_FIELDS), st.sampled_from(LOOKUPS)),
            st.sampled_from(["q", "o", "p", "e", "all"]),
        ),
        st.one_of(ANY_TEXT, ODD_NUMBERS),
        min_size=1,
        max_size=3,
    ),
    term=ANY_TEXT,
)
def test_the_admin_lists_never_fail(post, make_comment, superuser_browser, query, term):
    """Any filter, search, ordering or page in the queue, or term in the tags autocomplete:
    a list, a redirect to it or a 400, never a 500."""
    make_comment(post, author_name="Reader \u202e", ip_address="203.0.113.9")
    browser = superuser_browser()
    with transaction.atomic():
        listed = browser.get(COMMENTS, query)
    with transaction.atomic():
        completed = browser.get(
            "/admin/autocomplete/",
            {"term": term, "app_label": "blog", "model_name": "post", "field_name": "tags"},
        )
    assert listed.status_code in {200, 302, 400}
    assert completed.status_code in {200, 400}
    event(f"list {listed.status_code}, autocomplete {completed.status_code}")


# --- Property-based: the admin's forms, as a superuser -----------------------------------------


@EDGES
@given(
    status=st.one_of(st.sampled_from(Comment.Status.values), VALUE),
    seen=st.one_of(st.sampled_from(Comment.Status.values), VALUE),
    junk=st.dictionaries(st.sampled_from(["body", "author_name", "_continue", "user"]), VALUE),
)
def test_the_comment_change_form_never_fails(
    post, make_comment, superuser_browser, status, seen, junk
):
    """A moderator's comment form with any status, seen status or extra field: never a 500,
    and the comment stays whole (a change of status is a logged decision)."""
    comment = make_comment(post, status=Comment.Status.PENDING)
    ModerationEvent.objects.create(
        post=post, comment=comment, action=ModerationEvent.Action.SUBMIT, to_state="pending"
    )
    response = _post_in_a_transaction(
        superuser_browser(),
        f"{COMMENTS}{comment.pk}/change/",
        {**junk, "status": status, "seen_status": seen},
    )
    assert response.status_code in {200, 302}
    event(f"answer {response.status_code}")
    comment.refresh_from_db()
    assert comment.status in Comment.Status.values
    assert comment.events.count() == (1 if comment.status == Comment.Status.PENDING else 2)
    assert not incomplete_comments().exists()


@EDGES
@given(
    changes=changes(
        kind=st.one_of(st.sampled_from(BlockedTerm.Kind.values), VALUE),
        value=st.one_of(
            VALUE, st.sampled_from(["10.0.0.0/8", "@Example.org ", "::1", "1.2.3.4/99"])
        ),
        action=st.one_of(st.sampled_from(BlockedTerm.Action.values), VALUE),
        note=VALUE,
    )
)
def test_the_blocklist_add_form_never_fails(superuser_browser, changes):
    """Adding a blocklist entry with any kind, value, action or note: never a 500, and what is
    stored is a valid entry."""
    valid = {"kind": "phrase", "value": f"buy now {next(numbers)}", "action": "spam", "note": ""}
    before = BlockedTerm.objects.count()
    response = _post_in_a_transaction(
        superuser_browser(), "/admin/comments/blockedterm/add/", changed(valid, changes)
    )
    assert response.status_code in {200, 302}
    assert BlockedTerm.objects.count() - before == (1 if response.status_code == 302 else 0)
    event(f"answer {response.status_code}")
    for term in BlockedTerm.objects.all():
        assert term.kind in BlockedTerm.Kind.values
        assert term.action in BlockedTerm.Action.values
        assert term.value
        assert term.value == term.value.strip()


@EDGES
@given(
    changes=changes(
        title=VALUE,
        slug=st.one_of(VALUE, st.just("a-slug")),
        author=st.one_of(VALUE, ODD_NUMBERS),
        standfirst=VALUE,
        body=VALUE,
        tags=st.one_of(VALUE, st.lists(st.one_of(ODD_NUMBERS, VALUE, st.just("²")), max_size=3)),
        status=st.one_of(st.sampled_from(Post.Status.values), VALUE),
        published_at_0=st.one_of(VALUE, st.sampled_from(["2024-02-30", "99999-01-01"])),
        published_at_1=st.one_of(VALUE, st.sampled_from(["25:61", "12:00"])),
        # Small counts or no number: a huge one draws Django's cap of 2,000 inline forms,
        # seconds per example.
        **{
            "media-TOTAL_FORMS": st.one_of(SMALL_COUNTS, NO_NUMBER),
            "media-INITIAL_FORMS": st.one_of(SMALL_COUNTS, NO_NUMBER, ODD_NUMBERS),
            "media-0-url": VALUE,
            "media-0-position": st.one_of(ODD_NUMBERS, VALUE),
        },
    )
)
def test_the_post_add_form_never_fails(author, superuser_browser, changes):
    """A new post with any title, slug, author, dates, tags or inline data: never a 500, and
    a post is stored whole or not at all."""
    number = next(numbers)
    valid = {
        "title": f"Title {number}",
        "slug": f"title-{number}",
        "author": str(author.pk),
        "standfirst": "A standfirst.",
        "body": "<p>A body.</p>",
        "status": "draft",
        "media-TOTAL_FORMS": "0",
        "media-INITIAL_FORMS": "0",
    }
    before = Post.objects.count()
    response = _post_in_a_transaction(
        superuser_browser(), "/admin/blog/post/add/", changed(valid, changes)
    )
    assert response.status_code in {200, 302}
    assert Post.objects.count() - before == (1 if response.status_code == 302 else 0)
    event(f"answer {response.status_code}")


@pytest.mark.parametrize("token", ["missing", "forged", "no cookie"])
@pytest.mark.parametrize("form", ["comment", "blocklist", "post"])
def test_the_admin_forms_refuse_a_missing_or_forged_csrf_token(
    admin_user, author, post, make_comment, form, token
):
    """Without the right CSRF token, an admin form changes nothing: a 403, never a 500."""
    comment = make_comment(post, status=Comment.Status.PENDING)
    url, data = {
        "comment": (f"{COMMENTS}{comment.pk}/change/", {"status": "approved"}),
        "blocklist": ("/admin/comments/blockedterm/add/", {"kind": "phrase", "value": "spam"}),
        "post": ("/admin/blog/post/add/", {"title": "T", "slug": "t", "author": author.pk}),
    }[form]
    browser, secret = csrf_browser()
    browser.force_login(admin_user)
    if token == "no cookie":
        del browser.cookies["csrftoken"]
    if token != "missing":
        data["csrfmiddlewaretoken"] = secret if token == "no cookie" else get_random_string(32)
    assert browser.post(url, data).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not BlockedTerm.objects.exists()
    assert Post.objects.count() == 1


@pytest.mark.parametrize("tags", ["x", "1.5", "²", "٣"])
def test_the_post_form_is_redrawn_when_tags_are_no_ids(admin_client, author, tags):
    """Tags that are not ids are refused with the form redrawn, the author's text kept."""
    data = {"title": "Kept", "slug": "kept", "author": author.pk, "tags": tags}
    response = admin_client.post("/admin/blog/post/add/", {**data, "status": "draft"})
    assert response.status_code == 200
    assert response.context["adminform"].form["title"].value() == "Kept"
