"""import_wordpress on a second run and on awkward files: what was deleted here stays deleted,
trash ages like any other, dates, summary and authors a real export brings."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from blog.models import Author, Post
from comments import services
from comments.models import Comment, Discussion
from wordpress.models import ImportedComment

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def imported_comment(wp_id):
    return ImportedComment.objects.get(wp_id=wp_id).comment


# --- Tombstones ---------------------------------------------------------------------------------


def test_a_comment_deleted_here_does_not_come_back(import_wordpress, moderator):
    """A comment deleted for good from the trash is left out of the next import, and counted."""
    import_wordpress("blog.xml")
    frank = imported_comment(106)
    services.delete_permanently(frank, moderator)
    count = Comment.objects.count()
    summary = import_wordpress("blog.xml")
    assert Comment.objects.count() == count
    assert not Comment.objects.filter(author_name="Frank").exists()
    assert summary.count("Comments deleted here since an import (left out)") == 1
    assert "Nothing changed" in summary


def test_imported_trash_is_emptied_like_any_other_and_stays_gone(import_wordpress):
    """An imported comment in the trash is dated as decided at the import, so emptying the
    trash deletes it; the next import does not bring it back."""
    before = datetime.now(UTC)
    import_wordpress("blog.xml")
    for name in ("Frank", "Grace", "Cheap Pills"):  # trash, rejected, spam
        assert Comment.objects.get(author_name=name).moderated_at >= before
    assert services.empty_trash(older_than_days=0) == (1, 0)
    assert not Comment.objects.filter(author_name="Frank").exists()
    import_wordpress("blog.xml")
    assert not Comment.objects.filter(author_name="Frank").exists()


def test_a_comment_erased_on_request_does_not_come_back(import_wordpress, moderator, settings):
    """An erasure that deletes the text (COMMENTS_ERASED_TEXT=delete) is not undone by an
    import of the same file."""
    settings.COMMENTS_ERASED_TEXT = "delete"
    import_wordpress("blog.xml")
    assert services.erase_commenter("carol@example.net", moderator, "the admin") == 1
    assert not Comment.objects.filter(author_name="Carol").exists()
    summary = import_wordpress("blog.xml")
    assert not Comment.objects.filter(author_name="Carol").exists()
    assert summary.count("Comments deleted here since an import (left out)") == 1


def test_a_post_deleted_in_the_admin_does_not_come_back(import_wordpress, admin_client):
    """Deleting an imported post leaves a key without it: the next import leaves it out and
    counts it."""
    import_wordpress("blog.xml")
    post = Post.objects.get(slug="half-written")
    response = admin_client.post(f"/admin/blog/post/{post.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    summary = import_wordpress("blog.xml")
    assert not Post.objects.filter(title="Half written").exists()
    assert summary.count("Posts deleted here since an import (left out)") == 1
    assert summary.count("Posts created") == 0
    assert "Nothing changed" in summary


def test_a_post_deleted_here_is_not_found_again_by_its_guid(import_wordpress, moved_blog_xml):
    """The export of the site under a new address matches the deleted post by its guid: it
    stays deleted, its comments too."""
    import_wordpress("blog.xml")
    Post.objects.get(slug="hello-world").delete()
    summary = import_wordpress(moved_blog_xml)
    assert not Post.objects.filter(title="Hello & welcome").exists()
    assert not Comment.objects.filter(author_name="Carol").exists()
    assert summary.count("Posts deleted here since an import (left out)") == 1


# --- Dates and summary --------------------------------------------------------------------------


def test_a_post_keeps_the_date_wordpress_last_changed_it(import_one):
    """updated_at is wp:post_modified_gmt, not the moment of the import."""
    import_one()
    assert Post.objects.get().updated_at == datetime(2021, 6, 15, 8, 30, tzinfo=UTC)


def test_the_summary_counts_posts_by_status_and_closed_discussions(import_wordpress):
    """Created posts are broken down into published, scheduled and drafts; closes counted."""
    summary = import_wordpress("blog.xml")
    assert summary.count("Posts created") == 8
    assert summary.count("    published") == 4
    assert summary.count("    scheduled") == 1
    assert summary.count("    draft") == 3
    assert summary.count("Discussions closed") == 1
    assert Discussion.objects.filter(closed_at__isnull=False).count() == 1


def test_the_breakdown_by_status_is_shown_only_when_posts_were_created(import_wordpress):
    """A run that creates no post lists no published, scheduled or draft rows under it."""
    import_wordpress("blog.xml")
    second = import_wordpress("blog.xml")
    assert second.count("Posts created") == 0
    for status in ("published", "scheduled", "draft"):
        assert f"    {status}" not in second


# --- Robustness ---------------------------------------------------------------------------------

AWKWARD_AUTHOR = (
    "<wp:author><wp:author_id>7</wp:author_id>"
    "<wp:author_login><![CDATA[>themereviewteam]]></wp:author_login>"
    "<wp:author_email><![CDATA[{email}]]></wp:author_email>"
    "<wp:author_display_name><![CDATA[Theme Review &amp; Team]]></wp:author_display_name>"
    "</wp:author>"
)


def test_an_author_django_cannot_store_as_is_is_cleaned_and_reported(import_one):
    """A login with characters usernames refuse and a 300-character email: the account gets
    a valid username and no email, the display name is decoded, and the import goes on."""
    email = "a" * 290 + "@example.org"
    summary = import_one(creator=">themereviewteam", authors=AWKWARD_AUTHOR.format(email=email))
    author = Post.objects.get().author
    assert author.user.username == "themereviewteam"
    assert author.user.email == ""
    assert author.display_name == "Theme Review & Team"
    assert summary.count("Authors created (accounts inactive, no password)") == 1
    assert "not a valid username here, the account is “themereviewteam”" in summary
    assert "is not a usable email address, left out" in summary


def test_a_creator_written_with_characters_a_username_drops_is_that_author(import_one):
    """dc:creator “>themereviewteam” for the author “themereviewteam” (as WordPress's theme
    unit test data has it) is that author, not a placeholder."""
    listed = AWKWARD_AUTHOR.format(email="team@example.org").replace(
        ">themereviewteam]", "themereviewteam]"
    )
    summary = import_one(creator=">themereviewteam", authors=listed)
    author = Post.objects.get().author
    assert author.user.username == "themereviewteam"
    assert Author.objects.get() == author
    assert "Placeholder" not in summary
    assert "Warnings" not in summary


def test_an_author_that_cannot_be_created_gets_a_placeholder(import_one, monkeypatch):
    """Any failure creating an author is reported; their posts are imported all the same."""
    from wordpress import authors

    real = authors._profile

    def failing(user, wp_author):
        if wp_author.wp_id:  # the described author, not the placeholder
            raise ValueError("the profile cannot be saved")
        return real(user, wp_author)

    monkeypatch.setattr(authors, "_profile", failing)
    summary = import_one(creator=">themereviewteam", authors=AWKWARD_AUTHOR.format(email=""))
    assert "could not be created (the profile cannot be saved)" in summary
    assert "Creator “>themereviewteam” is an author that could not be created" in summary
    assert Post.objects.get().author == Author.objects.get()
    assert summary.count("Placeholder authors for unknown creators") == 1


def test_new_comments_failing_on_an_imported_post_are_not_a_failed_post(import_wordpress, tmp_path):
    """A later export whose new comment is broken: the post was imported before, so the
    summary says its new comments failed, not the post."""
    import_wordpress("blog.xml")
    later = tmp_path / "later.xml"
    text = (FIXTURES / "blog.xml").read_text()
    broken = (
        "<wp:comment><wp:comment_id>111</wp:comment_id>"
        "<wp:comment_date_gmt>2026-13-45 99:00:00</wp:comment_date_gmt>"
        "<wp:comment_content>Late.</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
    )
    later.write_text(text.replace("</wp:comment>", "</wp:comment>" + broken, 1))
    summary = import_wordpress(later)
    assert summary.count("Posts imported before whose new comments failed (see the warnings)") == 1
    assert summary.count("Posts that failed (see the warnings)") == 1  # "Broken date" only
    assert "Post 10 “Hello &amp; welcome”: its new comments were not imported" in summary


def test_a_slug_of_letters_urls_here_cannot_take_is_reported(import_one):
    """A Cyrillic slug has nothing a-z: the post gets post-<id>, and the editor is told."""
    summary = import_one(title="Привет", post_name="%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82")
    assert Post.objects.get().slug == "post-1"
    assert "Post 1 “Привет”: its slug has no letters a web address here takes" in summary


def test_unreadable_discussion_meta_falls_back_to_the_switch(import_wordpress, blog_xml_with):
    """A _blog_discussion that is not JSON is reported; wp:comment_status still closes."""
    odd = (
        "<wp:postmeta><wp:meta_key>_blog_discussion</wp:meta_key>"
        "<wp:meta_value>{closed: yes}</wp:meta_value></wp:postmeta>"
    )
    id_90 = "<wp:post_id>90</wp:post_id>"
    summary = import_wordpress(blog_xml_with((id_90, id_90 + odd)))
    assert "Post 90 “An old debate”: _blog_discussion is not a JSON object" in summary
    assert Discussion.objects.get(post__title="An old debate").closed_at is not None
