"""import_wordpress as a command: second runs, dry runs, namespaces, hostile and huge files."""

import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError

from blog.models import Post, Tag
from comments.models import Comment, Discussion, ModerationEvent
from wordpress.reader import WxrItem, read_wxr

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"

LATER_COMMENT = """<wp:comment>
    <wp:comment_id>111</wp:comment_id>
    <wp:comment_author><![CDATA[Late Larry]]></wp:comment_author>
    <wp:comment_author_email><![CDATA[larry@example.net]]></wp:comment_author_email>
    <wp:comment_date_gmt><![CDATA[2026-01-02 11:00:00]]></wp:comment_date_gmt>
    <wp:comment_content><![CDATA[Written after the first export.]]></wp:comment_content>
    <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
    <wp:comment_parent>101</wp:comment_parent>
</wp:comment>
"""


def everything():
    """What the import wrote, to compare two runs."""
    return (
        sorted(Post.objects.values_list("slug", "title", "body", "status", "updated_at")),
        sorted(Comment.objects.values_list("pk", "status", "parent", "in_reply_to")),
        Tag.objects.count(),
        ModerationEvent.objects.count(),
        sorted(Discussion.objects.values_list("post", "version", "closed_at")),
    )


def test_a_second_run_changes_nothing_and_says_so(import_wordpress):
    """Keyed by WordPress's ids: nothing is created or touched twice."""
    first = import_wordpress("blog.xml")
    before = everything()
    second = import_wordpress("blog.xml")
    assert everything() == before
    assert second.count("Posts created") == 0
    assert second.count("Posts already imported (left as they are)") == 8
    assert second.count("Comments created") == 0
    assert second.count("Comments already imported") == first.count("Comments created")
    assert second.count("Authors already imported (placeholders too)") == 3
    assert "Nothing changed" in second
    assert "Nothing changed" not in first


@pytest.mark.django_db(transaction=True)
def test_each_post_commits_on_its_own(import_wordpress):
    """Outside any test transaction, as in production: every post but the broken one stays."""
    summary = import_wordpress("blog.xml")
    assert Post.objects.count() == summary.count("Posts created") == 8
    assert summary.count("Posts that failed (see the warnings)") == 1


def test_edits_made_here_survive_a_second_run(import_wordpress):
    """An imported post an editor changed here is not overwritten by the export."""
    import_wordpress("blog.xml")
    Post.objects.filter(slug="hello-world").update(title="Edited here")
    import_wordpress("blog.xml")
    assert Post.objects.filter(title="Edited here").exists()
    assert not Post.objects.filter(title="Hello & welcome").exists()


def test_a_later_export_adds_only_the_new_comments(import_wordpress, tmp_path):
    """Comments written since the last export join the post imported before, in their thread."""
    import_wordpress("blog.xml")
    later = tmp_path / "later.xml"
    text = (FIXTURES / "blog.xml").read_text()
    later.write_text(text.replace("</wp:comment>", "</wp:comment>" + LATER_COMMENT, 1))
    summary = import_wordpress(later)
    larry = Comment.objects.get(author_name="Late Larry")
    assert larry.in_reply_to == Comment.objects.get(author_name="Dan & Co")
    assert larry.post.slug == "hello-world"
    assert summary.count("Comments created") == 1
    assert summary.count("Posts created") == 0
    assert "Nothing changed" not in summary


def test_a_site_moved_to_https_is_the_same_site(import_wordpress, blog_xml_with):
    """The source is keyed without its scheme: the export after a move to https matches."""
    import_wordpress("blog.xml")
    moved = blog_xml_with(("http://old.", "https://old."))
    assert "Nothing changed" in import_wordpress(moved)


def test_a_site_moved_to_another_address_is_found_by_its_guids(import_wordpress, moved_blog_xml):
    """An export taken under a new domain names the same posts by their guids."""
    import_wordpress("blog.xml")
    summary = import_wordpress(moved_blog_xml)
    assert summary.count("Posts created") == 0
    assert Post.objects.count() == 8


