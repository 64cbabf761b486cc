import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def write_post(make_post):
    """``write_post(title, standfirst="", body=..., tags=(), **fields)``: a post as written."""

    def write(title, standfirst="", body="<p>Nothing to see.</p>", **fields):
        post = make_post(title=title, **fields)
        post.standfirst = standfirst
        post.body = body
        post.save()
        return post

    return write


def found(client, query, **params):
    """Titles of the posts a search finds, best first."""
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return [post.title for post in response.context["posts"]]


def test_finds_posts_by_title_standfirst_body_and_tags(client, write_post):
    """Each searched field finds its post: title, standfirst, body text and tag names."""
    write_post("Trams return")
    write_post("On streets", standfirst="Why cyclists want wider lanes")
    write_post("A long essay", body="<p>The <em>harbour</em> was rebuilt twice.</p>")
    write_post("Tagged only", tags=[Tag.objects.create(name="Urbanism", slug="urbanism")])
    assert found(client, "tram") == ["Trams return"]
    assert found(client, "cyclist") == ["On streets"]
    assert found(client, "harbours") == ["A long essay"]
    assert found(client, "urbanism") == ["Tagged only"]
    assert found(client, "zeppelin") == []


def test_title_ranks_above_tags_and_standfirst_above_body(client, write_post):
    """A word in the title ranks first, then in a tag or the standfirst, then in the body."""
    write_post("In the body", body="<p>A story about ferries.</p>", published_at=timezone.now())
    write_post("In the standfirst", standfirst="Ferries, again.")
    write_post("In a tag", tags=[Tag.objects.create(name="Ferries", slug="ferries")])
    write_post("Ferries at dawn", published_at=timezone.now() - timedelta(days=30))
    results = found(client, "ferry")
    assert results[0] == "Ferries at dawn"
    assert set(results[1:3]) == {"In the standfirst", "In a tag"}
    assert results[3] == "In the body"


def test_only_published_posts_are_found_even_by_staff(admin_client, client, write_post):
    """Drafts and scheduled posts are never found, not even by staff: search is the public site."""
    write_post("Published harbour")
    write_post("Draft harbour", status=Post.Status.DRAFT)
    write_post("Scheduled harbour", published_at=timezone.now() + timedelta(days=2))
    assert found(client, "harbour") == ["Published harbour"]
    assert found(admin_client, "harbour") == ["Published harbour"]


@pytest.mark.parametrize(
    "query",
    [
        '"trams return',
        'trams "" -',
        "-trams",
        "trams or",
        "or or or",
        "'; DROP TABLE blog_post; --",
        "a & b | !c <-> (d:*) \\ ' \"",
        "%_*?[]{}()$^",
        "the of and",
        "é 🚋 ß İ \u200b \u202e",
        "x" * 3000,
        "junk " * 2048,
    ],
    ids=[
        "unbalanced-quote",
        "empty-phrase",
        "only-negation",
        "trailing-or",
        "only-or",
        "sql",
        "tsquery-syntax",
        "punctuation",
        "stop-words",
        "unicode",
        "one-long-word",
        "10kb",
    ],
)
def test_any_query_is_answered(client, write_post, query):
    """Whatever is typed, the search answers a page (websearch syntax, never a 500)."""
    write_post("Trams return")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response.context["search_query"] == response.context["search_query"].strip()


def test_a_nul_character_is_refused_not_a_server_error(client):
    """A NUL in the query (PostgreSQL text cannot hold one) gets a 400, not a 500."""
    assert client.get("/search/?q=tram%00s").status_code == 400


def test_quotes_minus_and_or_work_as_readers_expect(client, write_post):
    """Quotes find a phrase, -word excludes, "or" finds either."""
    write_post("Night trains return")
    write_post("Trains at night, returning", standfirst="Sleeper coaches")
    write_post("Night buses")
    assert found(client, '"night trains"') == ["Night trains return"]
    assert found(client, "night -buses -sleeper") == ["Night trains return"]
    either = sorted(found(client, "buses or sleeper"))
    assert either == ["Night buses", "Trains at night, returning"]


