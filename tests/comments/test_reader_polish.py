"""Reader polish: avatars drawn here, oldest/newest order, the header's count, "in reply to"."""

import hashlib
import re
import runpy
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from comments import services
from comments.models import Comment
from comments.viewer import Viewer

pytestmark = pytest.mark.django_db

READER_COLD, READER_WARM, MODERATOR = 8, 1, 12


def _at(minutes):
    return timezone.now() - timedelta(days=1) + timedelta(minutes=minutes)


def _ids_in_order(html):
    return [int(n) for n in re.findall(r'<li class="comment[^"]*" id="comment-(\d+)"', html)]


def _block(html, comment):
    """The markup of ``comment``'s own article (its header, text and actions)."""
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start : html.index("</article>", start)]


def _avatar(html, comment):
    found = re.search(
        r'<span class="avatar avatar-hue-(\d+)" aria-hidden="true">(.*?)</span>',
        _block(html, comment),
    )
    return found and (int(found[1]), found[2])


def _page(client, post, query=""):
    response = client.get(f"{post.get_absolute_url()}{query}")
    assert response.status_code == 200
    return response.content.decode()


# --- Avatars -------------------------------------------------------------------------------------


def test_each_comment_has_an_avatar_drawn_from_its_name_with_no_request_elsewhere(
    client, post, make_comment
):
    """Initials on a colour from the name; a name keeps its colour; no image, no other host."""
    ines = make_comment(post, author_name="Ines  Ortega", created_at=_at(1))
    again = make_comment(post, author_name="Ines  Ortega", created_at=_at(2))
    one_word = make_comment(post, parent=ines, author_name="tomás", created_at=_at(3))
    long_name = make_comment(
        post, author_name="Dr. Bartholomew Featherstonehaugh-Whittingham", created_at=_at(4)
    )
    # An override character and an emoji are no letters; a name with none shows a "?".
    odd = make_comment(post, author_name="\u202eada 🚋 lovelace", created_at=_at(5))
    emoji = make_comment(post, author_name="🚋🚋", created_at=_at(6))
    html = _page(client, post)

    assert _avatar(html, ines)[1] == "IO"
    assert _avatar(html, again) == _avatar(html, ines)
    assert _avatar(html, one_word)[1] == "T"
    assert _avatar(html, long_name)[1] == "DF"
    assert _avatar(html, odd)[1] == "AL"
    assert _avatar(html, emoji)[1] == "?"
    assert all(0 <= _avatar(html, c)[0] < 12 for c in (ines, one_word, long_name, odd, emoji))
    assert len({_avatar(html, c)[0] for c in (ines, one_word, long_name, odd)}) > 1
    discussion = html[html.index('id="comments"') :]
    assert "<img" not in discussion
    assert "gravatar" not in html
    assert ines.author_email not in html


def test_staff_replies_and_placeholders(client, post, make_comment, moderator):
    """A moderator's "Staff" reply has its avatar; a removed comment's placeholder has none."""
    removed = make_comment(post, status="trash")
    make_comment(post, parent=removed)
    staff = services.reply_as_staff(make_comment(post), moderator, "Thanks, noted.")
    html = _page(client, post)
    assert 'class="comment-badge">Staff' in _block(html, staff)
    assert _avatar(html, staff)[1] == "M"  # "Moe"
    start = html.index(f'id="comment-{removed.pk}"')
    placeholder = html[start : html.index("</p>", start)]
    assert "This comment was removed." in placeholder
    assert "avatar" not in placeholder


def test_gravatar_covers_the_initials_when_turned_on(client, post, make_comment, settings):
    """With COMMENTS_GRAVATAR, a lazy, blank-by-default Gravatar image over the initials; the
    shared page rendered before the switch is not reused."""
    comment = make_comment(post, author_name="Ada Reader", author_email=" Ada@Example.NET ")
    assert "gravatar" not in _page(client, post)
    settings.COMMENTS_GRAVATAR = True
    html = _page(client, post)
    digest = hashlib.sha256(b"ada@example.net").hexdigest()
    image = re.search(r"<img [^>]+>", _block(html, comment))[0]
    assert f'src="https://gravatar.com/avatar/{digest}?s=64&amp;d=blank"' in image
    assert 'alt=""' in image
    assert 'loading="lazy"' in image
    assert 'width="32" height="32"' in image
    assert '<span class="avatar avatar-hue-' in _block(html, comment)
    assert "AR<img" in _block(html, comment)  # the initials stay beneath the picture


