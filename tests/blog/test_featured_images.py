"""A post's featured image: leading its page, beside it in lists and feeds, and in the link
previews (Open Graph, Twitter cards) other sites draw of it."""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.images import COLUMN_SIZES
from blog.models import Image, Post, Tag
from blog.templatetags.images import LISTING_SIZES
from demo import data as demo_data

READER_COLD_QUERIES = 7


class Tags(HTMLParser):
    """The page's <meta> contents by property or name, its <img> tags, and the links open
    when each <img> was met."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.images, self.figures, self.open_links = {}, [], [], 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs["content"]
        elif tag == "img":
            self.images.append({**attrs, "in_link": self.open_links > 0})
        elif tag == "a":
            self.open_links += 1
        elif tag == "figure":
            self.figures.append(attrs.get("class"))

    def handle_endtag(self, tag):
        if tag == "a":
            self.open_links -= 1


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Tags(response.content.decode())


@pytest.fixture
def picture(make_image):
    return make_image(caption="The old bridge from the east bank", credit="Photo: Ana Ruiz")


@pytest.fixture
def featured(make_post, picture):
    return make_post(title="Crossing the river", featured_image=picture)


def test_post_page_leads_with_its_featured_image_fetched_first(client, featured, picture):
    """The picture sits between the header and the body, in the column's sizes, loaded at
    once (it is the page's largest paint) with its dimensions and alt text."""
    html = client.get(featured.get_absolute_url()).content.decode()
    assert html.index("</header>") < html.index('class="featured-image"') < html.index("post-body")
    tags = Tags(html)
    assert tags.figures[0] == "featured-image"
    img = tags.images[0]
    assert img["alt"] == "A bridge at dusk"
    assert img["loading"] == "eager"
    assert img["fetchpriority"] == "high"
    assert img["sizes"] == COLUMN_SIZES
    assert (img["width"], img["height"]) == ("800", "480")
    assert img["srcset"].count("w,") == 4  # 480, 800, 1200, 1600 and the original
    assert "The old bridge from the east bank" in html
    assert "Photo: Ana Ruiz" in html
    assert "<figcaption>" in html


def test_featured_image_without_caption_or_credit_has_no_caption(client, make_post, make_image):
    """A picture with neither caption nor credit shows no empty figcaption."""
    post = make_post(featured_image=make_image())
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="featured-image"' in html
    assert "<figcaption>" not in html


def test_post_without_featured_image_has_no_figure(client, post):
    """No picture chosen: no empty figure."""
    assert 'class="featured-image"' not in client.get(post.get_absolute_url()).content.decode()


def test_link_previews_name_the_picture_at_an_absolute_address(client, featured, picture):
    """Open Graph and Twitter tags give the 1200-pixel size as an absolute URL with its size
    and alt text, and ask for the large card; a warm (cached) page says the same."""
    for _ in range(2):
        meta = page(client, featured.get_absolute_url()).meta
        url = meta["og:image"]
        assert url.startswith("http://testserver/media/images/")
        assert url.endswith("-1200w.jpg")
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "720")
        assert meta["og:image:alt"] == meta["twitter:image:alt"] == "A bridge at dusk"
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["twitter:image"] == url
        assert meta["twitter:title"] == "Crossing the river"


def test_an_absolute_media_url_is_kept_as_it_is(client, settings, featured):
    """Pictures served from object storage or a CDN keep their own host in previews."""
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    meta = page(client, featured.get_absolute_url()).meta
    assert meta["og:image"].startswith("https://cdn.example.org/media/images/")


def test_post_without_a_picture_asks_for_the_small_card(client, post):
    """No featured image: a summary card, no og:image."""
    meta = page(client, post.get_absolute_url()).meta
    assert meta["twitter:card"] == "summary"
    assert "og:image" not in meta
    assert "twitter:image" not in meta
    assert meta["twitter:title"] == post.title


def test_deleting_the_picture_updates_a_cached_page(client, featured, picture):
    """A page cached with the picture shows none once the picture is deleted."""
    url = featured.get_absolute_url()
    assert "og:image" in page(client, url).meta
    picture.delete()
    tags = page(client, url)
    assert tags.meta["twitter:card"] == "summary"
    assert not tags.images


