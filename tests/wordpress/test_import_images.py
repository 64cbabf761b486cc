"""import_wordpress --fetch-images: the old site's pictures copied into the image library."""

import os
import re
import threading
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image as Pillow

from blog.models import Image, Post
from blog.sanitize import refer_to_library
from wordpress.models import ImportedImage

pytestmark = pytest.mark.django_db

EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <link>{site}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{site}</wp:base_site_url>
  <item>
    <title>Kites</title>
    <dc:creator>writer</dc:creator>
    <content:encoded><![CDATA[{body}]]></content:encoded>
    <wp:post_id>10</wp:post_id>
    <wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>kites</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>{featured}
  </item>
  {attachments}
</channel>
</rss>
"""
# id, file, parent, title, caption, credit, alt
ATTACHMENTS = [
    (21, "red-kite.jpg", 0, "Red kite", "Over the ridge", "Photo: Ann Lee", "A red kite gliding"),
    (22, "gallery-a.png", 0, "First of the gallery", "", "", ""),
    (23, "gallery-b.png", 0, "gallery_b", "", "", ""),
    (24, "attached.png", 10, "", "Attached caption", "", "An attached picture"),
    (25, "missing.jpg", 0, "Gone", "", "", "Gone"),
]


def attachment(site, wp_id, name, parent, title, caption, credit, alt):
    return f"""<item>
    <title>{title}</title>
    <content:encoded><![CDATA[{credit}]]></content:encoded>
    <excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
    <wp:post_id>{wp_id}</wp:post_id>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:status>inherit</wp:status>
    <wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>{site}/wp-content/uploads/2020/01/{name}</wp:attachment_url>
    <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
      <wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta>
  </item>"""


class Server:
    """A local web server for a folder of pictures; the paths it was asked for."""

    def __init__(self, folder):
        requested = self.requested = []

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def do_GET(self):
                requested.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.serve(Handler)

    def serve(self, handler):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"http://{self.origin}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path):
    folder = tmp_path / "site" / "wp-content" / "uploads" / "2020" / "01"
    folder.mkdir(parents=True)
    for name, size in [
        ("red-kite.jpg", (640, 480)),
        ("red-kite-300x225.jpg", (300, 225)),
        ("gallery-a.png", (60, 40)),
        ("gallery-b.png", (60, 40)),
        ("attached.png", (60, 40)),
        ("inline.png", (50, 50)),
    ]:
        Pillow.new("RGB", size, "teal").save(folder / name)
    (folder / "broken.jpg").write_bytes(b"this is no picture")
    (folder / "huge.png").write_bytes(os.urandom(300_000))
    served = Server(tmp_path / "site")
    yield served
    served.close()


BODY = """<p>Intro.</p>
[caption id="attachment_21" width="300"]<a href="{up}/red-kite.jpg"><img class="wp-image-21 \
size-medium" src="{up}/red-kite-300x225.jpg" alt="The kite, seen from below" width="300" \
height="225" srcset="{up}/red-kite-300x225.jpg 300w, {up}/red-kite.jpg 640w" /></a> A kite\
[/caption]

<img src="{up}/red-kite.jpg" alt="" />

<img src="{up}/inline.png" alt="Inline" />

[gallery ids="22,23"]

[gallery]

<img src="{up}/missing.jpg" alt="Lost" /> <img src="{up}/broken.jpg" alt="Broken" />
<img src="{up}/huge.png" alt="Huge" /> <img src="http://elsewhere.example/cat.jpg" alt="Cat" />
"""


@pytest.fixture
def import_wordpress(import_wordpress, server):
    """The import, the test server named with --fetch-images-from as an operator would:
    it is at 127.0.0.1, a private address the file alone may not name. ``.untrusted``
    runs it without."""

    def run(file, *options):
        named = ("--fetch-images-from", server.origin) if "--fetch-images" in options else ()
        return import_wordpress(file, *options, *named)

    run.untrusted = import_wordpress
    return run


@pytest.fixture
def export(server, tmp_path):
    """The export file of the server's site: one post using every kind of picture."""
    site = server.url
    path = tmp_path / "export.xml"
    path.write_text(
        EXPORT.format(
            site=site,
            body=BODY.format(up=f"{site}/wp-content/uploads/2020/01"),
            featured="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
            "<wp:meta_value>21</wp:meta_value></wp:postmeta>",
            attachments="\n".join(attachment(site, *a) for a in ATTACHMENTS),
        )
    )
    return path


