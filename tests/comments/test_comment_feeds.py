"""Feeds of comments: one post's discussion and the whole site's, as readers see them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from comments import services
from comments.models import Comment

pytestmark = pytest.mark.django_db

SITE = "The Margin"
HIDDEN_STATUSES = ["pending", "rejected", "spam", "trash"]


def titles(feed):
    return [entry["title"] for entry in feed.entries]


def feed_of(post):
    return f"/posts/{post.slug}/comments/feed/"


def test_post_comments_feed_shows_the_discussion_as_readers_see_it(
    client, post, make_comment, moderator, atom
):
    """A post's feed has its approved comments, newest first, with replies kept under a
    removed comment but none of a sub-thread removed with its replies hidden."""
    first = make_comment(post, author_name="Ann")
    kept = make_comment(post, parent=first, author_name="Kept")
    removed_keep = make_comment(post)
    under_placeholder = make_comment(post, parent=removed_keep, author_name="Under")
    removed_hide = make_comment(post)
    hidden_reply = make_comment(post, parent=removed_hide)
    make_comment(post, parent=hidden_reply)  # deeper in the hidden sub-thread
    for status in HIDDEN_STATUSES:
        make_comment(post, status=status)
    make_comment(Post.objects.create(title="Other", slug="other", body="x", author=post.author))
    services.moderate(removed_keep, "remove", moderator, replies="keep")
    services.moderate(removed_hide, "remove", moderator, replies="hide")

    feed = atom(client.get(feed_of(post)))
    assert feed.title == f"{SITE}: comments on “An open discussion”"
    assert feed.links == {
        "alternate": f"http://testserver{post.get_absolute_url()}#comments",
        "self": f"http://testserver{feed_of(post)}",
    }
    assert feed.id == f"http://testserver{feed_of(post)}"
    name = "Comment by \u2068{}\u2069 on “An open discussion”"
    assert titles(feed) == [name.format("Under"), name.format("Kept"), name.format("Ann")]
    assert texts_on_page(client, post) == {c.body for c in (under_placeholder, kept, first)}


def texts_on_page(client, post):
    """The comments whose text a reader of the post's page sees."""
    html = client.get(post.get_absolute_url()).content.decode()
    return {comment.body for comment in Comment.objects.all() if comment.body in html}


def test_an_entry_is_the_comment_as_published_and_nothing_private(client, post, make_comment, atom):
    """An entry links the comment's permalink and carries its name, dates and stored HTML,
    escaped once; never the commenter's email, IP address or browser."""
    comment = make_comment(
        post,
        author_name="Zoë <b>",
        author_email="zoe@private.example",
        author_url="https://zoe.example/",
        ip_address="203.0.113.9",
        user_agent="SecretBrowser/1.0",
        body="<script>alert(1)</script> Fish & chips\n\nhttps://example.org",
    )
    comment.edited_at = comment.created_at + timedelta(minutes=3)
    comment.save()
    response = client.get(feed_of(post))
    [entry] = atom(response).entries
    url = f"http://testserver/comments/{comment.pk}/"
    assert (entry["id"], entry["link"]) == (url, url)
    assert entry["author"] == "Zoë <b>"
    assert entry["content"] == comment.body_html
    assert "&lt;script&gt;" in entry["content"]
    assert "<script>" not in entry["content"]
    assert entry["summary"] is None
    assert entry["published"] == comment.created_at.isoformat()
    assert entry["updated"] == comment.edited_at.isoformat()
    raw = response.content.decode()
    for private in ("zoe@private", "203.0.113.9", "SecretBrowser"):
        assert private not in raw
    assert "<script>" not in raw


@pytest.mark.parametrize("state", ["draft", "scheduled", "unknown"])
def test_no_comments_feed_for_a_post_readers_cannot_see(
    client, make_post, make_comment, author, state
):
    """A draft's or a scheduled post's comments feed is a 404, even for its author, as is an
    unknown slug's."""
    post = make_post(
        status=Post.Status.DRAFT if state == "draft" else Post.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1) if state == "scheduled" else None,
    )
    make_comment(post)
    client.force_login(author.user)
    slug = "no-such-post" if state == "unknown" else post.slug
    assert client.get(f"/posts/{slug}/comments/feed/").status_code == 404


def test_a_former_slug_serves_the_feed_naming_its_current_address(client, post, make_comment, atom):
    """Renaming a post keeps its comments feed at the old address, which names the new one
    as the feed's own, so feed readers move."""
    make_comment(post)
    old = feed_of(post)
    post.slug = "renamed"
    post.save()
    feed = atom(client.get(old))
    assert feed.links["self"] == "http://testserver/posts/renamed/comments/feed/"
    assert len(feed.entries) == 1


def test_site_comments_feed_has_the_newest_published_comments_of_published_posts(
    client, post, make_post, make_comment, moderator, atom
):
    """The all-comments feed lists the 30 newest approved comments, newest first, of
    published posts only; nothing held, removed or on a draft or scheduled post."""
    draft = make_post(status=Post.Status.DRAFT)
    scheduled = make_post(published_at=timezone.now() + timedelta(days=1))
    start = timezone.now() - timedelta(days=1)
    comments = [
        make_comment(post, created_at=start + timedelta(minutes=n), author_name=f"R{n}")
        for n in range(32)
    ]
    later = timezone.now()
    for status in HIDDEN_STATUSES:
        make_comment(post, status=status, created_at=later)
    make_comment(draft, created_at=later)
    make_comment(scheduled, created_at=later)
    hider = make_comment(post, created_at=later)
    make_comment(post, parent=hider, created_at=later)
    services.moderate(hider, "remove", moderator, replies="hide")

    feed = atom(client.get("/comments/feed/"))
    assert feed.title == f"{SITE}: comments"
    assert feed.links == {
        "alternate": "http://testserver/",
        "self": "http://testserver/comments/feed/",
    }
    assert feed.id == "http://testserver/comments/feed/"
    expected = [f"http://testserver/comments/{c.pk}/" for c in reversed(comments)][:30]
    assert [entry["id"] for entry in feed.entries] == expected


def test_comment_feeds_cost_the_same_whatever_their_length(
    client, post, make_post, make_comment, moderator, atom, django_assert_max_num_queries
):
    """Both comment feeds read a fixed number of queries for threads of many comments, one
    removed with its replies hidden in each post."""
    other = make_post()
    for target in (post, other):
        for _ in range(8):
            top = make_comment(target)
            reply = make_comment(target, parent=top)
            make_comment(target, parent=reply)
    for target in (post, other):
        hider = Comment.objects.filter(post=target, parent__isnull=False).first()
        services.moderate(hider, "remove", moderator, replies="hide")
    with django_assert_max_num_queries(3):
        post_feed = atom(client.get(feed_of(post)))
    with django_assert_max_num_queries(2):
        site_feed = atom(client.get("/comments/feed/"))
    assert len(post_feed.entries) == 22
    assert len(site_feed.entries) == 30  # the newest but the one hidden


def test_comment_feeds_may_be_cached_and_answer_304_until_a_comment_leaves(
    client, post, make_comment, moderator
):
    """A poller's copy stays valid (304) until the feed changes, a comment taken down
    included."""
    comment = make_comment(post)
    for url in (feed_of(post), "/comments/feed/"):
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=300"
        assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304
    etag = client.get(feed_of(post))["ETag"]
    services.moderate(comment, "unapprove", moderator)
    assert client.get(feed_of(post), headers={"If-None-Match": etag}).status_code == 200