def test_markup_is_not_indexed_and_entities_are_decoded(client, write_post):
    """Tag names, attributes and entity names are not words; an encoded letter is its letter."""
    write_post(
        "Markup",
        body='<p class="lead">A <a href="https://example.org/quayside" title="harbour">'
        "caf&eacute;</a>&nbsp;by the water, it&#8217;s &amp; it&#x27;s <strong>open</strong>.</p>",
    )
    for word in ("lead", "href", "example", "quayside", "harbour", "nbsp", "eacute", "strong"):
        assert found(client, word) == [], word
    assert found(client, "café") == ["Markup"]
    assert found(client, "water") == ["Markup"]


def test_snippets_highlight_matches_and_never_inject_markup(client, write_post):
    """Titles and snippets mark the matches; markup a post shows as text stays escaped text."""
    write_post(
        "Tram <b>lines</b> & <script>alert(1)</script>",
        standfirst="Standfirst with <i>tram</i>",
        body="<p>Filler before. Write &lt;script&gt;tram()&lt;/script&gt; &amp;lt; safely.</p>",
    )
    html = client.get("/search/", {"q": "tram"}).content.decode()
    assert "<script>" not in html
    assert "<b>" not in html
    assert "<i>" not in html
    assert "<mark>Tram</mark> &lt;b&gt;lines&lt;/b&gt; &amp; &lt;script&gt;" in html
    assert "Standfirst with &lt;i&gt;<mark>tram</mark>&lt;/i&gt;" in html
    assert "Write &lt;script&gt;<mark>tram</mark>()&lt;/script&gt; &amp;lt; safely" in html


def test_excerpt_is_shown_where_the_body_matches(client, write_post):
    """The body's excerpt is shown when it holds a match, not when only the title matched."""
    write_post("Ferries", standfirst="A summary.", body="<p>About boats, at length.</p>")
    write_post("Boats", standfirst="Another summary.", body="<p>Ferries everywhere.</p>")
    response = client.get("/search/", {"q": "ferry"})
    posts = {post.title: post for post in response.context["posts"]}
    assert posts["Ferries"].excerpt_html is None
    assert "<mark>Ferries</mark> everywhere" in posts["Boats"].excerpt_html


def test_a_snippet_never_runs_a_heading_into_the_next_sentence(client, write_post):
    """A heading, a list item or a caption ends where it ends in the snippet."""
    write_post(
        "Boats",
        body="<h2>Getting there</h2><p>Take the ferry at dawn.</p><ul><li>Early</li>"
        '<li>Cheap</li></ul><figure><img src="https://example.org/f.jpg" alt="A ferry">'
        "<figcaption>The ferry</figcaption></figure><p>Then walk.</p>",
    )
    response = client.get("/search/", {"q": "ferry"})
    (post,) = response.context["posts"]
    snippet = " ".join(str(post.excerpt_html).split())
    assert "Getting there — Take the <mark>ferry</mark> at dawn." in snippet
    assert "Early — Cheap —" in snippet
    assert "The <mark>ferry</mark> — Then walk" in snippet


def test_results_count_paginate_and_keep_the_query(client, write_post):
    """12 matches: the count, ten on page one, a Next link keeping the query, two on page two."""
    for number in range(12):
        write_post(f"Harbour walk {number}")
    first = client.get("/search/", {"q": "harbour walk"})
    html = first.content.decode()
    assert "12 posts found for “harbour walk”" in html
    assert len(first.context["posts"]) == 10
    assert 'href="?q=harbour+walk&amp;page=2"' in html
    assert "Next →" in html
    assert 'value="harbour walk"' in html
    second = client.get("/search/", {"q": "harbour walk", "page": 2})
    assert len(second.context["posts"]) == 2
    assert "12 posts found" in second.content.decode()
    assert "← Previous" in second.content.decode()
    assert client.get("/search/", {"q": "harbour walk", "page": 3}).status_code == 404
    assert client.get("/search/", {"q": "harbour walk", "page": "x"}).status_code == 404