@pytest.fixture(autouse=True)
def _small_cap(settings):
    settings.BLOG_IMAGE_MAX_BYTES = 200_000


def test_featured_image_copied_with_alt_caption_and_credit(import_wordpress, export):
    """The featured image comes from its attachment, with its alt text, caption and credit."""
    summary = import_wordpress(export, "--fetch-images")
    post = Post.objects.get(slug="kites")
    image = post.featured_image
    assert (image.alt, image.caption, image.credit) == (
        "The kite, seen from below",  # the body used it first, with the author's words
        "Over the ridge",
        "Photo: Ann Lee",
    )
    assert (image.width, image.height) == (640, 480)
    assert summary.count("Featured images set") == 1
    assert "Featured images left at the old site" not in summary


def test_body_picture_and_size_variant_become_one_library_image(import_wordpress, export, server):
    """A size variant and its original are one picture, downloaded once (the original)."""
    import_wordpress(export, "--fetch-images")
    body = Post.objects.get(slug="kites").body
    kite = ImportedImage.objects.get(url__endswith="/red-kite.jpg").image
    assert body.count(f'data-file="{kite.pk}"') == 2
    assert 'alt="The kite, seen from below"' in body  # the author's alt kept
    assert f'src="{kite.file.url}"' in body
    assert "srcset=" in body
    assert "red-kite-300x225" not in body
    assert f'href="{kite.file.url}"' in body  # the link to the original leads here
    assert server.requested.count("/wp-content/uploads/2020/01/red-kite.jpg") == 1
    assert not [p for p in server.requested if "300x225" in p]
    inline = ImportedImage.objects.get(url__endswith="/inline.png").image
    assert f'data-file="{inline.pk}"' in body
    assert inline.alt == "Inline"


def test_galleries_become_figures(import_wordpress, export):
    """[gallery ids=...] shows the listed pictures, [gallery] the post's attached ones."""
    summary = import_wordpress(export, "--fetch-images")
    body = Post.objects.get(slug="kites").body
    assert "[gallery" not in body
    ids = [
        ImportedImage.objects.get(url__endswith=f"/{n}").image.pk
        for n in ("gallery-a.png", "gallery-b.png", "attached.png")
    ]
    for pk in ids:
        assert f'data-file="{pk}"' in body
    assert "<figcaption>Attached caption</figcaption>" in body
    assert summary.count("Galleries turned into figures") == 2
    assert "Shortcode [gallery]" not in summary
    # No alt text in the export: the title, else the file name, to check.
    assert Image.objects.get(pk=ids[0]).alt == "First of the gallery"
    assert Image.objects.get(pk=ids[1]).alt == "gallery_b"
    assert (
        summary.count(
            "Copied pictures whose alt text is their title or file name (see the warnings)"
        )
        == 2
    )


def test_failures_are_warnings_and_pictures_stay(import_wordpress, export, server):
    """A 404, a broken file, a too-big file and another host leave those pictures as they
    were, with a warning each; the rest is imported."""
    summary = import_wordpress(export, "--fetch-images")
    up = f"{server.url}/wp-content/uploads/2020/01"
    body = Post.objects.get(slug="kites").body
    for name in ("missing.jpg", "broken.jpg", "huge.png"):
        assert f'src="{up}/{name}"' in body
    assert 'src="http://elsewhere.example/cat.jpg"' in body
    assert f"{up}/missing.jpg was not copied: the server answered 404" in summary
    assert f"{up}/broken.jpg was not copied:" in summary
    assert f"{up}/huge.png was not copied: it is larger than" in summary
    assert summary.count("Pictures that could not be copied (see the warnings)") == 3
    assert summary.count("Pictures left on other hosts (see the warnings)") == 1
    assert summary.count("Pictures copied into the image library") == 5
    assert summary.count("Posts created") == 1
    assert Image.objects.count() == 5


