from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.utils import timezone

from blog.models import MediaEmbed, Post, Tag

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_home_lists_published_posts_newest_first(client, make_post):
    """The home page shows published posts only, newest first, with byline and excerpt."""
    older = make_post(title="Older")
    newer = make_post(title="Newer", published_at=timezone.now() - timedelta(minutes=1))
    make_post(title="Secret draft", status=Post.Status.DRAFT)
    make_post(title="Tomorrow", published_at=timezone.now() + timedelta(days=1))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer") < html.index("Older")
    assert "Secret draft" not in html
    assert "Tomorrow" not in html
    assert newer.standfirst in html
    assert older.author.get_absolute_url() in html


def test_home_paginates(client, make_post, settings):
    """Ten posts a page, with links between pages; a page past the end is a 404."""
    for _ in range(12):
        make_post()
    first = client.get("/")
    assert len(first.context["posts"]) == 10
    assert 'href="?page=2"' in first.content.decode()
    second = client.get("/?page=2")
    assert len(second.context["posts"]) == 2
    assert client.get("/?page=3").status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Post.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=3)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_posts_are_previewed_only_by_those_who_may_edit_them(
    client, staff_client, make_post, make_author, fields, django_user_model
):
    """Drafts and scheduled posts: a marked, uncached preview for their author and editors only."""
    post = make_post(**fields)
    url = post.get_absolute_url()
    assert client.get(url).status_code == 404
    reader = django_user_model.objects.create_user(username="reader", password="pw")
    colleague = make_author("colleague").user
    editor = django_user_model.objects.create_user(username="ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    for outsider in (reader, colleague):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
    assert staff_client.get(url).status_code == 404  # staff, but no rights over posts
    for insider in (post.author.user, editor):
        client.force_login(insider)
        response = client.get(url)
        assert response.status_code == 200, insider
        assert "Preview — not published" in response.content.decode()
        assert "no-cache" in response["Cache-Control"]


def test_post_page(client, make_post):
    """A post shows its title, byline, body, tags, canonical URL and Open Graph tags."""
    tag = Tag.objects.create(name="Cities", slug="cities")
    post = make_post(title="The street", tags=[tag])
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<html lang="en">' in html
    assert f'<link rel="canonical" href="http://testserver{post.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="The street">' in html
    assert f'href="{post.author.get_absolute_url()}"' in html
    assert post.body in html
    assert 'href="/tags/cities/"' in html
    assert "Preview" not in html


def test_post_page_renders_related_media_safely(client, make_post):
    """Videos become privacy-friendly iframes; other URLs become plain link cards."""
    post = make_post()
    post.media.create(
        url="https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=42s",
        title="Big Buck Bunny",
        caption="A caption",
        position=0,
    )
    post.media.create(url="https://example.org/report", title="The report", position=1)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=42"' in html
    assert 'title="Big Buck Bunny"' in html
    assert 'loading="lazy"' in html
    assert "autoplay" not in html
    assert f"Related video added by {post.author.display_name}" in html
    assert "A caption" in html
    assert 'href="https://example.org/report"' in html


def test_a_stored_url_refused_by_todays_rules_is_skipped(client, make_post):
    """A URL stored before a rule tightened (or by an import) is left out, never a 500."""
    post = make_post()
    post.media.create(url="https://example.org/kept", title="Kept link", position=0)
    MediaEmbed.objects.bulk_create(
        [MediaEmbed(post=post, url="javascript:alert(1)", title="Refused link", position=1)]
    )
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept link" in html
    assert "Refused link" not in html
    assert "javascript:" not in html


def test_no_related_media_section_when_nothing_can_be_shown(client, make_post):
    post = make_post()
    MediaEmbed.objects.bulk_create([MediaEmbed(post=post, url="data:text/html,x", title="Bad")])
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Related media" not in html


def test_author_page_lists_their_published_posts(client, make_post, make_author):
    """An author's page shows their bio and their published posts only."""
    other = make_author("ines", bio="Writes about buses.")
    mine = make_post(title="Bus lanes", author=other)
    make_post(title="Not mine")
    make_post(title="My draft", author=other, status=Post.Status.DRAFT)
    html = client.get(other.get_absolute_url()).content.decode()
    assert "Writes about buses." in html
    assert mine.title in html
    assert "Not mine" not in html
    assert "My draft" not in html
    assert client.get("/authors/nobody/").status_code == 404


def test_tag_page(client, make_post):
    """A tag page lists the published posts with that tag."""
    tag = Tag.objects.create(name="Transport", slug="transport")
    tagged = make_post(title="Trams", tags=[tag])
    make_post(title="Untagged")
    html = client.get("/tags/transport/").content.decode()
    assert tagged.title in html
    assert "Untagged" not in html
    assert client.get("/tags/missing/").status_code == 404


def test_monthly_archive(client, make_post):
    """The archive lists months with posts; a month page lists that month's posts."""
    march = timezone.now().replace(year=2025, month=3, day=10)
    in_march = make_post(title="Spring", published_at=march)
    make_post(title="Elsewhere", published_at=march.replace(month=5))
    index = client.get("/archive/").content.decode()
    assert 'href="/archive/2025/3/"' in index
    assert 'href="/archive/2025/5/"' in index
    html = client.get("/archive/2025/3/").content.decode()
    assert in_march.title in html
    assert "Elsewhere" not in html
    assert client.get("/archive/2025/4/").status_code == 404


def test_feed_is_valid_atom_with_published_posts(client, make_post):
    """The feed parses as Atom and carries published posts only."""
    post = make_post(title="In the feed")
    make_post(title="Draft", status=Post.Status.DRAFT)
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == [post.title]


def test_sitemap_lists_public_pages(client, make_post):
    """The sitemap parses as XML and lists public posts, authors and tags only."""
    tag = Tag.objects.create(name="Cities", slug="cities")
    post = make_post(tags=[tag])
    draft = make_post(status=Post.Status.DRAFT)
    response = client.get("/sitemap.xml")
    root = ElementTree.fromstring(response.content)
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert f"http://testserver{post.get_absolute_url()}" in locations
    assert f"http://testserver{post.author.get_absolute_url()}" in locations
    assert "http://testserver/tags/cities/" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations


def test_robots_txt_points_to_the_sitemap(client):
    """robots.txt is plain text naming the sitemap."""
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_missing_page_uses_the_site_404(client):
    """Unknown URLs get the site's own 404 page."""
    response = client.get("/posts/does-not-exist/")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_server_error_page_is_self_contained(client, settings):
    """The 500 page renders without the database or context processors."""
    from django.template.loader import render_to_string

    assert "Something went wrong" in render_to_string("500.html")


def _fill_site(make_post, count):
    tags = [Tag.objects.create(name=f"Tag {count}-{i}", slug=f"tag-{count}-{i}") for i in range(3)]
    posts = [make_post(tags=tags) for _ in range(count)]
    for post in posts:
        for position in range(3):
            post.media.create(url="https://youtu.be/aqz-KE-bpKQ", title="V", position=position)
    return posts


@pytest.mark.parametrize("count", [2, 15])
def test_home_query_budget_is_constant(client, make_post, django_assert_max_num_queries, count):
    """The home page's query count does not grow with posts and tags: the page of posts
    (one more than shown, to know if older ones follow; no count of all posts) and tags."""
    _fill_site(make_post, count)
    with django_assert_max_num_queries(2):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_post_page_query_budget_is_constant(
    client, make_post, django_assert_max_num_queries, count
):
    """The post page's query count does not grow with tags and embeds."""
    post = _fill_site(make_post, count)[0]
    # Post, tags, media, then the discussion: its row, counts, top-level count (no comments,
    # so no page to load).
    with django_assert_max_num_queries(6):
        assert client.get(post.get_absolute_url()).status_code == 200


def test_every_page_names_the_sites_icon(client):
    """Browsers take the icon the page names, rather than asking for a missing /favicon.ico."""
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("img/favicon.svg")