@pytest.mark.parametrize(("value", "allowed"), [(None, False), ("false", False), ("true", True)])
def test_the_policy_names_gravatar_only_when_it_is_on(monkeypatch, value, allowed):
    """config/settings.py adds Gravatar's origin to img-src only with COMMENTS_GRAVATAR on."""
    from comments.avatars import gravatar_url

    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    monkeypatch.delenv("COMMENTS_GRAVATAR", raising=False)
    if value is not None:
        monkeypatch.setenv("COMMENTS_GRAVATAR", value)
    loaded = runpy.run_path(str(django_settings.BASE_DIR / "config" / "settings.py"))
    sources = loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    origin = re.match(r"https://[^/]+", gravatar_url("a@example.net"))[0]
    assert loaded["COMMENTS_GRAVATAR"] is allowed
    assert (origin in sources) is allowed
    assert sources[:2] == ["'self'", "https:"]


# --- Order ---------------------------------------------------------------------------------------


@pytest.fixture
def threads(post, make_comment):
    """Three threads, the first with two replies written after the other threads."""
    first, second, third = (make_comment(post, created_at=_at(i)) for i in range(3))
    early = make_comment(post, parent=first, created_at=_at(10))
    late = make_comment(post, parent=first, created_at=_at(11))
    return first, second, third, early, late


def test_newest_first_turns_the_threads_not_the_replies(client, post, threads):
    """?csort=newest puts the newest thread first; replies inside it stay oldest first."""
    first, second, third, early, late = threads
    oldest = _page(client, post)
    newest = _page(client, post, "?csort=newest")
    assert _ids_in_order(oldest) == [first.pk, early.pk, late.pk, second.pk, third.pk]
    assert _ids_in_order(newest) == [third.pk, second.pk, first.pk, early.pk, late.pk]
    url = post.get_absolute_url()
    for html, current in ((oldest, "Oldest first"), (newest, "Newest first")):
        nav = re.search(r'<nav class="discussion-sort".*?</nav>', html, re.S)[0]
        assert re.findall(r'<a href="([^"]+)"( aria-current="true")?>([^<]+)</a>', nav) == [
            (
                f"{url}#comments",
                ' aria-current="true"' if current == "Oldest first" else "",
                "Oldest first",
            ),
            (
                f"{url}?csort=newest#comments",
                ' aria-current="true"' if current == "Newest first" else "",
                "Newest first",
            ),
        ]


def test_one_thread_offers_no_order(client, post, make_comment):
    """With a single thread there is nothing to order: no links."""
    make_comment(post)
    assert "discussion-sort" not in _page(client, post)
    make_comment(post)
    assert "discussion-sort" in _page(client, post)


@pytest.mark.parametrize("value", ["", "NEWEST", "newest ", "oldest", "latest", "ñ" * 300])
def test_an_unknown_order_means_oldest_first(client, post, threads, value):
    """Any other value of csort is the default order, with the default's links."""
    first, second, third, early, late = threads
    html = _page(client, post, f"?csort={value}")
    assert _ids_in_order(html) == [first.pk, early.pk, late.pk, second.pk, third.pk]
    assert "csort=newest&" not in html
    assert "&amp;csort" not in html


