"""import_wordpress: how WordPress's stored post text becomes this site's body."""

import pytest

from blog.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def import_body(import_one):
    """``import_body(content)``: import one post with that content; (post, summary)."""

    def run(content):
        summary = import_one(content=content)
        return Post.objects.get(slug="the-post"), summary

    return run


def test_html_that_has_its_paragraphs_comes_back_unchanged(import_body):
    """This site's own bodies (the exporter's) get no extra paragraphs or line breaks."""
    body = (
        '<h2>Title</h2>\n<p>One line\nand a <a href="https://example.org/">link</a>.</p>\n\n'
        '<blockquote><p>Quoted</p></blockquote>\n<pre tabindex="0">code\n\nmore</pre>\n'
        '<figure><img src="https://example.org/a.png" alt="A" loading="lazy" decoding="async">'
        "<figcaption>A</figcaption></figure>"
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
        '<figure><img src="https://example.org/b.png" alt="B" loading="lazy" decoding="async">'
        "<figcaption>Old &amp; style</figcaption></figure>"
    )


def test_a_body_this_site_exported_is_taken_as_it_is(import_one):
    """With _blog_body_format=html a body without paragraphs gets none added, and a
    shortcode-looking text stays text."""
    body = 'Line one\nline two\n\n[video src="https://vimeo.com/76979871"] <em>as typed</em>'
    meta = (
        "<wp:postmeta><wp:meta_key>_blog_body_format</wp:meta_key>"
        "<wp:meta_value>html</wp:meta_value></wp:postmeta>"
    )
    import_one(content=body, extra=meta)
    post = Post.objects.get(slug="the-post")
    assert post.body == body
    assert not post.media.exists()


def test_markup_an_article_cannot_keep_is_adapted_or_reported(import_body):
    """<h1> becomes <h2>; a table a paragraph per row; text in <div>s its paragraphs; what
    is lost (tables, iframes, forms) is named in the post's warning."""
    post, summary = import_body(
        "<h1>Big title</h1>\n"
        "<table><caption>Prices</caption><tr><th>Item</th><th>Price</th></tr>"
        "<tr><td>Tea</td><td>2 €</td></tr></table>\n"
        '<div class="note">First run</div><div>Second run</div>\n'
        '<iframe src="https://maps.example/embed"></iframe>'
        '<form action="/subscribe"><input name="email"></form>'
    )
    assert "<h2>Big title</h2>" in post.body
    assert "<p>Prices</p>" in post.body
    assert "<p>Item | Price</p>" in post.body
    assert "<p>Tea | 2 €</p>" in post.body
    assert "<p>First run</p>" in post.body
    assert "<p>Second run</p>" in post.body
    assert (
        "Post 1 “The post”: markup this site does not keep was removed: form, iframe, input, "
        "table." in summary
    )
    assert summary.count("Posts with markup removed (see the warnings)") == 1


def test_spans_and_known_markup_are_not_reported(import_body):
    """Harmless wrappers lose nothing a reader sees: no warning."""
    _, summary = import_body('<p><span style="color:red">Red</span> <strong>bold</strong></p>')
    assert "markup this site does not keep" not in summary


def test_audio_with_the_url_alone_becomes_a_link(import_body):
    """[audio URL] and [audio src=URL] are links like any media file we cannot play."""
    post, summary = import_body(
        "[audio https://files.example.org/one.mp3]\n\n[audio src=https://files.example.org/two.ogg]"
    )
    assert '<a href="https://files.example.org/one.mp3">' in post.body
    assert '<a href="https://files.example.org/two.ogg">' in post.body
    assert "[audio" not in post.body
    assert "Shortcode [audio]" not in summary


def test_shortcodes_kept_as_text_are_named_per_post(import_body):
    """The post's warning names the shortcodes left in its text; the totals stay."""
    _, summary = import_body('[gallery ids="1,2"] [contact-form-7 id="4"] [gallery]')
    assert "Post 1 “The post”: shortcodes kept as text: [contact-form-7], [gallery]." in summary
    assert summary.count("Shortcode [gallery] kept as text") == 2


def test_images_still_on_the_old_site_are_counted_per_post(import_body):
    """Images in the old site's uploads stop loading when it closes: the editor is told."""
    _, summary = import_body(
        '<img src="http://one.example.org/wp-content/uploads/2015/a.jpg" alt="">'
        '<img src="https://one.example.org/wp-content/uploads/2015/b.jpg" alt="">'
        '<img src="https://one.example.org/wp-content/uploads/2016/c.png" alt="">'
        '<img src="https://cdn.example.com/d.png" alt="">'
    )
    assert "Post 1 “The post”: 3 images still load from the old site" in summary
    assert summary.count("Images still loading from the old site") == 3


def test_a_reference_to_the_exporting_sites_library_is_dropped(import_body):
    """A data-file id names a picture of the other site: the image keeps only its address."""
    post, _ = import_body(
        '<p><img src="https://other.example.org/media/a.jpg" data-file="1" alt="A"></p>'
    )
    assert "data-file" not in post.body
    assert 'src="https://other.example.org/media/a.jpg"' in post.body