def test_posts_sharing_a_guid_are_still_two_posts(import_wordpress, blog_xml_with):
    """WordPress gives a copied post its original's guid: within one site, the id decides."""
    shared = blog_xml_with(("/?p=20</guid>", "/?p=10</guid>"))
    first = import_wordpress(shared)
    assert first.count("Posts created") == 8
    assert Post.objects.filter(slug__in=["hello-world", "coming-soon"]).count() == 2
    assert "Nothing changed" in import_wordpress(shared)


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(import_wordpress):
    """--dry-run counts the import and rolls all of it back."""
    summary = import_wordpress("blog.xml", "--dry-run")
    assert "(dry run: nothing was saved)" in summary
    assert summary.count("Posts created") == 8
    assert summary.count("Comments created") == 9
    assert not Post.objects.exists()
    assert not Comment.objects.exists()
    assert not Tag.objects.exists()
    assert not Discussion.objects.exists()


def test_https_namespaces_of_wxr_1_1_are_read(import_wordpress):
    """The https:// namespace form (and WXR 1.1) imports like the http:// one."""
    summary = import_wordpress("deep_thread.xml")
    post = Post.objects.get(slug="a-long-argument")
    assert post.standfirst == "Ten levels of replies."
    assert post.author.display_name == "Dee Thread"
    assert summary.count("Comments created") == 10
    assert "WordPress import from deep.example.org" in summary


def test_a_progress_bar_goes_to_stderr(import_wordpress):
    """The bar counts the bytes read, up to the whole file."""
    progress = import_wordpress("deep_thread.xml").progress
    assert "Importing: 100%" in progress
    assert "7.32k/7.32k" in progress  # the fixture's 7,321 bytes


@pytest.mark.parametrize(
    "fixture", ["billion_laughs.xml", "external_entity.xml", "external_dtd.xml"]
)
def test_entities_and_dtds_are_refused(import_wordpress, fixture):
    """A DTD (entity bombs, external entities or DTDs) stops the import before anything."""
    with pytest.raises(CommandError, match="declares a document type") as error:
        import_wordpress(fixture)
    assert "Nothing was imported." in str(error.value)
    assert "root:" not in str(error.value)  # /etc/passwd was never read
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body>Not an export</body></html>", "its root is not <rss>"),
        (b'<rss version="2.0"><channel><title>A feed</title></channel></rss>', "wxr_version"),
        (b"not xml at all", "not well-formed XML"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(import_wordpress, tmp_path, content, message):
    """A clear error, non-zero exit status, nothing imported."""
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        import_wordpress(path)


def test_a_missing_file_is_a_clear_error(import_wordpress, tmp_path):
    """The command says it cannot read the file."""
    with pytest.raises(CommandError, match=r"Cannot read .*: No such file or directory"):
        import_wordpress(tmp_path / "nowhere.xml")


def test_a_truncated_file_keeps_what_came_before(import_wordpress, tmp_path):
    """An export cut short: the posts before the cut are imported and the error says so."""
    text = (FIXTURES / "blog.xml").read_text()
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("<title><![CDATA[Only for me]]>")])
    with pytest.raises(CommandError, match="What was read before that point is imported"):
        import_wordpress(cut)
    assert set(Post.objects.values_list("slug", flat=True)) == {
        "hello-world",
        "coming-soon",
        "half-written",
    }


def _export(path, items):
    """A WXR file of ``items`` posts of a few KB each, with comments."""
    comment = (
        "<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_content><![CDATA["
        + "A comment of some length. " * 20
        + "]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>"
    )
    with path.open("w") as out:
        out.write(
            '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<wp:wxr_version>1.2</wp:wxr_version>"
        )
        for n in range(items):
            out.write(
                f"<item><title>Post {n}</title><wp:post_id>{n}</wp:post_id>"
                f"<content:encoded><![CDATA[{'Body text. ' * 200}]]></content:encoded>"
                + "".join(comment.format(n=n * 10 + c) for c in range(5))
                + "</item>"
            )
        out.write("</channel></rss>")


def _peak_while_reading(path):
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            count = sum(isinstance(entry, WxrItem) for entry in read_wxr(stream))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_takes_the_memory_of_one_item_whatever_the_file_size(tmp_path):
    """Eight times the items, not eight times the memory: read items are dropped."""
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    _export(small, 100)
    _export(large, 800)
    assert large.stat().st_size > 4_000_000  # 8 × about 570 KB
    small_count, small_peak = _peak_while_reading(small)
    large_count, large_peak = _peak_while_reading(large)
    assert (small_count, large_count) == (100, 800)
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