def test_second_run_asks_only_for_the_failed_pictures(import_wordpress, export, server):
    """Running the import again downloads only what failed, and changes nothing when it
    fails again."""
    import_wordpress(export, "--fetch-images")
    body = Post.objects.get(slug="kites").body
    asked = len(server.requested)
    summary = import_wordpress(export, "--fetch-images")
    assert sorted(server.requested[asked:]) == sorted(
        f"/wp-content/uploads/2020/01/{n}" for n in ("missing.jpg", "broken.jpg", "huge.png")
    )
    assert "Nothing changed" in summary
    assert Image.objects.count() == 5
    assert Post.objects.get(slug="kites").body == body


def test_copied_picture_reused_by_a_later_post(import_wordpress, export, server, tmp_path):
    """A picture copied by an earlier run is reused by a new post, not downloaded again."""
    import_wordpress(export, "--fetch-images")
    asked = len(server.requested)
    later = tmp_path / "later.xml"
    later.write_text(
        export.read_text()
        .replace("<wp:post_id>10<", "<wp:post_id>11<")
        .replace("<wp:post_name>kites<", "<wp:post_name>more-kites<")
    )
    import_wordpress(later, "--fetch-images")
    post = Post.objects.get(slug="more-kites")
    assert post.featured_image == Post.objects.get(slug="kites").featured_image
    # Only the pictures that failed are asked for again.
    assert sorted(server.requested[asked:]) == sorted(
        f"/wp-content/uploads/2020/01/{n}" for n in ("missing.jpg", "broken.jpg", "huge.png")
    )


def test_without_the_flag_no_request(import_wordpress, export, server):
    """Without --fetch-images nothing is downloaded, and the report says the flag exists."""
    summary = import_wordpress(export)
    assert server.requested == []
    assert Image.objects.count() == 0
    assert summary.count("Featured images left at the old site") == 1
    assert "import with --fetch-images" in summary


def test_dry_run_downloads_nothing(import_wordpress, export, server):
    """A dry run downloads nothing and says how many pictures it would copy."""
    summary = import_wordpress(export, "--fetch-images", "--dry-run")
    assert server.requested == []
    assert summary.count("Pictures to copy into the image library") == 8
    assert Image.objects.count() == 0
    assert not Post.objects.exists()


def test_other_hosts_only_when_named(import_wordpress, export, server, tmp_path):
    """Pictures on another host than the site's are copied only from a host named with
    --fetch-images-from (a CDN)."""
    site = "<wp:base_site_url>http://localhost"
    text = export.read_text().replace("127.0.0.1", "localhost")
    cdn = tmp_path / "cdn.xml"
    cdn.write_text(text.replace(site, "<wp:base_site_url>http://old.example.org"))
    cdn.write_text(
        cdn.read_text().replace("<link>http://localhost", "<link>http://old.example.org")
    )
    summary = import_wordpress(cdn, "--fetch-images")
    assert server.requested == []
    # Each distinct address once: the post's eight pictures and the cat.
    assert summary.count("Pictures left on other hosts (see the warnings)") == 9
    local = server.origin.replace("127.0.0.1", "localhost")
    assert (
        f"Pictures on other hosts were left where they are (distinct addresses): {local} (8), "
        "elsewhere.example (1). To copy those of a host too (the old site's own, such as its "
        f"WordPress.com files), add --fetch-images-from {local}"
    ) in summary
    again = tmp_path / "cdn-again.xml"
    again.write_text(cdn.read_text().replace("<wp:post_id>10<", "<wp:post_id>12<"))
    summary = import_wordpress(again, "--fetch-images", "--fetch-images-from", local)
    # All but the [gallery] of post 10's attachment (this post is another).
    assert summary.count("Pictures copied into the image library") == 4


