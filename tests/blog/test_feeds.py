"""Feeds of posts (the site's, a tag's, an author's), their caching, and the pages linking
every feed with ``<link rel="alternate">``."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from blog.models import Post, Tag

pytestmark = pytest.mark.django_db

SITE = "The Margin"


class FeedLinks(HTMLParser):
    """The Atom feeds a page announces, {title: href}."""

    def __init__(self, html):
        super().__init__()
        self.found = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            assert attrs["type"] == "application/atom+xml"
            self.found[attrs["title"]] = attrs["href"]


def feed_links(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return FeedLinks(response.content.decode()).found


def test_site_feed_entries_carry_the_whole_post(client, make_post, atom):
    """An entry of the site feed has the post's stored HTML as content, escaped once, the
    standfirst as summary, its author, dates and tags."""
    tag = Tag.objects.create(name="Fish & Chips", slug="fish")
    post = make_post(title="Salt & <vinegar>", tags=[tag])
    post.body = "<p>Cod &amp; <em>chips</em></p>"
    post.standfirst = "Is <b> bold? & why"
    post.save()
    feed = atom(client.get("/feed/"))
    assert feed.title == SITE
    assert feed.links == {"alternate": "http://testserver/", "self": "http://testserver/feed/"}
    [entry] = feed.entries
    assert entry["title"] == "Salt & <vinegar>"
    assert entry["link"] == entry["id"] == f"http://testserver{post.get_absolute_url()}"
    assert entry["content"] == "<p>Cod &amp; <em>chips</em></p>"
    assert entry["summary"] == "Is &lt;b&gt; bold? &amp; why"  # plain text, as HTML
    assert entry["author"] == post.author.display_name
    assert entry["categories"] == ["Fish & Chips"]
    assert entry["published"] == post.published_at.isoformat()


@pytest.mark.parametrize("kind", ["tag", "author"])
def test_tag_and_author_feeds_carry_their_published_posts(
    client, make_post, make_author, atom, kind
):
    """A tag's (an author's) feed lists only its published posts, newest first, and is named
    after the site and the tag (author)."""
    tag = Tag.objects.create(name="Cities", slug="cities")
    ines = make_author("ines", display_name="Inès Laurent")
    mine = {"tags": [tag]} if kind == "tag" else {"author": ines}
    older, newer = make_post(**mine), make_post(**mine, published_at=timezone.now())
    make_post(**mine, status=Post.Status.DRAFT)
    make_post(**mine, published_at=timezone.now() + timedelta(days=1))
    make_post()  # neither the tag's nor the author's
    page, title = {
        "tag": ("/tags/cities/", f"{SITE}: posts tagged “Cities”"),
        "author": ("/authors/ines/", f"{SITE}: posts by Inès Laurent"),
    }[kind]
    feed = atom(client.get(f"{page}feed/"))
    assert feed.title == title
    assert feed.links == {
        "alternate": f"http://testserver{page}",
        "self": f"http://testserver{page}feed/",
    }
    assert [entry["title"] for entry in feed.entries] == [newer.title, older.title]


@pytest.mark.parametrize("url", ["/tags/nothing/feed/", "/authors/nobody/feed/"])
def test_feed_of_an_unknown_tag_or_author_is_not_found(client, url):
    """A tag or author that does not exist has no feed: 404."""
    assert client.get(url).status_code == 404


def test_post_feeds_cost_the_same_whatever_their_length(
    client, make_post, atom, django_assert_max_num_queries
):
    """The site's, a tag's and an author's feeds read a fixed number of queries for 25 posts
    with several tags each."""
    tags = [Tag.objects.create(name=f"Tag {n}", slug=f"tag-{n}") for n in range(3)]
    for _ in range(25):
        make_post(tags=tags)
    author = Post.objects.first().author
    for url, queries in [
        ("/feed/", 2),
        ("/tags/tag-1/feed/", 3),
        (f"/authors/{author.slug}/feed/", 3),
    ]:
        with django_assert_max_num_queries(queries):
            feed = atom(client.get(url))
        assert len(feed.entries) == 20
        assert all(entry["categories"] == ["Tag 0", "Tag 1", "Tag 2"] for entry in feed.entries)


def test_feeds_may_be_cached_and_answer_304_while_unchanged(client, make_post):
    """Feeds are public for five minutes and carry an ETag: polling with it gets a 304 until
    something in the feed changes, an unpublished post included."""
    post = make_post()
    first = client.get("/feed/")
    assert first["Cache-Control"] == "public, max-age=300"
    assert "Last-Modified" not in first  # a removed entry would not move it
    etag = first["ETag"]
    again = client.get("/feed/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    post.status = Post.Status.DRAFT
    post.save()
    changed = client.get("/feed/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_text_xml_cannot_carry_is_left_out_not_a_broken_feed(client, make_post, atom):
    """A title pasted with a control character (a word processor's vertical tab) still gives a
    valid feed, without that character."""
    make_post(title="Line\x0bbreak", tags=[Tag.objects.create(name="Odd\x01tag", slug="odd")])
    [entry] = atom(client.get("/feed/")).entries
    assert (entry["title"], entry["categories"]) == ("Linebreak", ["Oddtag"])


def test_every_page_links_the_site_feeds(client, make_post):
    """Every page announces the posts feed and the comments feed to feed readers."""
    site_feeds = {SITE: "/feed/", f"{SITE}: comments": "/comments/feed/"}
    assert feed_links(client, "/") == site_feeds
    assert feed_links(client, "/archive/") == site_feeds


def test_tag_author_and_post_pages_link_their_own_feeds(client, make_post):
    """A tag's page links its feed, an author's page theirs, a post's page its comments."""
    tag = Tag.objects.create(name="Cities", slug="cities")
    post = make_post(title="On “bridges”", tags=[tag])
    name = post.author.display_name
    assert feed_links(client, "/tags/cities/")[f"{SITE}: posts tagged “Cities”"] == (
        "/tags/cities/feed/"
    )
    assert feed_links(client, post.author.get_absolute_url())[f"{SITE}: posts by {name}"] == (
        f"/authors/{post.author.slug}/feed/"
    )
    links = feed_links(client, post.get_absolute_url())
    assert links[f"{SITE}: comments on “On “bridges””"] == f"/posts/{post.slug}/comments/feed/"
    assert len(links) == 3


def test_a_preview_links_no_feed_of_its_comments(client, make_post, author):
    """A draft's preview does not announce a comments feed that would be a 404."""
    draft = make_post(status=Post.Status.DRAFT)
    client.force_login(author.user)
    assert set(feed_links(client, draft.get_absolute_url())) == {SITE, f"{SITE}: comments"}
