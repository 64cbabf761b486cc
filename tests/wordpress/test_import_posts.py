"""import_wordpress: posts, authors, tags, bodies and media from a WordPress export."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from blog.models import Author, MediaEmbed, Post, Tag
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(import_wordpress):
    """The blog.xml fixture imported into an empty site."""
    return import_wordpress("blog.xml")


def test_statuses_map_to_published_scheduled_and_draft(imported):
    """publish → published, future → scheduled, draft → draft (undated), private and
    password-protected → draft; the trash is skipped."""
    posts = {post.slug: post for post in Post.objects.all()}
    assert posts["hello-world"].status == Post.Status.PUBLISHED
    assert posts["hello-world"].published_at == datetime(2016, 3, 1, 9, 30, tzinfo=UTC)
    assert posts["coming-soon"].status == Post.Status.PUBLISHED
    assert posts["coming-soon"].published_at == datetime(2099, 1, 1, 8, 0, tzinfo=UTC)
    assert not posts["coming-soon"].is_public
    assert posts["half-written"].status == Post.Status.DRAFT
    assert posts["half-written"].published_at is None
    assert posts["only-for-me"].status == Post.Status.DRAFT
    assert posts["members-only"].status == Post.Status.DRAFT
    assert "binned-post" not in posts
    assert imported.count("Posts created") == 8
    assert imported.count("Posts in WordPress's trash skipped") == 1


def test_private_and_password_posts_are_reported(imported):
    """The summary warns about each post made a draft because WordPress hid it."""
    assert "Post 40 “Only for me”: private on WordPress, imported as a draft." in imported
    assert (
        "Post 50 “Members only”: password-protected on WordPress, imported as a draft "
        "(never public)." in imported
    )


def test_pages_attachments_and_menu_items_are_skipped_and_counted(imported):
    """Only posts are imported; the other item types are counted by type."""
    assert imported.count("Pages skipped") == 1
    assert imported.count("Attachments skipped") == 1
    assert imported.count("Menu items skipped") == 1
    assert not Post.objects.filter(title__in=["About", "harbour.jpg", "Home"]).exists()


def test_comments_on_skipped_items_are_counted(import_wordpress, blog_xml_with):
    """Comments on a page or a trashed post are not imported, and the summary says so."""
    comment = (
        "<wp:comment><wp:comment_id>{}</wp:comment_id><wp:comment_content>Nice page."
        "</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>"
    )
    page, trash = "<wp:post_id>70</wp:post_id>", "<wp:post_id>60</wp:post_id>"
    commented = blog_xml_with(
        (page, page + comment.format(701) + comment.format(702)),
        (trash, trash + comment.format(601)),
    )
    summary = import_wordpress(commented)
    assert summary.count("Comments on skipped pages and other items") == 3
    assert not Comment.objects.filter(body="Nice page.").exists()


def test_authors_become_inactive_accounts_with_profiles(imported):
    """wp:author → an inactive account without a usable password, and an author profile."""
    alice = get_user_model().objects.get(username="alice")
    assert not alice.is_active
    assert not alice.has_usable_password()
    assert (alice.email, alice.first_name, alice.last_name) == (
        "alice@old.example.org",
        "Alice",
        "Writer",
    )
    assert alice.author.display_name == "Alice Writer"
    assert alice.author.slug == "alice-writer"
    assert Post.objects.get(slug="coming-soon").author.display_name == "Bob Editor"
    assert imported.count("Authors created (accounts inactive, no password)") == 2


def test_an_unknown_creator_gets_a_placeholder_author(imported):
    """dc:creator naming no wp:author makes a placeholder author from the login, reported."""
    post = Post.objects.get(slug="by-a-ghost")
    assert post.author.display_name == "ghostwriter"
    assert not post.author.user.is_active
    assert imported.count("Placeholder authors for unknown creators") == 1
    assert "Creator “ghostwriter” is not among the export's authors" in imported


def test_an_existing_account_with_the_same_email_is_reused(make_author, import_wordpress):
    """A login and email that match an account here are that person: no second account."""
    bob = make_author(username="bob", display_name="Bob Here")
    bob.user.email = "BOB@old.example.org"
    bob.user.save()
    summary = import_wordpress("blog.xml")
    assert Post.objects.get(slug="coming-soon").author == bob
    assert get_user_model().objects.filter(username__startswith="bob").count() == 1
    assert bob.user.is_active  # left as it was
    assert summary.count("Authors matched to existing accounts") == 1


def test_a_username_clash_with_another_person_gets_a_suffix(make_author, import_wordpress):
    """Same username, other email: another person, whose account gets a free username."""
    make_author(username="alice")  # alice@example.org, not the WordPress one
    summary = import_wordpress("blog.xml")
    imported_alice = get_user_model().objects.get(username="alice-2")
    assert imported_alice.email == "alice@old.example.org"
    assert Post.objects.get(slug="hello-world").author.user == imported_alice
    assert "Author “alice”: the username “alice” belongs to another person here" in summary


def test_title_excerpt_and_tags(imported):
    """Entities in titles are decoded; the excerpt is the plain-text standfirst; categories
    and tags become tags by nicename (WordPress's default category is not a topic)."""
    post = Post.objects.get(slug="hello-world")
    assert post.title == "Hello & welcome"
    assert post.standfirst == "A warm welcome & an introduction."
    assert sorted(post.tags.values_list("slug", flat=True)) == ["harbours", "news"]
    assert not Tag.objects.filter(slug="uncategorized").exists()
    debate = Post.objects.get(slug="an-old-debate")
    assert list(debate.tags.all()) == [Tag.objects.get(slug="news")]  # one tag, shared


def test_a_term_found_here_by_name_keeps_its_old_address(import_wordpress, client):
    """A WordPress tag that became a tag of this site by its name (another slug) still
    answers its old address."""
    ports = Tag.objects.create(name="Harbours", slug="ports")
    import_wordpress("blog.xml")
    assert ports in Post.objects.get(slug="hello-world").tags.all()
    response = client.get("/tag/harbours/")
    assert response.status_code == 301
    assert response["Location"] == "/tags/ports/"


def test_body_gets_paragraphs_figures_and_is_sanitised(imported):
    """wpautop's paragraphs and line breaks, [caption] as a figure, lists left alone, and
    scripts removed (reported)."""
    body = Post.objects.get(slug="hello-world").body
    assert "<p>First paragraph of the first post.<br>\nIt continues on a second line.</p>" in body
    assert (
        '<figure><img src="https://old.example.org/wp-content/uploads/harbour.jpg" '
        'alt="The harbour" width="300" height="200" loading="lazy" decoding="async">'
        "<figcaption>The harbour at dawn</figcaption></figure>"
    ) in body
    assert "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>" in body
    assert body.endswith("</ul>\n\n<p>Last words.</p>")  # the script is gone, code and all
    assert imported.count("Scripts and styles removed from bodies") == 1
    assert Post.objects.get(slug="an-old-debate").body == "<p>Block editor paragraph.</p>"


def test_provider_videos_become_related_media_and_others_links(imported):
    """A YouTube URL alone on its line leaves the body for the related media; an [embed]
    of another site is a plain link; both are counted."""
    post = Post.objects.get(slug="hello-world")
    assert [(m.url, m.title, m.position) for m in post.media.all()] == [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube video: Hello & welcome", 0)
    ]
    assert "youtube" not in post.body
    assert (
        '<p><a href="https://example.com/not-a-video">https://example.com/not-a-video</a></p>'
        in post.body
    )
    assert imported.count("Related media added") == 2
    assert imported.count("Media URLs kept as links") == 1


def test_related_media_postmeta_is_read_and_unsafe_urls_left_out(imported):
    """_blog_related_media (the exporter's) gives the media in order; a hostile URL is
    refused and reported."""
    media = MediaEmbed.objects.get(post__slug="an-old-debate")
    assert (media.url, media.title, media.credit, media.caption, media.position) == (
        "https://vimeo.com/76979871",
        "The debate, filmed",
        "Filmed by Bob",
        "Part one",
        0,
    )
    assert "related media “javascript:alert(1)” left out" in imported


def test_unknown_shortcodes_stay_as_text_and_are_counted(imported):
    """[gallery] has no equivalent here: kept as text, counted by name."""
    assert '[gallery ids="11,12,13"]' in Post.objects.get(slug="hello-world").body
    assert imported.count("Shortcode [gallery] kept as text") == 1


def test_a_broken_item_is_reported_and_skipped_whole(imported):
    """A post with an impossible date is not imported, nor its tag or comment; the others are."""
    assert not Post.objects.filter(slug="broken-date").exists()
    assert not Tag.objects.filter(slug="broken-only").exists()
    assert imported.count("Posts that failed (see the warnings)") == 1
    assert "Post 96 “Broken date” was not imported: the date “2019-13-45 99:00:00”" in imported


def test_a_slug_taken_here_gets_a_suffix(make_post, import_wordpress):
    """A post here with the same slug keeps it; the imported one is renamed and reported."""
    make_post(title="Ours").__class__.objects.filter(title="Ours").update(slug="taken-here")
    summary = import_wordpress("blog.xml")
    assert Post.objects.get(title="Second Hello").slug == "taken-here-2"
    assert "the slug “taken-here” is taken here: imported as “taken-here-2”." in summary


def test_reader_pages_of_imported_posts(imported, client):
    """Readers see the published post; drafts, private and password posts are 404."""
    page = client.get("/posts/hello-world/")
    assert page.status_code == 200
    assert "Hello &amp; welcome" in page.content.decode()
    for slug in ("half-written", "only-for-me", "members-only", "coming-soon"):
        assert client.get(f"/posts/{slug}/").status_code == 404, slug
    assert Author.objects.count() == 3