def test_refer_to_library_marks_the_pictures_of_the_mapping(make_post):
    """refer_to_library adds data-file to the images of the mapping and drops their sizes."""
    image = Image(pk=7, file="images/kite.jpg")
    html = refer_to_library(
        '<p><a href="http://a.example/k.jpg"><img src="http://a.example/k-1x1.jpg" alt="K"'
        ' width="1" srcset="http://a.example/k-1x1.jpg 1w"></a>'
        '<img src="http://b.example/other.jpg" alt="O" width="2"></p>',
        {"http://a.example/k-1x1.jpg": image, "http://a.example/k.jpg": image},
    )
    assert 'data-file="7"' in html
    assert "srcset" not in html
    assert 'width="1"' not in html
    assert f'href="{image.file.url}"' in html
    assert '<img src="http://b.example/other.jpg" alt="O" width="2"' in html


def uploads(tmp_path):
    return tmp_path / "site" / "wp-content" / "uploads" / "2020" / "01"


def write_export(path, site, body, attachments, posts=(10,)):
    """An export of ``posts`` (ids; the first is slug kites) sharing ``body``."""
    text = EXPORT.format(
        site=site,
        body=body.format(up=f"{site}/wp-content/uploads/2020/01"),
        featured="",
        attachments="\n".join(attachment(site, *a) for a in attachments),
    )
    first = text.index("<item>")
    item = text[first : text.index("</item>") + len("</item>")]
    for wp_id in posts[1:]:
        other = item.replace("<wp:post_id>10<", f"<wp:post_id>{wp_id}<")
        other = other.replace("<wp:post_name>kites<", f"<wp:post_name>kites-{wp_id}<")
        text = text[:first] + other + "\n" + text[first:]
    path.write_text(text)
    return path


def test_pictures_named_like_size_variants_are_each_their_own(import_wordpress, server, tmp_path):
    """Attachments whose own files are named like size variants each keep their picture; a
    real variant is taken for the attachment without a size suffix, this site's -800w copy
    for its original."""
    names = {
        "align-580x300.jpg": (58, 30),
        "align-150x150.jpg": (15, 15),
        "photo-1200x4002.jpg": (12, 40),
        "photo.jpg": (64, 48),
        "bridge-x8k2m1.jpg": (100, 60),
    }
    for name, size in names.items():
        Pillow.new("RGB", size, "teal").save(uploads(tmp_path) / name)
    attachments = [
        (31, "align-580x300.jpg", 0, "Wide", "", "", "Wide"),
        (32, "align-150x150.jpg", 0, "Square", "", "", "Square"),
        (33, "photo-1200x4002.jpg", 0, "Tall", "", "", "Tall"),
        (34, "photo.jpg", 0, "Photo", "", "", "Photo"),
        (35, "bridge-x8k2m1.jpg", 0, "Bridge", "", "", "Bridge"),
    ]
    body = (
        '<img src="{up}/align-580x300.jpg" alt="a"> <img src="{up}/align-150x150.jpg" alt="b">'
        ' <img src="{up}/photo-1200x4002.jpg" alt="c"> <img src="{up}/photo-300x200.jpg" alt="d">'
        ' <img src="{up}/bridge-x8k2m1-800w.jpg" alt="e">'
    )
    import_wordpress(
        write_export(tmp_path / "x.xml", server.url, body, attachments), "--fetch-images"
    )

    post = Post.objects.get(slug="kites")
    shown = [int(pk) for pk in re.findall(r'data-file="(\d+)"', post.body)]
    sizes = [(i.width, i.height) for i in (Image.objects.get(pk=pk) for pk in shown)]
    assert sizes == [(58, 30), (15, 15), (12, 40), (64, 48), (100, 60)]
    assert not [p for p in server.requested if "300x200" in p or "800w" in p]


