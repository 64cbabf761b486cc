"""Old WordPress links keep working after an import: each leads to its place here for good."""

import pytest

from blog.models import Post, Tag
from wordpress.models import ImportedPost, ImportedTag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def imported(import_wordpress):
    """The old_links.xml fixture imported into an empty site."""
    return import_wordpress("old_links.xml")


@pytest.fixture
def moves(client):
    """``moves(old, new)``: ``old`` answers 301 to ``new``, which answers 200."""

    def check(old, new):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new
        assert client.get(new).status_code == 200, new
        return response

    return check


@pytest.fixture
def edit(admin_client, post_change_form):
    """``edit(post, **fields)`` through the admin, as an editor does."""

    def save(post, **fields):
        form = post_change_form(post, **fields)
        response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", form)
        assert response.status_code == 302, response.content.decode()

    return save


def test_import_keeps_each_posts_old_path():
    """The path of each item's link is kept, decoded and in lower case; a ?p= link is none."""
    paths = dict(ImportedPost.objects.values_list("wp_id", "path"))
    assert paths == {
        10: "/2016/03/14/hello-world/",
        11: "/café-crème/",
        12: "",
        13: "/2017/05/01/only-for-me/",
    }


def test_a_posts_permalink_moves_to_its_page_for_good(moves):
    """/2016/03/14/slug/ answers 301 to the post's page here, for an hour in browsers."""
    response = moves("/2016/03/14/hello-world/", "/posts/hello-world/")
    assert "max-age=3600" in response["Cache-Control"]


@pytest.mark.parametrize(
    "old",
    [
        "/2016/03/14/hello-world",
        "/2016/03/14/Hello-World/",
        "/2016/03/14/hello-world/?utm_source=old-newsletter",
        "/2016/03/14/hello-world/comment-page-2/",
        "/2016/03/14/hello-world/amp/",
    ],
)
def test_variants_of_a_permalink_move_to_the_post_in_one_hop(moves, old):
    """Without its slash, in another case, with WordPress's query or page suffix: one 301."""
    moves(old, "/posts/hello-world/")


@pytest.mark.parametrize(
    "old",
    ["/caf%C3%A9-cr%C3%A8me/", "/caf%c3%a9-cr%c3%a8me", "/café-crème/", "/CAF%C3%89-CR%C3%88ME/"],
)
def test_a_percent_encoded_permalink_is_found_however_it_is_encoded(moves, old):
    """Upper- or lower-case escapes, or none: the same post."""
    moves(old, "/posts/cafe-creme/")


@pytest.mark.parametrize(
    "old", ["/2016/03/14/hello-world/feed/", "/2016/03/14/hello-world/feed/atom/"]
)
def test_a_posts_comment_feed_moves_to_its_comment_feed(moves, old):
    """The post's …/feed/ on WordPress is its comment feed here."""
    moves(old, "/posts/hello-world/comments/feed/")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/category/news/", "/tags/news/"),
        ("/category/news/feed/", "/tags/news/feed/"),
        ("/category/world/news/", "/tags/news/"),
        ("/category/news/page/3/", "/tags/news/"),
        ("/tag/harbours/", "/tags/harbours/"),
        ("/tag/harbours/feed/", "/tags/harbours/feed/"),
        ("/blog/tag/harbours/", "/tags/harbours/"),
        ("/author/alice/", "/authors/alice-writer/"),
        ("/author/Alice/feed/", "/authors/alice-writer/feed/"),
        ("/feed/atom/", "/feed/"),
    ],
)
def test_category_tag_and_author_pages_move_to_theirs_here(moves, old, new):
    """Categories and tags are tags here (also under the folder WordPress lived in); an
    author is found by their WordPress login."""
    moves(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/category/markup/", "/tags/markup/"),
        ("/tag/markup-2/", "/tags/markup/"),
        ("/tag/markup-2/feed/", "/tags/markup/feed/"),
    ],
)
def test_a_category_and_a_tag_of_one_name_both_lead_to_their_tag(moves, old, new):
    """WordPress's category “Markup” (markup) and tag “Markup” (markup-2) became one tag:
    each one's old address finds it."""
    assert Tag.objects.filter(name="Markup").count() == 1
    moves(old, new)


def test_a_terms_old_slug_wins_over_a_tag_given_that_slug_later(moves):
    """A tag created here since with the slug of a WordPress term does not take its links."""
    Tag.objects.create(name="Markup, the sequel", slug="markup-2")
    moves("/tag/markup-2/", "/tags/markup/")


def test_a_second_run_records_the_terms_of_posts_imported_before(client, import_wordpress, moves):
    """Posts imported before terms were recorded: the next run records their terms."""
    ImportedTag.objects.all().delete()
    assert client.get("/tag/markup-2/").status_code == 404
    import_wordpress("old_links.xml")
    moves("/tag/markup-2/", "/tags/markup/")


@pytest.mark.parametrize("old", ["/category/recipes/", "/tag/recipes/feed/", "/author/mallory/"])
def test_a_category_tag_or_author_unknown_here_is_not_found(client, old):
    """Only a tag or imported author that exists is a target."""
    assert client.get(old).status_code == 404


def test_the_old_feed_address_is_still_the_feed(client):
    """/feed/ is served here as it was: no redirect."""
    assert client.get("/feed/").status_code == 200


def test_question_mark_p_moves_to_the_post(client, moves, django_assert_num_queries):
    """/?p=<WordPress id> (and /index.php?p=) lead to the post, found in one query."""
    with django_assert_num_queries(1):
        assert client.get("/?p=10").status_code == 301
    moves("/?p=10", "/posts/hello-world/")
    moves("/index.php?p=11", "/posts/cafe-creme/")


