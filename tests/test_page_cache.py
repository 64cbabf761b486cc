"""The post page's shared part is cached: never stale, and never another reader's."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import NamedTuple

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import MediaEmbed, Post, Tag
from comments.models import Comment, Discussion

pytestmark = pytest.mark.django_db

Status = Comment.Status
CLOSED = "Comments are closed."
FORM_TITLE = "Leave a response"
MODERATOR_CONTROLS = ['value="approve">Approve</button>', "moderator-bar", "Close comments now"]


def read(browser, post, **headers):
    return browser.get(post.get_absolute_url(), headers=headers)


def text(response):
    return response.content.decode()


def visit(post, *browsers):
    """Each browser reads the page twice, in turn (the second read from the cache when it
    may be); the last page each one saw, by browser."""
    pages = {}
    for browser in browsers:
        read(browser, post)
        pages[browser] = text(read(browser, post))
    return pages


def logged_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def comment_url(post):
    return f"/posts/{post.slug}/comment/"


def act_in_admin(browser, comment, action):
    """A one-click action on the comment's row in the admin's queue."""
    return browser.post(f"/admin/comments/comment/{comment.pk}/act/", {"action": action})


def decide(browser, comment, action):
    """A moderator's button under the comment on the post page."""
    return browser.post(f"/comments/{comment.pk}/moderate/", {"action": action})


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("rita", password="pw")


@pytest.fixture
def site(
    post, author, moderator, reader, admin_client, make_comment, comment_data, post_change_form
):
    """The post and the people who change what its page shows, each in their own browser."""
    return SimpleNamespace(
        post=post,
        author=author,
        make_comment=make_comment,
        comment_data=comment_data,
        post_change_form=post_change_form,
        moderating=logged_in(moderator),
        writing=logged_in(author.user),
        reading=logged_in(reader),
        reader=reader,
        superuser=admin_client,
    )


# --- The shared part is reused ----------------------------------------------------------------


def test_a_second_reading_reuses_the_shared_part(
    client, post, make_comment, django_assert_max_num_queries
):
    """Read again, the page costs one query (the post with its discussion row) and still
    shows every comment; the first reading renders it."""
    top = make_comment(post)
    comments = [top, make_comment(post, parent=top), make_comment(post)]
    with CaptureQueriesContext(connection) as first:
        read(client, post)
    assert len(first) > 1
    with django_assert_max_num_queries(1):
        page = text(read(client, post))
    for comment in comments:
        assert f'id="comment-{comment.pk}"' in page
        assert comment.body in page
    assert "3 Responses" in page


def test_with_the_cache_off_every_reading_renders(
    client, post, make_comment, settings, django_assert_num_queries
):
    """PAGE_CACHE_SECONDS = 0: the second reading costs what the first did, and what was
    cached before the cache was turned off is not served."""
    make_comment(post)
    read(client, post)  # cached while the cache is on
    settings.PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as first:
        read(client, post)
    assert len(first) > 2
    with django_assert_num_queries(len(first)):
        read(client, post)


# --- Every change shows at once ---------------------------------------------------------------


class Change(NamedTuple):
    act: object  # () -> the actor's response
    gone: str  # on the page before, not after
    shown: str  # on the page after, not before


CHANGES = {}


def change(setup):
    """Register ``setup(site) -> Change``: the state before, then the actor's request."""
    CHANGES[setup.__name__] = setup
    return setup


def approved(site, body):
    return site.make_comment(site.post, body=body)


@change
def approving(site):
    comment = site.make_comment(site.post, status=Status.PENDING, body="Waiting for a yes.")
    return Change(
        lambda: decide(site.moderating, comment, "approve"), "No responses yet", comment.body
    )


@change
def rejecting(site):
    comment = approved(site, "Soon rejected.")
    return Change(
        lambda: decide(site.moderating, comment, "reject"), comment.body, "No responses yet"
    )


@change
def marking_spam(site):
    comment = approved(site, "Soon called spam.")
    return Change(
        lambda: act_in_admin(site.moderating, comment, "spam"),
        comment.body,
        "No responses yet",
    )


@change
def moving_to_the_trash(site):
    comment = approved(site, "Soon in the trash.")
    return Change(
        lambda: site.moderating.post(
            f"/admin/comments/comment/{comment.pk}/remove/", {"replies": "keep"}
        ),
        comment.body,
        "No responses yet",
    )


