import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment

pytestmark = pytest.mark.django_db


def _ids_in_order(html):
    return [int(n) for n in re.findall(r'<li class="comment[^"]*" id="comment-(\d+)"', html)]


def _at(minutes):
    return timezone.now() - timedelta(days=1) + timedelta(minutes=minutes)


def test_thread_order_and_nesting(client, post, make_comment):
    """Top-level comments oldest first; each reply nested under its parent, oldest first."""
    first = make_comment(post, created_at=_at(1))
    second = make_comment(post, created_at=_at(2))
    reply_b = make_comment(post, parent=first, created_at=_at(5))
    reply_a = make_comment(post, parent=first, created_at=_at(3))
    nested = make_comment(post, parent=reply_a, created_at=_at(4))
    html = client.get(post.get_absolute_url()).content.decode()
    assert _ids_in_order(html) == [first.pk, reply_a.pk, nested.pk, reply_b.pk, second.pk]
    first_block = html[
        html.index(f'id="comment-{first.pk}"') : html.index(f'id="comment-{second.pk}"')
    ]
    assert first_block.count('<ol class="children">') == 2
    assert "5 Responses" in html


def test_comment_shows_author_date_permalink_and_reply_link(client, post, make_comment):
    """Each comment has its author (linked only with a website), date, anchor and Reply link."""
    linked = make_comment(post, author_name="Ines", author_url="https://ines.example/")
    plain = make_comment(post, author_name="Olu")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<a href="https://ines.example/" rel="nofollow ugc noopener"><bdi>Ines</bdi></a>' in html
    assert f'id="comment-{plain.pk}-author"><bdi>Olu</bdi></span>' in html
    assert f'href="{post.get_absolute_url()}#comment-{linked.pk}"' in html
    assert f'href="{post.get_absolute_url()}?replyto={linked.pk}#respond"' in html
    assert "ines@" not in html
    assert plain.author_email not in html