def test_pages_replies_and_cancel_carry_the_order_but_permalinks_do_not(
    client, post, make_comment, settings
):
    """Pagination, Reply and Cancel keep newest first; a comment's link names its lasting place."""
    settings.COMMENTS_PER_PAGE = 2
    tops = [make_comment(post, created_at=_at(i)) for i in range(5)]
    reply = make_comment(post, parent=tops[2], created_at=_at(10))
    url = post.get_absolute_url()

    page1 = _page(client, post, "?csort=newest")
    assert _ids_in_order(page1) == [tops[4].pk, tops[3].pk]
    assert f'href="{url}?cpage=2&amp;csort=newest#comments">Older comments →' in page1
    page2 = _page(client, post, "?cpage=2&csort=newest")
    assert _ids_in_order(page2) == [tops[2].pk, reply.pk, tops[1].pk]
    assert f'href="{url}?cpage=1&amp;csort=newest#comments">← Newer comments' in page2
    assert f'href="{url}?replyto={reply.pk}&amp;cpage=2&amp;csort=newest#respond"' in page2

    # Without JavaScript, Reply opens the form under the comment, in the same order.
    answering = _page(client, post, f"?replyto={reply.pk}&cpage=2&csort=newest")
    form_at = answering.index('id="respond"')
    assert answering.index(f'id="comment-{reply.pk}"') < form_at
    assert f'href="{url}?cpage=2&amp;csort=newest#respond">Cancel reply' in answering
    on_first = _page(client, post, f"?replyto={tops[4].pk}&csort=newest")
    assert f'href="{url}?csort=newest#respond">Cancel reply' in on_first

    # The comment's own link is its permalink, which leads to the default order's page.
    assert f'href="/comments/{reply.pk}/"><time' in page2
    assert client.get(f"/comments/{reply.pk}/")["Location"] == f"{url}?cpage=2#comment-{reply.pk}"
    oldest = _page(client, post)
    assert f'href="{url}#comment-{tops[0].pk}"><time' in oldest


def test_each_order_has_its_own_cached_page(
    client, post, threads, make_comment, django_assert_max_num_queries
):
    """The shared page is kept per order: each is reused, neither stands in for the other."""
    first, _, third, *_ = threads
    assert _ids_in_order(_page(client, post))[0] == first.pk
    assert _ids_in_order(_page(client, post, "?csort=newest"))[0] == third.pk
    for query, expected in (("", first.pk), ("?csort=newest", third.pk)):
        with django_assert_max_num_queries(READER_WARM):
            assert _ids_in_order(_page(client, post, query))[0] == expected
    newer = make_comment(post)
    assert _ids_in_order(_page(client, post, "?csort=newest"))[0] == newer.pk


def test_newest_first_reads_threads_with_the_same_plan_as_oldest_first(make_post):
    """The page of threads stays one indexed query in either order (only the direction turns)."""
    posts = [make_post() for _ in range(4)]
    statuses = list(Comment.Status)
    Comment.objects.bulk_create(
        Comment(
            post=posts[n % 4],
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.net",
            body="A thought.",
            body_html="<p>A thought.</p>",
            status=statuses[n % len(statuses)],
        )
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    threads = Comment.objects.filter(post=posts[0]).threads_visible_to(Viewer())
    oldest = threads[:50].explain()
    newest = threads.order_by("-created_at", "-id")[:50].explain()
    assert "Index" in newest

    def turned(plan):  # the plan read in the other direction
        return re.sub(r" (DESC|Backward)\b", "", plan)

    assert turned(newest) == turned(oldest)


# --- The post's header ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "label"), [(0, "No responses yet"), (1, "1 Response"), (3, "3 Responses")]
)
def test_the_header_counts_responses_and_jumps_to_them(client, post, make_comment, count, label):
    """The post's meta line links its count of published comments to the discussion."""
    for _ in range(count):
        make_comment(post)
    make_comment(post, status="pending")
    html = _page(client, post)
    start = html.index('<header class="post-header">')
    header = html[start : html.index("</header>", start)]
    assert f'<a class="jump-to-comments" href="#comments">{label}</a>' in header
    assert 'id="comments"' in html


# --- In reply to ---------------------------------------------------------------------------------


@pytest.fixture
def deepest(post, make_comment, settings):
    """A thread three levels deep, the most COMMENTS_MAX_DEPTH allows here; its deepest comment."""
    settings.COMMENTS_MAX_DEPTH = 3
    level1 = make_comment(post, author_name="Ines Ortega")
    level2 = make_comment(post, parent=level1, author_name="Tomas Berg")
    return make_comment(post, parent=level2, author_name="Lena Fry")


