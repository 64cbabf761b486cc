"""import_wordpress: how WordPress's stored post text becomes this site's body."""

import pytest

from blog.models import Post

pytestmark = pytest.mark.django_db

EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>http://one.example.org</wp:base_site_url>
  <item>
    <title>The post</title>
    <dc:creator>writer</dc:creator>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <wp:post_id>1</wp:post_id>
    <wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>the-post</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
</channel>
</rss>
"""


@pytest.fixture
def import_body(import_wordpress, tmp_path):
    """``import_body(content)``: import one post with that content; (post, summary)."""

    def run(content):
        path = tmp_path / "one.xml"
        path.write_text(EXPORT.format(content=content))
        summary = import_wordpress(path)
        return Post.objects.get(slug="the-post"), summary

    return run


def test_html_that_has_its_paragraphs_comes_back_unchanged(import_body):
    """This site's own bodies (the exporter's) get no extra paragraphs or line breaks."""
    body = (
        '<h2>Title</h2>\n<p>One line\nand a <a href="https://example.org/">link</a>.</p>\n\n'
        '<blockquote><p>Quoted</p></blockquote>\n<pre tabindex="0">code\n\nmore</pre>\n'
        '<figure><img src="https://example.org/a.png" alt="A"><figcaption>A</figcaption>'
        "</figure>"
    )
    post, _ = import_body(body)
    assert post.body == body


def test_text_between_blocks_gets_paragraphs_and_pre_keeps_its_lines(import_body):
    """Blank lines make paragraphs outside blocks; <pre> and lists are left as they are."""
    post, _ = import_body("Intro line\nsecond\n<pre>a\n\nb</pre>\nOutro\n\n<hr>Tail")
    assert post.body == (
        '<p>Intro line<br>\nsecond</p>\n<pre tabindex="0">a\n\nb</pre>\n<p>Outro</p>\n\n'
        "<hr><p>Tail</p>"
    )


def test_video_and_audio_shortcodes(import_body):
    """[video] of a provider becomes related media (in the order found); a self-hosted file
    of [audio] or [video] becomes a link."""
    post, summary = import_body(
        '[video src="https://vimeo.com/76979871"]\n\n'
        "[video]https://youtu.be/dQw4w9WgXcQ[/video]\n\n"
        '[audio mp3="https://files.example.org/talk.mp3"][/audio]\n\n'
        '[video width="640" mp4="https://files.example.org/clip.mp4"]'
    )
    assert list(post.media.values_list("url", "position")) == [
        ("https://vimeo.com/76979871", 0),
        ("https://youtu.be/dQw4w9WgXcQ", 1),
    ]
    assert '<a href="https://files.example.org/talk.mp3">' in post.body
    assert '<a href="https://files.example.org/clip.mp4">' in post.body
    assert "[video" not in post.body
    assert summary.count("Media URLs kept as links") == 2


def test_unknown_shortcodes_are_counted_but_brackets_in_prose_are_not(import_body):
    """Plugin shortcodes (attributes, closing tags) are reported; “[sic]” is just text."""
    post, summary = import_body(
        'He said [sic] so. [contact-form-7 id="4"] [note]Read me[/note] [playlist]'
    )
    assert "He said [sic] so." in post.body
    assert summary.count("Shortcode [contact-form-7] kept as text") == 1
    assert summary.count("Shortcode [note] kept as text") == 1
    assert summary.count("Shortcode [playlist] kept as text") == 1
    assert "[sic]" not in summary


def test_a_caption_given_as_an_attribute(import_body):
    """Old WordPress put the caption in caption="…": it becomes the figcaption too."""
    post, _ = import_body(
        '[caption id="a" caption="Old &amp; style"]<img src="https://example.org/b.png" '
        'alt="B">[/caption]'
    )
    assert post.body == (
        '<figure><img src="https://example.org/b.png" alt="B">'
        "<figcaption>Old &amp; style</figcaption></figure>"
    )