def test_one_result_is_counted_without_a_count_query(client, write_post, django_assert_num_queries):
    """A single page of results says how many there are, counted from the page itself."""
    write_post("Harbour walk")
    with django_assert_num_queries(2):  # the posts, their tags
        html = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "1 post found for “harbour”" in html


def test_empty_and_no_query_states(client, write_post):
    """No match says so and suggests the archive; no query shows the form and a hint only."""
    write_post("Harbour walk")
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "No posts found for “zeppelin”." in html
    assert 'href="/archive/"' in html
    for url in ("/search/", "/search/?q=", "/search/?q=%20%20"):
        response = client.get(url)
        assert "Type a few words to search" in response.content.decode()
        assert "posts" not in response.context


def test_results_page_is_not_indexed_by_search_engines(client):
    """The results page asks robots not to index it."""
    html = client.get("/search/", {"q": "harbour"}).content.decode()
    assert '<meta name="robots" content="noindex">' in html


def test_page_of_results_costs_a_fixed_number_of_queries(
    client, write_post, make_comment, django_assert_max_num_queries
):
    """However many matches and tags: the count, the page of posts, their tags."""
    tags = [Tag.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(8)]
    for number in range(40):
        post = write_post(f"Harbour walk {number}", tags=tags)
        make_comment(post)
    with django_assert_max_num_queries(3) as captured:
        response = client.get("/search/", {"q": "harbour"})
    assert len(response.context["posts"]) == 10
    assert "40 posts found" in response.content.decode()
    selected = [query["sql"].split(" FROM ")[0] for query in captured.captured_queries]
    assert not any(', "blog_post"."search_vector"' in sql for sql in selected)


def test_header_has_a_search_box_on_every_page(client, write_post):
    """Home, post, tag and archive pages carry the labelled search form in the header."""
    tag = Tag.objects.create(name="Cities", slug="cities")
    post = write_post("Harbour walk", tags=[tag])
    for url in ("/", post.get_absolute_url(), tag.get_absolute_url(), "/archive/"):
        html = client.get(url).content.decode()
        assert re.search(r'<form class="site-search" role="search" action="/search/"', html), url
        assert '<label class="visually-hidden" for="site-search-q">' in html
        assert '<input type="search" id="site-search-q" name="q"' in html


def test_pages_do_not_read_the_search_vector(client, write_post, django_assert_max_num_queries):
    """Listings and post pages leave the vector in the database, within their budgets."""
    post = write_post("Harbour walk", tags=[Tag.objects.create(name="Cities", slug="cities")])
    for url, budget in (("/", 2), (post.get_absolute_url(), 7), ("/feed/", 2)):
        with django_assert_max_num_queries(budget) as captured:
            assert client.get(url).status_code == 200
        selected = [query["sql"].split(" FROM ")[0] for query in captured.captured_queries]
        assert not any('"blog_post"."search_vector"' in sql for sql in selected), url