@change
def restoring(site):
    comment = approved(site, "Back from the spam.")
    decide(site.moderating, comment, "spam")
    return Change(
        lambda: decide(site.moderating, comment, "restore"), "No responses yet", comment.body
    )


@change
def replying_from_the_admin(site):
    comment = approved(site, "A question for the staff.")
    return Change(
        lambda: site.moderating.post(
            f"/admin/comments/comment/{comment.pk}/reply/", {"body": "The staff answers."}
        ),
        "1 Response",
        "The staff answers.",
    )


@change
def unapproving(site):
    comment = approved(site, "Soon sent back.")
    return Change(
        lambda: act_in_admin(site.moderating, comment, "unapprove"),
        comment.body,
        "No responses yet",
    )


@change
def closing(site):
    return Change(
        lambda: site.moderating.post(
            f"/posts/{site.post.slug}/discussion/", {"action": "close", "reason": "Done."}
        ),
        FORM_TITLE,
        CLOSED,
    )


@change
def reopening(site):
    site.moderating.post(f"/posts/{site.post.slug}/discussion/", {"action": "close"})
    return Change(
        lambda: site.superuser.post(
            f"/admin/blog/post/{site.post.pk}/discussion/", {"action": "reopen"}
        ),
        CLOSED,
        FORM_TITLE,
    )


@change
def editing_the_post(site):
    form = site.post_change_form(site.post, title="A title for today")
    return Change(
        lambda: site.writing.post(f"/admin/blog/post/{site.post.pk}/change/", form),
        site.post.title,
        "A title for today",
    )


@change
def renaming_the_author(site):
    author = site.author
    form = {"user": author.user_id, "display_name": "Mara Quill", "slug": author.slug}
    return Change(
        lambda: site.superuser.post(f"/admin/blog/author/{author.pk}/change/", form),
        f"{author.display_name}</a>",
        "Mara Quill</a>",
    )


@change
def renaming_a_tag(site):
    tag = Tag.objects.create(name="Rivers", slug="rivers")
    site.post.tags.add(tag)
    return Change(
        lambda: site.superuser.post(
            f"/admin/blog/tag/{tag.pk}/change/", {"name": "Streams", "slug": "rivers"}
        ),
        ">Rivers</a>",
        ">Streams</a>",
    )


@change
def changing_related_media(site):
    post = site.post
    media = MediaEmbed.objects.create(post=post, url="https://example.org/map", title="Old map")
    form = site.post_change_form(
        post,
        **{
            "media-TOTAL_FORMS": "1",
            "media-INITIAL_FORMS": "1",
            "media-0-id": media.pk,
            "media-0-post": post.pk,
            "media-0-url": media.url,
            "media-0-position": "0",
            "media-0-title": "New map",
        },
    )
    return Change(
        lambda: site.writing.post(f"/admin/blog/post/{post.pk}/change/", form),
        "Old map",
        "New map",
    )


@change
def posting_a_comment_approved_at_once(site):
    site.make_comment(site.post, user=site.reader, body="An earlier, approved one.")
    data = site.comment_data(site.post, body="Published at once.")
    return Change(
        lambda: site.reading.post(comment_url(site.post), data), "1 Response", "Published at once."
    )