@pytest.mark.parametrize(
    ("count", "heading"), [(0, "No responses yet"), (1, "1 Response"), (8, "8 Responses")]
)
def test_heading_counts_approved_comments(client, post, make_comment, count, heading):
    """The heading counts approved comments only."""
    for _ in range(count):
        make_comment(post)
    for status in ("pending", "rejected", "spam"):
        make_comment(post, status=status)
    assert heading in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_unapproved_comments_are_invisible_everywhere(client, post, make_comment, status):
    """Pending, rejected and spam comments appear on no page, count or feed."""
    hidden = make_comment(post, status=status, body="Hidden words here")
    for url in [post.get_absolute_url(), "/", "/feed/", post.author.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "Hidden words here" not in html
        assert f"comment-{hidden.pk}" not in html
    assert "No responses yet" in client.get("/").content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_home_counts_are_approved_only_at_no_extra_query(
    client, make_post, make_comment, django_assert_max_num_queries
):
    """The home page shows approved counts without a query per post."""
    posts = [make_post() for _ in range(6)]
    for index, post in enumerate(posts):
        for _ in range(index):
            make_comment(post)
        make_comment(post, status="pending")
    with django_assert_max_num_queries(3):
        html = client.get("/").content.decode()
    assert "5 Responses" in html
    assert "1 Response" in html
    assert "No responses yet" in html


def test_replyto_renders_the_form_under_that_comment(client, post, make_comment):
    """Without JavaScript, ?replyto=<id> shows the form under the comment, parent set."""
    target = make_comment(post, author_name="Kemi")
    later = make_comment(post)
    html = client.get(f"{post.get_absolute_url()}?replyto={target.pk}").content.decode()
    form_at = html.index('id="respond"')
    assert (
        html.index(f'id="comment-{target.pk}"') < form_at < html.index(f'id="comment-{later.pk}"')
    )
    assert f'name="parent" value="{target.pk}"' in html
    assert "Reply to <bdi>Kemi</bdi>" in html
    assert "Cancel reply" in html
    assert html.count('id="respond"') == 1


@pytest.mark.parametrize("replyto", ["²", "9" * 5000, "-1", "abc", "", "99999999"])
def test_odd_replyto_values_show_the_plain_form(client, post, make_comment, replyto):
    """A hand-edited ?replyto= never breaks the page: the form simply starts a new thread."""
    make_comment(post)
    response = client.get(post.get_absolute_url(), {"replyto": replyto})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Leave a response" in html
    assert 'name="parent" value' not in html


def test_replyto_a_hidden_comment_shows_the_plain_form(client, post, make_comment):
    """Nobody is offered a reply to a comment they cannot see."""
    root = make_comment(post, status="rejected")
    make_comment(post, parent=root)
    html = client.get(post.get_absolute_url(), {"replyto": root.pk}).content.decode()
    assert "Leave a response</h3>" in html
    assert f'name="parent" value="{root.pk}"' not in html


def test_removed_comment_keeps_its_approved_replies_in_place(client, post, make_comment):
    """Rejecting a comment after its replies were approved leaves a placeholder, not a hole."""
    first = make_comment(post, created_at=_at(0))
    root = make_comment(post, body="Words a moderator removed", created_at=_at(1))
    reply = make_comment(post, parent=root, body="A reply worth keeping", created_at=_at(2))
    nested = make_comment(post, parent=reply, created_at=_at(3))
    root.status = "spam"
    root.save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert _ids_in_order(html) == [first.pk, root.pk, reply.pk, nested.pk]
    assert "This comment was removed." in html
    assert "Words a moderator removed" not in html
    assert root.author_name not in html
    assert f"replyto={root.pk}" not in html
    assert "A reply worth keeping" in html
    assert "3 Responses" in html


def test_own_comment_removed_after_replies_is_a_placeholder_for_its_author_too(
    client, post, comment_data, make_comment
):
    """The author's session does not bring back a comment a moderator removed."""
    url = f"/posts/{post.slug}/comment/"
    client.post(url, comment_data(post, body="Mine, later rejected"), follow=True)
    mine = Comment.objects.get()
    mine.status = "approved"
    mine.save()
    make_comment(post, parent=mine, body="An approved reply")
    mine.status = "rejected"
    mine.save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "This comment was removed." in html
    assert "Mine, later rejected" not in html
    assert "awaiting moderation" not in html
    assert "An approved reply" in html


def test_hidden_comment_without_visible_replies_leaves_no_placeholder(client, post, make_comment):
    root = make_comment(post, status="rejected")
    make_comment(post, parent=root, status="spam")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "This comment was removed." not in html
    assert _ids_in_order(html) == []


def test_permalink_counts_threads_kept_by_their_replies(client, post, make_comment, settings):
    """A removed comment that keeps its thread on the page still takes its place in paging."""
    settings.COMMENTS_PER_PAGE = 1
    removed = make_comment(post, status="rejected", created_at=_at(0))
    make_comment(post, parent=removed, created_at=_at(1))
    later = make_comment(post, created_at=_at(2))
    response = client.get(later.get_absolute_url())
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2#comment-{later.pk}"
    assert f'id="comment-{later.pk}"' in client.get(response["Location"]).content.decode()


def test_replies_nest_under_their_parent_whatever_their_timestamps(client, post, make_comment):
    """Imported or clock-skewed replies may predate their parent; they still nest under it."""
    root = make_comment(post, created_at=_at(10))
    reply = make_comment(post, parent=root, created_at=_at(12))
    nested = make_comment(post, parent=reply, created_at=_at(11))
    html = client.get(post.get_absolute_url()).content.decode()
    assert _ids_in_order(html) == [root.pk, reply.pk, nested.pk]
    reply_block = html[html.index(f'id="comment-{reply.pk}"') :]
    assert reply_block.index('<ol class="children">') < reply_block.index(
        f'id="comment-{nested.pk}"'
    )


def test_pagination_by_top_level_comments(client, post, make_comment, settings):
    """Long discussions paginate by top-level comments, replies staying with their thread."""
    settings.COMMENTS_PER_PAGE = 2
    tops = [make_comment(post, created_at=_at(i)) for i in range(5)]
    reply = make_comment(post, parent=tops[2], created_at=_at(10))
    deep = make_comment(post, parent=reply, created_at=_at(11))
    page1 = client.get(post.get_absolute_url()).content.decode()
    assert _ids_in_order(page1) == [tops[0].pk, tops[1].pk]
    url = post.get_absolute_url()
    assert f'href="{url}?cpage=2#comments"' in page1
    assert "7 Responses" in page1
    page2 = client.get(f"{post.get_absolute_url()}?cpage=2").content.decode()
    assert _ids_in_order(page2) == [tops[2].pk, reply.pk, deep.pk, tops[3].pk]
    assert f'href="{url}?cpage=1#comments"' in page2
    assert f'href="{url}?cpage=3#comments"' in page2
    assert f'href="{url}?replyto={deep.pk}&amp;cpage=2#respond"' in page2


def test_permalink_lands_on_the_right_page(client, post, make_comment, settings):
    """A permalink to a reply deep in page 3 redirects to page 3 at its anchor."""
    settings.COMMENTS_PER_PAGE = 2
    tops = [make_comment(post, created_at=_at(i)) for i in range(6)]
    reply = make_comment(post, parent=tops[4], created_at=_at(20))
    deeper = make_comment(post, parent=reply, created_at=_at(21))
    response = client.get(deeper.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{deeper.pk}"
    first = client.get(tops[0].get_absolute_url())
    assert first["Location"] == f"{post.get_absolute_url()}#comment-{tops[0].pk}"
    assert f'id="comment-{deeper.pk}"' in client.get(response["Location"]).content.decode()


def test_own_pending_comment_is_visible_only_in_its_session(client, post, comment_data):
    """The commenter sees their pending comment in place; another browser doesn't."""
    client.post(f"/posts/{post.slug}/comment/", comment_data(post, body="Mine, pending"))
    comment = Comment.objects.get()
    assert "Mine, pending" in client.get(post.get_absolute_url()).content.decode()
    assert client.get(comment.get_absolute_url()).status_code == 302
    stranger = Client()
    assert "Mine, pending" not in stranger.get(post.get_absolute_url()).content.decode()
    assert stranger.get(comment.get_absolute_url()).status_code == 404


def _thread(post, make_comment, count):
    """A discussion of ``count`` comments, five levels deep in places."""
    made = 0
    while made < count:
        parent = make_comment(post)
        made += 1
        for _ in range(min(4, count - made)):
            parent = make_comment(post, parent=parent)
            made += 1


def test_post_page_query_count_is_the_same_for_5_and_500_comments(
    client, make_post, make_comment, django_assert_num_queries, settings
):
    """Rendering a thread costs a fixed number of queries, whatever its size."""
    settings.COMMENTS_PER_PAGE = 500
    small, large = make_post(), make_post()
    _thread(small, make_comment, 5)
    _thread(large, make_comment, 500)
    # Post with its author and discussion row (read once for the cache key and the page),
    # tags, media, comment counts, top-level count, top-level page, replies.
    with django_assert_num_queries(7):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(7):
        html = client.get(large.get_absolute_url()).content.decode()
    assert html.count('class="comment"') == 500