def test_lists_of_comments_do_not_read_their_posts_vectors(
    client, write_post, make_comment, moderator
):
    """The comments feed and the moderation queue join each comment's post without it."""
    make_comment(write_post("Harbour walk"))
    client.force_login(moderator)
    for url in ("/comments/feed/", "/admin/comments/comment/"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        selected = [query["sql"].split(" FROM ")[0] for query in captured.captured_queries]
        assert not any('"blog_post"."search_vector"' in sql for sql in selected), url


# The vector is kept current by the database, whichever way a post or its tags change.


def test_admin_save_updates_the_vector(admin_client, write_post, post_change_form, client):
    """Editing a post in the admin makes its new words findable and its old ones not."""
    post = write_post("Harbour walk")
    form = post_change_form(post, title="Quayside stroll", body="<p>Gulls and nets.</p>")
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", form)
    assert response.status_code == 302
    # The save leaves the vector to the trigger: it neither reads it nor writes it back.
    assert not any("search_vector" in query["sql"] for query in captured.captured_queries)
    assert found(client, "harbour") == []
    assert found(client, "quayside") == ["Quayside stroll"]
    assert found(client, "gulls") == ["Quayside stroll"]


def test_queryset_update_updates_the_vector(client, write_post):
    """``Post.objects.update(...)`` (no save, no signal) still reindexes the posts."""
    write_post("Harbour walk")
    Post.objects.update(title="Quayside stroll", standfirst="Nets", body="<p>Gulls</p>")
    assert found(client, "harbour") == []
    for word in ("quayside", "nets", "gulls"):
        assert found(client, word) == ["Quayside stroll"]


def test_bulk_import_indexes_posts_and_tags_in_constant_queries(
    client, author, django_assert_max_num_queries
):
    """An importer writing many posts and tag links gets them indexed at no query per row."""
    tag = Tag.objects.create(name="Lighthouses", slug="lighthouses")
    now = timezone.now()
    with django_assert_max_num_queries(2):
        posts = Post.objects.bulk_create(
            Post(
                title=f"Imported {n}",
                slug=f"imported-{n}",
                author=author,
                body=f"<p>Keeper's log {n}</p>",
                status=Post.Status.PUBLISHED,
                published_at=now - timedelta(hours=n),
            )
            for n in range(30)
        )
        Post.tags.through.objects.bulk_create(
            Post.tags.through(post=post, tag=tag) for post in posts
        )
    response = client.get("/search/", {"q": "lighthouse keeper"})
    assert "30 posts found" in response.content.decode()


def test_tags_added_removed_cleared_and_deleted_update_the_vector(client, write_post):
    """Adding, removing, clearing (from either side) and deleting tags reindexes the posts."""
    post = write_post("Harbour walk")
    other = write_post("Quayside stroll")
    tag = Tag.objects.create(name="Lighthouses", slug="lighthouses")
    post.tags.add(tag)
    assert found(client, "lighthouse") == ["Harbour walk"]
    tag.posts.add(other)
    assert sorted(found(client, "lighthouse")) == ["Harbour walk", "Quayside stroll"]
    post.tags.remove(tag)
    assert found(client, "lighthouse") == ["Quayside stroll"]
    tag.posts.clear()
    assert found(client, "lighthouse") == []
    post.tags.set([tag])
    tag.delete()
    assert found(client, "lighthouse") == []


def test_renaming_a_tag_reindexes_its_posts(client, admin_client, write_post):
    """A tag renamed in the admin or by ``update()`` is found by its new name only."""
    tag = Tag.objects.create(name="Lighthouses", slug="lighthouses")
    write_post("Harbour walk", tags=[tag])
    write_post("Untagged")
    response = admin_client.post(
        f"/admin/blog/tag/{tag.pk}/change/", {"name": "Beacons", "slug": "beacons"}
    )
    assert response.status_code == 302
    assert found(client, "lighthouse") == []
    assert found(client, "beacon") == ["Harbour walk"]
    Tag.objects.update(name="Foghorns")
    assert found(client, "beacon") == []
    assert found(client, "foghorn") == ["Harbour walk"]


def test_a_very_long_post_is_saved_and_found(client, write_post):
    """A post longer than a tsvector can hold still saves; its opening words are found."""
    numbers = " ".join(str(n) for n in range(100_000, 300_000))
    write_post("Ledger", body=f"<p>Harbour ledger {numbers}</p>")
    assert found(client, "harbour") == ["Ledger"]


def test_the_text_search_configuration_is_a_setting(client, write_post, settings):
    """``SEARCH_CONFIG`` picks the language; ``rebuild_search_index`` reindexes with it."""
    write_post("Where the wild things are running")
    assert found(client, "run") == ["Where the wild things are running"]
    settings.SEARCH_CONFIG = "simple"
    output = io.StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert "Reindexed 1 posts with the 'simple' configuration." in output.getvalue()
    assert found(client, "run") == []  # no English stemming
    assert found(client, "running") == ["Where the wild things are running"]
    assert found(client, "the") == ["Where the wild things are running"]  # no stop words
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'blog_%search%'")
        assert cursor.fetchone() == (5,)