@pytest.mark.parametrize("setup", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_shows_at_the_next_reading(site, setup):
    """A reader who had the page (cached, and kept by the browser) gets the change at once:
    their If-None-Match is answered with the new page and a new ETag."""
    change = setup(site)
    browser = Client()
    read(browser, site.post)
    before = read(browser, site.post)
    assert change.gone in text(before)
    assert change.shown not in text(before)
    assert change.act().status_code == 302
    after = read(browser, site.post, if_none_match=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert change.gone not in text(after)
    assert change.shown in text(after)


def test_a_scheduled_close_shows_when_its_time_comes(
    client, post, make_comment, django_assert_max_num_queries
):
    """The page closes by the clock, with nothing written."""
    closes_at = timezone.now() + timedelta(seconds=2)
    Discussion.objects.create(post=post, closes_at=closes_at)
    make_comment(post)
    read(client, post)
    with django_assert_max_num_queries(1):
        before = read(client, post)
    assert FORM_TITLE in text(before)
    time.sleep(max(0, (closes_at - timezone.now()).total_seconds()) + 0.1)
    after = read(client, post, if_none_match=before["ETag"])
    assert after.status_code == 200
    assert CLOSED in text(after)
    assert FORM_TITLE not in text(after)


# --- Conditional GET --------------------------------------------------------------------------


def test_a_reader_who_logs_in_is_not_answered_with_their_visitors_page(client, post, reader):
    """The ETag names the reader's cookies: logged in, they get the page that says so."""
    read(client, post)
    visitor = read(client, post)
    client.force_login(reader)
    member = read(client, post, if_none_match=visitor["ETag"])
    assert member.status_code == 200
    assert "Commenting as <strong><bdi>rita</bdi></strong>" in text(member)


def test_a_reader_given_the_right_to_edit_gets_the_edit_link(post, django_user_model):
    """Made an editor, a reader gets "Edit post" at once, not a 304 of the page they had:
    their rights decide a slot, and they change in the database, not in their cookies."""
    user = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    browser = logged_in(user)
    read(browser, post)
    before = read(browser, post)
    assert "Edit post" not in text(before)
    assert "ETag" not in before  # staff rights are not in their cookies: never a 304
    user.groups.add(Group.objects.get(name="Editors"))  # a superuser's decision in the admin
    after = read(browser, post)
    assert after.status_code == 200
    assert "Edit post" in text(after)


def test_a_revisit_with_nothing_changed_is_not_modified(client, post, make_comment):
    """The browser may keep the page, not a shared cache; unchanged, it is a 304."""
    make_comment(post)
    read(client, post)
    page = read(client, post)
    assert page["ETag"]
    assert set(page["Cache-Control"].split(", ")) == {"private", "no-cache"}
    again = read(client, post, if_none_match=page["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == page["ETag"]


def test_comments_held_for_moderation_leave_the_shared_part_in_place(
    client, post, make_comment, comment_data, django_assert_max_num_queries
):
    """A flood of comments awaiting moderation changes nothing readers see: the page stays
    cached (one query) and unchanged (304) while they arrive."""
    make_comment(post)
    read(client, post)
    page = read(client, post)
    for _ in range(3):
        sent = Client().post(comment_url(post), comment_data(post))
        assert sent.status_code == 302
    assert Comment.objects.filter(status=Status.PENDING).count() == 3
    with django_assert_max_num_queries(1):
        again = read(client, post, if_none_match=page["ETag"])
    assert again.status_code == 304


def test_clearing_held_comments_leaves_the_shared_part_in_place(
    client, post, make_comment, moderator, django_assert_max_num_queries
):
    """Sending held comments to spam or the trash changes nothing readers see either."""
    make_comment(post)
    held = [make_comment(post, status=Status.PENDING) for _ in range(3)]
    read(client, post)
    page = read(client, post)
    moderating = logged_in(moderator)
    for comment, action in zip(held, ["spam", "reject", "spam"], strict=True):
        assert decide(moderating, comment, action).status_code == 302
    with django_assert_max_num_queries(1):
        again = read(client, post, if_none_match=page["ETag"])
    assert again.status_code == 304
    assert decide(moderating, held[1], "approve").status_code == 302
    assert read(client, post, if_none_match=page["ETag"]).status_code == 200


def test_a_waiting_message_is_shown_never_answered_304(site, settings):
    """Right after posting, the reader gets the page with the message, whatever their
    browser kept; the next visit is conditional again."""
    settings.COMMENTS_EDIT_MINUTES = 0  # an editable comment ("Edit") keeps the page theirs
    site.make_comment(site.post, user=site.reader)  # so the next comment is published at once
    read(site.reading, site.post)
    kept = read(site.reading, site.post)
    site.reading.post(comment_url(site.post), site.comment_data(site.post))
    with_message = read(site.reading, site.post, if_none_match=kept["ETag"])
    assert with_message.status_code == 200
    assert "Thank you: your comment is published." in text(with_message)
    assert "ETag" not in with_message
    after = read(site.reading, site.post)
    assert "Thank you" not in text(after)
    assert read(site.reading, site.post, if_none_match=after["ETag"]).status_code == 304


# --- Never another reader's parts -------------------------------------------------------------


def csrf_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(response))[1]


def test_each_reader_posts_with_their_own_csrf_token(post, comment_data):
    """Two readers served from one cached page each get a token of their own, which works."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    read(first, post)
    pages = [read(first, post), read(second, post)]
    cookie = settings.CSRF_COOKIE_NAME
    assert first.cookies[cookie].value != second.cookies[cookie].value
    for browser, page in zip([first, second], pages, strict=True):
        data = comment_data(post, csrfmiddlewaretoken=csrf_token(page))
        assert browser.post(comment_url(post), data).status_code == 302


@pytest.mark.parametrize("remembered_first", [True, False], ids=["remembered-first", "other-first"])
def test_a_remembered_name_is_only_prefilled_for_its_reader(
    post, comment_data, moderator, remembered_first
):
    """The name a reader asked to be remembered never reaches another reader's form."""
    ada, other = Client(), Client()
    ada.post(comment_url(post), comment_data(post, author_name="Ada Kept", remember="on"))
    decide(logged_in(moderator), Comment.objects.get(), "approve")
    order = [ada, other] if remembered_first else [other, ada]
    pages = visit(post, *order)
    assert 'value="Ada Kept"' in pages[ada]
    assert 'value="Ada Kept"' not in pages[other]
    assert 'value="ada@example.net"' not in pages[other]


@pytest.mark.parametrize("writer_first", [True, False], ids=["writer-first", "other-first"])
def test_an_own_pending_comment_shows_to_its_writer_alone(post, comment_data, writer_first):
    """Awaiting moderation, a comment is on its writer's page and on no one else's."""
    writer, other = Client(), Client()
    writer.post(comment_url(post), comment_data(post, body="My own, held."))
    order = [writer, other] if writer_first else [other, writer]
    pages = visit(post, *order)
    assert "My own, held." in pages[writer]
    assert "Your comment is awaiting moderation." in pages[writer]
    assert "My own, held." not in pages[other]
    assert "awaiting moderation" not in pages[other]


def test_an_own_pending_comment_leaves_with_its_writer(
    post, comment_data, reader, django_user_model
):
    """On a shared computer, the next person (signed out, or another account) does not see
    the comment the last one left awaiting moderation."""
    # Not the post's author: their comments are published at once.
    browser = logged_in(django_user_model.objects.create_user("sam", password="pw", is_staff=True))
    browser.post(comment_url(post), comment_data(post, body="Mine, held."))
    assert "Mine, held." in text(read(browser, post))
    assert browser.post("/admin/logout/").status_code == 200  # the session cookie goes
    assert "Mine, held." not in text(read(browser, post))
    browser.force_login(reader)
    assert "Mine, held." not in text(read(browser, post))


@pytest.mark.parametrize("moderator_first", [True, False], ids=["moderator-first", "reader-first"])
def test_the_moderators_controls_stay_theirs(post, make_comment, moderator, moderator_first):
    """Pending comments and controls are the moderator's, whoever read the page first."""
    make_comment(post, body="Approved already.")
    make_comment(post, status=Status.PENDING, body="Held for a moderator.")
    moderating, reading = logged_in(moderator), Client()
    order = [moderating, reading] if moderator_first else [reading, moderating]
    pages = visit(post, *order)
    for page in pages.values():
        assert "Approved already." in page
    for sign in ["Held for a moderator.", *MODERATOR_CONTROLS]:
        assert sign in pages[moderating]
        assert sign not in pages[reading]


@pytest.mark.parametrize("author_first", [True, False], ids=["author-first", "reader-first"])
def test_the_edit_link_is_the_authors_alone(post, author, reader, author_first):
    """The post's author gets "Edit post"; a reader before or after them does not."""
    writing, reading = logged_in(author.user), logged_in(reader)
    order = [writing, reading] if author_first else [reading, writing]
    pages = visit(post, *order)
    assert "Edit post" in pages[writing]
    assert "Edit post" not in pages[reading]


@pytest.mark.parametrize(
    "unpublished",
    [{"status": Post.Status.DRAFT}, {"published_at": timezone.now() + timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_a_preview_is_its_staff_readers_alone(make_post, author, reader, unpublished):
    """A draft or scheduled post previewed by its author is kept by no cache and reaches
    no one else."""
    post = make_post(**unpublished)
    previewing = logged_in(author.user)
    for response in [read(previewing, post), read(previewing, post)]:
        assert "Preview — not published." in text(response)
        assert {"no-cache", "no-store"} <= set(response["Cache-Control"].split(", "))
        assert "ETag" not in response
    for browser in [Client(), logged_in(reader)]:
        assert read(browser, post).status_code == 404