def test_a_second_run_copies_the_pictures_that_failed(import_wordpress, export, server, tmp_path):
    """A picture that failed (a 404, fixed since) is copied by the next run into the post
    imported before; pictures an editor placed since stay."""
    import_wordpress(export, "--fetch-images")
    post = Post.objects.get(slug="kites")
    post.body = post.body.replace('alt="Inline"', 'alt="Inline, as the editor put it"')
    post.save()
    Pillow.new("RGB", (30, 20), "teal").save(uploads(tmp_path) / "missing.jpg")

    summary = import_wordpress(export, "--fetch-images")

    body = Post.objects.get(slug="kites").body
    missing = ImportedImage.objects.get(url__endswith="/missing.jpg").image
    assert f'data-file="{missing.pk}"' in body
    assert 'alt="Inline, as the editor put it"' in body
    assert summary.count("Pictures copied into the image library") == 1
    assert summary.count("Posts imported before given their pictures now") == 1
    assert "Nothing changed" not in summary


ALT_GUESSED = "Copied pictures whose alt text is their title or file name (see the warnings)"


def test_a_picture_failing_in_several_posts_is_one_warning(import_wordpress, server, tmp_path):
    """A picture that cannot be copied is one warning naming its first post and how many
    more, and counted once; a guessed alt text is a warning naming the picture and its alt."""
    body = '<img src="{up}/missing.jpg" alt="Lost"> <img src="{up}/broken.jpg" alt="B">'
    body += ' <img src="{up}/gallery-a.png" alt="">'
    path = write_export(tmp_path / "x.xml", server.url, body, ATTACHMENTS, posts=(10, 11, 12))

    summary = import_wordpress(path, "--fetch-images")

    up = f"{server.url}/wp-content/uploads/2020/01"
    assert str.count(summary, f"the picture {up}/missing.jpg was not copied") == 1
    assert f"Post 12 “Kites” and 2 more: the picture {up}/missing.jpg" in summary
    assert summary.count("Pictures that could not be copied (see the warnings)") == 2
    assert "WebP.." not in summary
    assert (
        f"the picture {up}/gallery-a.png has no alt text of its own: it got “First of the "
        "gallery” from its title or file name"
    ) in summary
    assert summary.count(ALT_GUESSED) == 1


def test_a_second_run_leaves_out_a_featured_image_an_editor_removed(import_wordpress, export):
    """A featured image copied before and removed by an editor is not set again."""
    import_wordpress(export, "--fetch-images")
    post = Post.objects.get(slug="kites")
    assert post.featured_image is not None
    post.featured_image = None
    post.save()

    summary = import_wordpress(export, "--fetch-images")

    assert Post.objects.get(slug="kites").featured_image is None
    assert "Featured images set" not in summary


def test_a_malformed_file_copies_the_pictures_of_what_was_read(import_wordpress, export):
    """A file broken after a post still copies that post's pictures; the repaired file then
    turns its galleries, still shortcodes, into figures."""
    from django.core.management.base import CommandError

    text = export.read_text()
    broken = export.with_name("broken.xml")
    end = text.index("<item>", text.index("</item>"))  # the attachments are left unread
    broken.write_text(text[:end] + "<item><title>x</ti")

    with pytest.raises(CommandError):
        import_wordpress(broken, "--fetch-images")
    body = Post.objects.get(slug="kites").body
    inline = ImportedImage.objects.get(url__endswith="/inline.png").image
    assert f'data-file="{inline.pk}"' in body
    assert "[gallery" in body  # its attachments were not read

    summary = import_wordpress(export, "--fetch-images")

    post = Post.objects.get(slug="kites")
    assert "[gallery" not in post.body
    assert summary.count("Galleries turned into figures") == 2
    attached = ImportedImage.objects.get(url__endswith="/attached.png").image
    assert f'data-file="{attached.pk}"' in post.body


