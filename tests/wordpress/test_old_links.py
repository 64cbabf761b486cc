"""Old WordPress links keep working after an import: each leads to its place here for good."""

import pytest

from blog.models import Post
from wordpress.models import ImportedPost

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