def test_new_alt_text_reaches_a_cached_page(client, featured, picture):
    """The alt text edited in the library shows on the cached page at once."""
    url = featured.get_absolute_url()
    page(client, url)
    picture.alt = "The bridge lit at night"
    picture.save()
    tags = page(client, url)
    assert tags.images[0]["alt"] == tags.meta["og:image:alt"] == "The bridge lit at night"


def test_post_page_costs_no_query_more_with_a_picture(
    client, make_post, featured, django_assert_num_queries
):
    """The picture is read with the post: a cold page costs what one without it does (within
    the reader's budget of 7), a warm one 1 query."""
    plain = make_post()
    with CaptureQueriesContext(connection) as without:
        client.get(plain.get_absolute_url())
    assert len(without) <= READER_COLD_QUERIES
    with django_assert_num_queries(len(without)):
        client.get(featured.get_absolute_url())
    with django_assert_num_queries(1):
        client.get(featured.get_absolute_url())


@pytest.fixture
def many(make_post, picture):
    """15 published posts, each with a picture and a tag."""
    tag = Tag.objects.create(name="Bridges", slug="bridges")
    return [make_post(featured_image=picture, tags=[tag]) for _ in range(15)]


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/", 2), ("/tags/bridges/", 3), ("author", 3), ("/search/?q=post", 3), ("/feed/", 2)],
)
def test_lists_of_posts_cost_the_same_with_pictures(
    client, many, url, queries, django_assert_max_num_queries
):
    """Pictures on every post add no query to the home, tag, author and search pages and
    the feed."""
    if url == "author":
        url = many[0].author.get_absolute_url()
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/", "/tags/bridges/", "author"])
def test_lists_show_each_picture_lazily_and_not_as_a_second_link(client, many, url):
    """In a list, each post's picture loads when scrolled to, sized for the list, outside
    any link (the title is the post's one link)."""
    if url == "author":
        url = many[0].author.get_absolute_url()
    images = [img for img in page(client, url).images if img.get("class") == "summary-image"]
    assert len(images) == 10
    assert all(img["loading"] == "lazy" and img["sizes"] == LISTING_SIZES for img in images)
    assert all(img["alt"] == "A bridge at dusk" and not img["in_link"] for img in images)


def test_search_results_show_the_picture(client, make_post, picture):
    """A result with a featured image shows it, lazily."""
    make_post(title="Harbour bridges", featured_image=picture)
    images = page(client, "/search/?q=harbour").images
    assert [img["loading"] for img in images] == ["lazy"]


def test_feed_entries_lead_with_the_picture(client, featured, atom):
    """A feed reader shows the picture above the body, from an absolute address."""
    entry = atom(client.get("/feed/")).entries[0]
    content = entry["content"]
    assert content.startswith('<figure><img src="http://testserver/media/images/')
    assert 'alt="A bridge at dusk"' in content
    assert 'width="800" height="480"' in content


def test_feed_entry_without_a_picture_is_the_body(client, post, atom):
    """No picture: the entry's content is the body alone."""
    entry = atom(client.get("/feed/")).entries[0]
    assert entry["content"] == Post.objects.get().body


@pytest.mark.django_db
def test_demo_content_leads_posts_with_pictures_once(settings, client):
    """The demo draws its pictures, leads several posts with them and places one in a body
    with its srcset; a second run uploads none again."""
    settings.DEBUG = True
    call_command("demo_content", stdout=StringIO())
    call_command("demo_content", stdout=StringIO())
    assert Image.objects.count() == len(demo_data.PICTURES)
    assert Post.objects.filter(featured_image__isnull=False).count() >= 4
    inline = Post.objects.get(slug="notes-from-a-car-free-sunday")
    assert "srcset=" in inline.body
    assert 'data-file="' in inline.body
    settings.DEBUG = False
    leading = Post.objects.published().filter(featured_image__isnull=False).first()
    assert 'class="featured-image"' in client.get(leading.get_absolute_url()).content.decode()


def test_feed_entries_give_body_pictures_absolute_addresses(client, make_post, make_image, atom):
    """A library picture inside the text is at an absolute address in the feed, srcset too."""
    image = make_image()
    post = make_post()
    post.body = f'<p>See.</p><img src="/x.jpg" alt="" data-file="{image.pk}">'
    post.save()

    content = atom(client.get("/feed/")).entries[0]["content"]

    assert f'src="http://testserver{image.default_source.url}"' in content
    assert f"http://testserver{image.sources[0].url} 480w" in content
    assert "data-file" not in content