def test_a_long_alt_text_is_cut_to_fit(import_wordpress, server, tmp_path):
    """A body picture's alt text longer than the library takes is cut at a word."""
    body = '<img src="{up}/inline.png" alt="' + "word " * 80 + '">'
    summary = import_wordpress(
        write_export(tmp_path / "x.xml", server.url, body, []), "--fetch-images"
    )
    image = ImportedImage.objects.get(url__endswith="/inline.png").image
    assert image.alt.startswith("word word")
    assert image.alt.endswith("…")
    assert len(image.alt) <= Image._meta.get_field("alt").max_length
    assert summary.count("Pictures copied into the image library") == 1


class Redirects(Server):
    """A web server answering every request with a redirect to ``to`` + the path."""

    def __init__(self, to):
        requested = self.requested = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                requested.append(self.path)
                self.send_response(302)
                self.send_header("Location", to + self.path)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.serve(Handler)


@pytest.fixture
def redirects(server):
    served = Redirects(server.url)
    yield served
    served.close()


def test_another_port_of_the_sites_host_is_not_fetched(import_wordpress, server, tmp_path):
    """Only the old site's port of its host is asked: another is another service."""
    other = Server(tmp_path)
    body = '<img src="{up}/inline.png" alt="a"> <img src="' + other.url + '/secret.png" alt="b">'
    summary = import_wordpress(
        write_export(tmp_path / "x.xml", server.url, body, []), "--fetch-images"
    )
    other.close()
    assert other.requested == []
    assert summary.count("Pictures copied into the image library") == 1
    assert f"left where they are (distinct addresses): {other.origin} (1)" in summary


def test_a_private_address_is_fetched_only_when_named(import_wordpress, server, tmp_path):
    """A file naming a private address as its site gets nothing from it, unless the
    operator names it with --fetch-images-from."""
    path = write_export(tmp_path / "x.xml", server.url, '<img src="{up}/inline.png" alt="a">', [])

    summary = import_wordpress.untrusted(path, "--fetch-images")

    assert server.requested == []
    assert Image.objects.count() == 0
    assert (
        f"the picture {server.url}/wp-content/uploads/2020/01/inline.png was not copied: "
        "127.0.0.1 is at 127.0.0.1, a private address: name it with --fetch-images-from"
    ) in summary

    summary = import_wordpress(path, "--fetch-images")
    assert summary.count("Pictures copied into the image library") == 1


def test_a_redirect_to_another_port_is_refused(import_wordpress, redirects, server, tmp_path):
    """A picture of the old site redirecting to another port of its host is not copied."""
    path = write_export(
        tmp_path / "x.xml", redirects.url, '<img src="{up}/inline.png" alt="a">', []
    )
    summary = import_wordpress.untrusted(
        path, "--fetch-images", "--fetch-images-from", redirects.origin
    )
    assert redirects.requested == ["/wp-content/uploads/2020/01/inline.png"]
    assert server.requested == []
    assert f"it redirects to {server.url}/wp-content/uploads/2020/01/inline.png" in summary
    assert Image.objects.count() == 0


def test_a_download_has_a_deadline(import_wordpress, server, tmp_path, monkeypatch):
    """A download that takes longer than its deadline in all is given up."""
    monkeypatch.setattr("wordpress.download.DEADLINE", -1)
    path = write_export(tmp_path / "x.xml", server.url, '<img src="{up}/inline.png" alt="a">', [])
    summary = import_wordpress(path, "--fetch-images")
    assert "inline.png was not copied: the download took more than -1 seconds" in summary
    assert Image.objects.count() == 0


def test_an_unusable_fetch_images_from_is_refused(import_wordpress, export):
    """--fetch-images-from takes HOST or HOST:PORT, else says so."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is no HOST or HOST:PORT"):
        import_wordpress.untrusted(export, "--fetch-images", "--fetch-images-from", "a.org:x")