def test_question_mark_p_in_the_blogs_folder_moves_to_the_post(client, moves):
    """A WordPress that lived in a folder: /blog/?p=<id> and /blog/index.php?p=<id>."""
    moves("/blog/?p=10", "/posts/hello-world/")
    moves("/blog/index.php?p=11", "/posts/cafe-creme/")
    assert client.get("/blog/?p=12").status_code == 404  # a draft's: not revealed


def test_a_post_imported_before_old_paths_were_kept_gets_its_path_on_the_next_run(
    import_wordpress, moves
):
    """Running the import again fills in the old path an earlier import did not keep."""
    ImportedPost.objects.filter(wp_id=10).update(path="")
    import_wordpress("old_links.xml")
    moves("/2016/03/14/hello-world/", "/posts/hello-world/")


@pytest.mark.parametrize("query", ["p=999", "p=12", "p=13", "p=abc", "p=١٠", "p=" + "9" * 40])
def test_question_mark_p_of_no_public_post_is_the_home_page(client, query):
    """An unknown id, a draft's or a number that is no id: the home page as usual."""
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert "Hello world" in response.content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2016/", "/archive/"),
        ("/2016/03/", "/archive/2016/3/"),
        ("/2016/03/14/", "/archive/2016/3/"),
        ("/2016/04/page/2/", "/archive/2016/4/"),
    ],
)
def test_date_archives_move_to_the_archive(moves, old, new):
    """A year's archive is the archive here; a month's or a day's, the month's page."""
    moves(old, new)


@pytest.mark.parametrize(
    "old", ["/2016/13/", "/2016/02/30/", "/0000/", "/2015/01/", "/2017/05/", "/tags/x/2016/"]
)
def test_a_date_archive_of_no_date_or_no_public_post_is_not_found(client, old):
    """Not a date, a month without a published post (May 2017 has a draft), or four digits
    in a folder, where they are as likely an id in one of this site's paths: 404."""
    assert client.get(old).status_code == 404


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?s=harbour+walks", "/search/?q=harbour+walks"),
        ("/index.php?s=caf%C3%A9&paged=2", "/search/?q=caf%C3%A9"),
        ("/blog/?s=hello", "/search/?q=hello"),
        ("/?s=", "/search/"),
    ],
)
def test_a_wordpress_search_moves_to_the_search_here(moves, old, new):
    """?s=<words> at the root or in the blog's folder is a search here (WordPress's paging
    left behind)."""
    moves(old, new)


def test_a_search_at_the_root_costs_no_query(client, django_assert_num_queries):
    """The home page's ?s= is answered before the page, without a query."""
    with django_assert_num_queries(0):
        assert client.get("/?s=harbour").status_code == 301


def test_a_search_of_unusable_text_is_no_server_error(client):
    """What a visitor types into ?s= never makes a 500."""
    for words in ("%00", "%FF", "a" * 5000):
        assert client.get(f"/?s={words}", follow=True).status_code < 500


def test_question_mark_tag_moves_to_the_tag(client, moves):
    """/?tag=<slug> leads to the tag (by its WordPress slug too); an unknown one is the home
    page."""
    moves("/?tag=harbours", "/tags/harbours/")
    moves("/?tag=markup-2", "/tags/markup/")
    assert client.get("/?tag=recipes").status_code == 200


def test_a_renamed_post_is_found_at_its_new_address(moves, edit):
    """The target is read when asked: a post renamed after the import is sent to its new slug."""
    post = Post.objects.get(slug="hello-world")
    edit(post, slug="hello-again")
    moves("/2016/03/14/hello-world/", "/posts/hello-again/")
    moves("/?p=10", "/posts/hello-again/")
    moves("/2016/03/14/hello-world/feed/", "/posts/hello-again/comments/feed/")


def test_a_draft_is_not_revealed_until_published(client, moves, edit):
    """A private post imported as a draft answers 404, not its new address; once published,
    its old link leads to it."""
    assert client.get("/2017/05/01/only-for-me/").status_code == 404
    assert client.get("/2017/05/01/only-for-me/feed/").status_code == 404
    assert client.get("/?p=13").status_code == 200

    edit(Post.objects.get(slug="only-for-me"), status=Post.Status.PUBLISHED)
    moves("/2017/05/01/only-for-me/", "/posts/only-for-me/")


def test_a_post_deleted_here_is_not_found(client, admin_client):
    """Its old link answers 404 once the post is gone."""
    post = Post.objects.get(slug="cafe-creme")
    response = admin_client.post(f"/admin/blog/post/{post.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert client.get("/café-crème/").status_code == 404
    assert client.get("/?p=11").status_code == 200


@pytest.mark.parametrize("old", ["/2016/03/14/nothing-here/", "/wp-login.php", "/%00/", "/a" * 400])
def test_an_unknown_old_path_is_the_usual_404_page(client, old):
    """Anything else answers the site's own 404 page, never a 500."""
    response = client.get(old)
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_only_reading_is_redirected(client):
    """A form sent to an old address is not turned into a GET of the post."""
    assert client.post("/2016/03/14/hello-world/").status_code == 404


def test_normal_pages_make_no_extra_query(client, django_assert_max_num_queries):
    """The home page and a post page keep their query budgets (2, and 7 cold)."""
    with django_assert_max_num_queries(2):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get("/posts/hello-world/").status_code == 200