def _marker(html, comment):
    found = re.search(r'<span class="comment-in-reply-to">(.*?)</span>', _block(html, comment))
    return found and unescape(found[1])


def test_a_reply_to_the_deepest_level_says_whom_it_answers(
    client, post, deepest, comment_data, settings, moderator
):
    """Hung beside the comment it answers, a reply names it: "in reply to" its author, linked."""
    settings.COMMENTS_MIN_SECONDS = 0
    response = client.post(
        f"/posts/{post.slug}/comment/", comment_data(post, parent=str(deepest.pk))
    )
    assert response.status_code == 302
    reply = Comment.objects.latest("pk")
    assert (reply.parent_id, reply.in_reply_to_id) == (deepest.parent_id, deepest.pk)
    services.moderate(reply, "approve", by=moderator)
    html = _page(Client(), post)
    assert (
        _marker(html, reply)
        == f'in reply to <a href="#comment-{deepest.pk}"><bdi>Lena Fry</bdi></a>'
    )
    assert _marker(html, deepest) is None


def test_a_reply_under_the_comment_it_answers_has_no_marker(
    client, post, make_comment, comment_data, settings, moderator
):
    """Above the deepest level a reply nests under what it answers: no "in reply to"."""
    settings.COMMENTS_MIN_SECONDS = 0
    top = make_comment(post)
    client.post(f"/posts/{post.slug}/comment/", comment_data(post, parent=str(top.pk)))
    reply = Comment.objects.latest("pk")
    assert (reply.parent_id, reply.in_reply_to_id) == (top.pk, top.pk)
    services.moderate(reply, "approve", by=moderator)
    assert "comment-in-reply-to" not in _page(Client(), post)


def test_no_marker_names_a_comment_readers_cannot_see(
    client, post, deepest, make_comment, moderator
):
    """When the answered comment is removed, readers see no name of it, even where it stays as a
    placeholder (a reply from when threads went deeper); moderators see it."""
    make_comment(post, parent=deepest)  # written when COMMENTS_MAX_DEPTH was larger
    reply = services.reply_as_staff(deepest, moderator, "Both have a point.")
    assert _marker(_page(client, post), reply)
    services.moderate(deepest, "remove", by=moderator)
    html = _page(client, post)
    assert f'id="comment-{deepest.pk}"' in html  # its placeholder
    assert _marker(html, reply) is None
    assert "Lena Fry" not in html
    moderating = Client()
    moderating.force_login(moderator)
    assert _marker(_page(moderating, post, f"?reveal={deepest.pk}"), reply)


def test_an_imported_reply_to_the_deepest_level_is_hung_and_marked(client, post, deepest):
    """An imported reply follows the same rule as a posted one, and names whom it answers."""
    reply = services.import_comment(
        Comment(
            post=post,
            parent=deepest,
            author_name="Old Timer",
            author_email="old@example.net",
            body="From the old blog.",
            status="approved",
        ),
        "Imported.",
    )
    assert (reply.parent_id, reply.depth) == (deepest.parent_id, deepest.depth)
    assert "Lena Fry" in _marker(_page(client, post), reply)


# --- Query budgets -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?csort=newest"])
def test_the_post_page_keeps_its_query_budgets(
    client, post, deepest, make_comment, moderator, django_assert_max_num_queries, query
):
    """Avatars, order, header count and markers add no query: reader 8 then 1, moderator 12."""
    for _ in range(3):
        services.reply_as_staff(deepest, moderator, "Another sibling at the deepest level.")
    make_comment(post, status="pending")
    with django_assert_max_num_queries(READER_COLD):
        cold = _page(client, post, query)
    with django_assert_max_num_queries(READER_WARM):
        warm = _page(client, post, query)
    assert cold.count("comment-in-reply-to") == warm.count("comment-in-reply-to") == 3
    moderating = Client()
    moderating.force_login(moderator)
    with django_assert_max_num_queries(MODERATOR):
        html = _page(moderating, post, query)
    assert html.count('class="avatar ') == 7  # the pending comment's too
