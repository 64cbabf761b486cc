"""Uploading images in the admin: the checks, what is stored and where, who may change what."""

import io
import re
import struct
import zlib

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as Pillow
from procrastinate.contrib.django.models import ProcrastinateJob

from blog.models import Image
from blog.tasks import delete_image_files

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/blog/image/add/"
PICKER_URL = "/admin/blog/image/picker/"
# Where a phone put the photo, in its EXIF and in its XMP.
LATITUDE = (48.0, 12.0, 30.0)
XMP_LOCATION = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="48,12.5N"/></rdf:RDF></x:xmpmeta>'
)


def picture(width=2000, height=1200, format="JPEG", **options):
    """The bytes of a picture: a gradient, so resizing has something to do."""
    image = Pillow.linear_gradient("L").resize((width, height)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def phone_photo(orientation=1):
    """A JPEG as a phone writes it: the place it was taken in EXIF and XMP, and a rotation."""
    exif = Pillow.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: LATITUDE,
    }
    return picture(1600, 1200, exif=exif, xmp=XMP_LOCATION)


def png_header_only(width, height):
    """A tiny PNG file that claims ``width`` × ``height`` pixels (a decompression bomb's shape)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def upload(client, content, name="bridge.jpg", alt="A bridge at dusk", **fields):
    data = {"upload": SimpleUploadedFile(name, content), "alt": alt, "caption": "", "credit": ""}
    return client.post(ADD_URL, {**data, **fields})


def stored_files():
    """Every file under the uploads folder of the default storage."""

    def walk(folder):
        folders, files = default_storage.listdir(folder)
        found = [f"{folder}/{name}" for name in files]
        for sub in folders:
            found += walk(f"{folder}/{sub}")
        return found

    return walk("images") if default_storage.exists("images") else []


@pytest.fixture(autouse=True)
def _empty_storage():
    """Each test starts with no upload stored, so it can count what it stored."""
    for name in stored_files():
        default_storage.delete(name)


@pytest.fixture
def author_client(client, author):
    client.force_login(author.user)
    return client


def opened(name):
    with default_storage.open(name) as stored:
        image = Pillow.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_an_author_uploads_a_picture_stored_with_smaller_copies(author_client, author):
    """An upload keeps the picture and makes a copy at each configured width below its own."""
    response = upload(author_client, picture(2000, 1200))

    image = Image.objects.get()
    assert response.status_code == 302
    assert image.uploaded_by == author.user
    assert (image.width, image.height, image.alt) == (2000, 1200, "A bridge at dusk")
    assert sorted(int(width) for width in image.copies) == [480, 800, 1200, 1600]
    assert sorted(stored_files()) == sorted(image.file_names())
    for source in image.sources:
        name = source.url.removeprefix("/media/")
        assert opened(name).size == (source.width, source.height)
    assert re.fullmatch(r"images/\d{4}/\d{2}/bridge-[a-z0-9]{6}\.jpg", image.file.name)


def test_a_huge_picture_is_kept_at_the_largest_width(author_client, settings):
    """Like WordPress, the kept original is scaled down to BLOG_IMAGE_MAX_WIDTH."""
    upload(author_client, picture(4000, 1000))

    image = Image.objects.get()
    assert (image.width, image.height) == (2560, 640)
    assert opened(image.file.name).size == (2560, 640)


def test_location_and_other_metadata_are_removed(author_client):
    """No stored file keeps the EXIF GPS position, the XMP location or the camera's details."""
    upload(author_client, phone_photo())

    image = Image.objects.get()
    for name in image.file_names():
        with default_storage.open(name) as stored:
            content = stored.read()
        stored_image = Pillow.open(io.BytesIO(content))
        assert ExifTags.IFD.GPSInfo not in stored_image.getexif()
        assert not stored_image.getexif()
        assert "xmp" not in stored_image.info
        assert b"48,12.5N" not in content
        assert b"Phone" not in content


def test_the_recorded_rotation_is_applied_to_the_pixels(author_client):
    """A portrait photo the camera stored sideways (EXIF orientation 6) is stored upright."""
    upload(author_client, phone_photo(orientation=6))

    image = Image.objects.get()
    assert (image.width, image.height) == (1200, 1600)
    assert opened(image.file.name).size == (1200, 1600)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"just some text", "notes.jpg", "This file is not a JPEG, PNG or WebP picture"),
        (picture(40, 30, "GIF"), "anim.gif", "This file is not a JPEG, PNG or WebP picture"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "x.svg", "This file is not a JPEG"),
        (picture(400, 300)[:600], "cut.jpg", "This picture is damaged or incomplete"),
        (png_header_only(10_000, 6_000), "big.png", "(10,000 × 6,000 pixels)"),
        (png_header_only(60_000, 60_000), "bomb.png", "This picture is too large"),
    ],
    ids=["text", "gif", "svg", "truncated", "over-the-limit", "decompression-bomb"],
)
def test_a_refused_file_is_explained_and_nothing_is_stored(author_client, content, name, message):
    """Wrong type, damaged file or too many pixels: the form says why, and nothing is kept."""
    response = upload(author_client, content, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("seed", range(40))
def test_a_damaged_picture_is_refused_never_a_crash(seed):
    """Bytes flipped or cut anywhere in a JPEG, PNG or WebP: a clear refusal or a picture."""
    import random

    from django.core.exceptions import ValidationError

    from blog.images import prepare

    chance = random.Random(seed)
    content = bytearray(picture(64, 48, chance.choice(["JPEG", "PNG", "WEBP"])))
    for _ in range(chance.randint(1, 8)):
        content[chance.randrange(len(content))] = chance.randrange(256)
    if chance.random() < 0.3:
        content = content[: chance.randrange(8, len(content))]
    try:
        outcome = prepare(SimpleUploadedFile("x", bytes(content))).original.width > 0
    except ValidationError as refusal:
        outcome = refusal.code
    assert outcome in {True, "not_an_image", "broken", "too_many_pixels", "animated"}


def test_a_decompression_bomb_is_refused_without_decoding_it(author_client):
    """The refusal comes from the file's header: a claimed 3.6 gigapixels is never decoded."""
    response = upload(author_client, png_header_only(60_000, 60_000), name="bomb.png")

    assert "the most the site takes is 50 megapixels" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(author_client, settings):
    """BLOG_IMAGE_MAX_BYTES is said in the refusal, in words."""
    settings.BLOG_IMAGE_MAX_BYTES = 10_000

    response = upload(author_client, picture(2000, 1200))

    assert "the most the site takes is 9.8\xa0KB" in response.content.decode()
    assert not Image.objects.exists()


def test_alternative_text_is_required(author_client):
    """An upload without alternative text is refused and its other fields are kept."""
    response = upload(author_client, picture(), alt="", caption="Seen from the river")

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert "Seen from the river" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == []


def test_the_database_refuses_an_image_without_alternative_text(author):
    """Whatever writes images, the check constraint holds."""
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Image.objects.create(file="images/x.jpg", width=1, height=1, alt="", original_name="x")


def test_uploads_go_through_the_configured_storage(author_client, settings):
    """Files are written through STORAGES["default"], whatever it is (object storage too)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.InMemoryStorage",
            "OPTIONS": {"base_url": "https://cdn.example.org/uploads/"},
        },
    }
    upload(author_client, picture(1000, 600))

    image = Image.objects.get()
    assert default_storage.__class__.__name__ == "InMemoryStorage"
    assert all(default_storage.exists(name) for name in image.file_names())
    assert image.default_source.url.startswith("https://cdn.example.org/uploads/images/")


def test_a_deleted_image_has_its_files_removed_by_a_queued_job(author_client, author):
    """Deleting queues the clean-up in the same transaction; the job removes every file."""
    upload(author_client, picture())
    image = Image.objects.get()
    names = image.file_names()

    response = author_client.post(f"/admin/blog/image/{image.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.exists()
    job = ProcrastinateJob.objects.get(task_name="blog.delete_image_files")
    assert sorted(job.args["names"]) == sorted(names)
    delete_image_files(**job.args)
    assert stored_files() == []


def test_authors_share_the_library_but_change_only_their_own_images(
    client, author, make_author, django_user_model, make_image
):
    """Every author sees every image (to reuse it); only its uploader or an editor changes it."""
    other = make_author("olga")
    mine = make_image(600, 400, alt="Mine")
    mine.uploaded_by = author.user
    mine.save()
    theirs = make_image(600, 400, alt="Theirs")
    theirs.uploaded_by = other.user
    theirs.save()
    client.force_login(author.user)

    listing = client.get("/admin/blog/image/").content.decode()
    assert "Mine" in listing
    assert "Theirs" in listing
    edit = {"alt": "Changed", "caption": "", "credit": ""}
    assert client.post(f"/admin/blog/image/{theirs.pk}/change/", edit).status_code == 403
    assert client.post(f"/admin/blog/image/{theirs.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/blog/image/{mine.pk}/change/", edit).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.alt, theirs.alt) == ("Changed", "Theirs")

    editor = django_user_model.objects.create_user("eddie", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.post(f"/admin/blog/image/{theirs.pk}/change/", edit).status_code == 302


def test_the_picture_of_an_uploaded_image_cannot_be_replaced(author_client, author):
    """Posts show its files: its change form edits the words only."""
    upload(author_client, picture())
    image = Image.objects.get()

    page = author_client.get(f"/admin/blog/image/{image.pk}/change/").content.decode()

    assert 'name="upload"' not in page
    assert 'type="file"' not in page
    assert 'name="alt"' in page
    assert "2000 × 1200" in page


def test_a_reader_without_image_rights_cannot_upload(staff_client):
    """A staff member outside the Authors and Editors groups has no library."""
    assert staff_client.get(PICKER_URL).status_code == 403
    assert upload(staff_client, picture()).status_code == 403
    assert not Image.objects.exists()


class TestPicker:
    """The window the editor's image button opens: choose or upload, then Insert."""

    def test_it_lists_the_library_with_what_the_editor_needs(self, author_client, make_image):
        """Each image offers its address (the 800 px copy), id, alt text and caption."""
        image = make_image(alt="A bridge", caption="At dusk")

        page = author_client.get(PICKER_URL, {"CKEditorFuncNum": "-1"}).content.decode()

        assert f'data-id="{image.pk}"' in page
        assert f'data-url="{image.default_source.url}"' in page
        assert image.default_source.width == 800
        assert 'data-alt="A bridge"' in page
        assert 'data-caption="At dusk"' in page
        assert 'data-callback="-1"' in page

    def test_it_searches_by_words(self, author_client, make_image):
        """The search box finds images by their alt text, caption or file name."""
        make_image(600, 400, alt="A bridge")
        make_image(600, 400, alt="A cat")

        page = author_client.get(PICKER_URL, {"q": "cat"}).content.decode()

        assert "A cat" in page
        assert "A bridge" not in page

    def test_an_upload_comes_back_chosen(self, author_client, author):
        """After uploading, the picker shows the new image ready to insert."""
        response = author_client.post(
            PICKER_URL,
            {
                "CKEditorFuncNum": "-3",
                "upload": SimpleUploadedFile("river.png", picture(900, 600, "PNG")),
                "alt": "The river",
                "caption": "",
                "credit": "",
            },
        )

        image = Image.objects.get()
        assert image.uploaded_by == author.user
        assert image.file.name.endswith(".png")
        assert response.status_code == 302
        page = author_client.get(response["Location"]).content.decode()
        assert "data-chosen" in page
        assert 'data-callback="-3"' in page

    def test_a_refused_upload_keeps_what_was_typed(self, author_client):
        """The refusal is shown in the picker, with the alt text still in its box."""
        response = author_client.post(
            PICKER_URL,
            {
                "CKEditorFuncNum": "-3",
                "upload": SimpleUploadedFile("x.jpg", b"nope"),
                "alt": "My words",
            },
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "This file is not a JPEG, PNG or WebP picture" in page
        assert 'value="My words"' in page
        assert 'value="-3"' in page


class TestPostBodyImages:
    """Images inserted in the body from the editor are stored responsive."""

    def test_a_library_image_gets_its_sizes_when_the_post_is_saved(
        self, author_client, make_post, post_change_form, make_image
    ):
        """The editor's figure (address, data-file) is stored with srcset, sizes and size."""
        image = make_image(alt="A bridge")
        post = make_post()
        figure = (
            f'<figure class="figure"><img src="{image.default_source.url}" alt="" '
            f'data-file="{image.pk}"><figcaption class="figure-caption">At dusk</figcaption>'
            "</figure>"
        )

        response = author_client.post(
            reverse("admin:blog_post_change", args=[post.pk]),
            post_change_form(post, body=f"<p>Look.</p>{figure}"),
        )

        assert response.status_code == 302
        post.refresh_from_db()
        srcset = ", ".join(f"{s.url} {s.width}w" for s in image.sources)
        assert f'srcset="{srcset}"' in post.body
        assert 'sizes="(min-width: 42rem) 38rem, 100vw"' in post.body
        assert 'width="800" height="480"' in post.body
        assert 'alt="A bridge"' in post.body
        assert 'loading="lazy"' in post.body
        assert '<figcaption class="figure-caption">At dusk</figcaption>' in post.body
        page = self_client_page(post)
        assert f'srcset="{srcset}"' in page

    def test_the_authors_alt_text_for_this_use_is_kept(self, author, make_post, make_image):
        """Alternative text written in the editor wins over the library's."""
        image = make_image(alt="A bridge")

        post = make_post()
        post.body = f'<img src="/x.jpg" alt="The old bridge" data-file="{image.pk}">'
        post.save()

        assert 'alt="The old bridge"' in post.body
        assert f'src="{image.default_source.url}"' in post.body

    def test_an_alt_with_a_greater_than_sign_in_another_attribute_counts(
        self, author_client, make_post, post_change_form
    ):
        """The alt check reads the parsed picture, whatever its other attributes hold."""
        post = make_post()
        body = '<img src="https://example.org/a.jpg" title="1 > 0" alt="A chart">'

        response = author_client.post(
            reverse("admin:blog_post_change", args=[post.pk]), post_change_form(post, body=body)
        )

        assert response.status_code == 302

    def test_pictures_the_post_already_had_do_not_block_an_edit(
        self, author_client, make_post, post_change_form
    ):
        """An imported post with undescribed pictures can still be unpublished or edited; a
        new undescribed picture is refused."""
        post = make_post()
        post.body = '<p>Old.</p><img src="https://old.example.org/a.jpg">'
        post.save()
        url = reverse("admin:blog_post_change", args=[post.pk])

        response = author_client.post(url, post_change_form(post, status="draft"))
        assert response.status_code == 302
        post.refresh_from_db()
        assert post.status == "draft"

        added = post.body + '<img src="https://old.example.org/b.jpg" alt=" ">'
        response = author_client.post(url, post_change_form(post, body=added))
        assert "https://old.example.org/b.jpg" in response.content.decode()
        assert "Describe each picture" in response.content.decode()

    def test_a_picture_without_alternative_text_is_refused(
        self, author_client, make_post, post_change_form
    ):
        """A hot-linked picture with no alt text cannot be saved; the body is kept as typed."""
        post = make_post()
        body = '<p>See:</p><img src="https://example.org/a.jpg">'

        response = author_client.post(
            reverse("admin:blog_post_change", args=[post.pk]), post_change_form(post, body=body)
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "Describe each picture" in page
        assert "https://example.org/a.jpg" in page
        assert "&lt;p&gt;See:&lt;/p&gt;" in page


def self_client_page(post):
    from django.test import Client

    return Client().get(post.get_absolute_url()).content.decode()


class TestFeaturedImageField:
    """The post form chooses a featured image from the library, or uploads one (+)."""

    def test_an_author_sets_a_featured_image(
        self, author_client, make_post, post_change_form, make_image
    ):
        """The field takes a library image and the form shows it."""
        image = make_image(alt="A bridge")
        post = make_post()
        url = reverse("admin:blog_post_change", args=[post.pk])

        response = author_client.post(url, post_change_form(post, featured_image=image.pk))

        assert response.status_code == 302
        post.refresh_from_db()
        assert post.featured_image == image
        page = author_client.get(url).content.decode()
        assert f'src="{image.sources[0].url}"' in page
        assert 'href="/admin/blog/image/add/?_to_field=id&amp;_popup=1"' in page

    def test_the_autocomplete_finds_library_images(self, author_client, make_image):
        """Typing in the field searches the library by words."""
        image = make_image(alt="A bridge")

        response = author_client.get(
            "/admin/autocomplete/",
            {
                "app_label": "blog",
                "model_name": "post",
                "field_name": "featured_image",
                "term": "bridge",
            },
        )

        assert response.json()["results"] == [{"id": str(image.pk), "text": "A bridge"}]

    def test_an_upload_from_the_post_form_comes_back_selected(self, author_client):
        """The + button's window uploads and hands the new image back to the field."""
        response = author_client.post(
            "/admin/blog/image/add/?_to_field=id&_popup=1",
            {
                "_popup": "1",
                "_to_field": "id",
                "upload": SimpleUploadedFile("b.jpg", picture()),
                "alt": "A bridge",
                "caption": "",
                "credit": "",
            },
        )

        image = Image.objects.get()
        assert response.status_code == 200
        assert "popup_response" in response.content.decode()
        assert f"&quot;value&quot;: &quot;{image.pk}&quot;" in response.content.decode()


class TestPicturesAsCamerasAndEditorsWriteThem:
    """Files that are pictures but not plain ones are stored right, not refused or spoiled."""

    def test_a_jpeg_with_preview_pictures_inside_is_a_photo(self, author_client):
        """Many cameras write MPO (a JPEG with previews): the first picture is stored."""
        photo = Pillow.linear_gradient("L").resize((1200, 800)).convert("RGB")
        preview = photo.resize((160, 120))
        buffer = io.BytesIO()
        photo.save(buffer, "MPO", save_all=True, append_images=[preview])

        response = upload(author_client, buffer.getvalue(), name="camera.jpg")

        assert response.status_code == 302
        image = Image.objects.get()
        assert (image.width, image.height) == (1200, 800)
        assert opened(image.file.name).format == "JPEG"

    def test_a_jpeg_comment_is_not_kept(self, author_client):
        """A comment in the file (COM segment) is metadata too."""
        upload(author_client, picture(900, 600, comment=b"Taken at 12 Hidden Lane"))

        for name in Image.objects.get().file_names():
            with default_storage.open(name) as stored:
                assert b"Hidden Lane" not in stored.read()

    def test_sixteen_bit_greyscale_keeps_its_greys(self, author_client):
        """A 16-bit greyscale PNG is brought to 8 bits, not clipped to white."""
        grey = Pillow.new("I;16", (600, 400), 32768)
        buffer = io.BytesIO()
        grey.save(buffer, "PNG")

        upload(author_client, buffer.getvalue(), name="grey.png")

        stored = opened(Image.objects.get().file.name)
        assert stored.convert("L").getextrema() == (127, 127)

    def test_a_palette_pictures_copies_are_smooth(self, author_client):
        """A palette PNG is resized in full colour: its copies blend, not pick pixels."""
        stripes = Pillow.new("L", (960, 200))
        stripes.putdata([255 * ((x // 3) % 2) for _y in range(200) for x in range(960)])
        buffer = io.BytesIO()
        stripes.convert("P").save(buffer, "PNG")

        upload(author_client, buffer.getvalue(), name="stripes.png")

        image = Image.objects.get()
        copy = opened(image.copies["480"]).convert("L")
        assert len(set(copy.get_flattened_data())) > 2

    @pytest.mark.parametrize("size", [(2561, 1000), (1999, 1333), (5000, 3), (3, 2000)])
    def test_every_sizes_attributes_match_its_file(self, author_client, size):
        """The width and height a page states are those of the file it names, to the pixel
        (and a thin picture never has a copy zero pixels high)."""
        upload(author_client, picture(*size))

        image = Image.objects.get()
        for source in image.sources:
            assert source.height >= 1
            assert opened(source.url.removeprefix("/media/")).size == (source.width, source.height)

    def test_a_large_photo_is_decoded_at_a_fraction_of_its_size(self, author_client):
        """A 6000-pixel-wide JPEG is decoded at half size (3000 ≥ 2560), then scaled."""
        from blog.images import _open

        with Pillow.open(io.BytesIO(picture(6000, 4000))) as full:
            assert full.size == (6000, 4000)
        decoded, _ = _open(SimpleUploadedFile("x.jpg", picture(6000, 4000)))

        assert decoded.size == (3000, 2000)


def test_deleting_a_picture_a_post_shows_is_refused(author_client, author, make_post, make_image):
    """The delete page names the posts that show it (featured or in the text), and the
    picture stays, alone or in a bulk delete."""
    featured = make_image(alt="Lead", uploaded_by=author.user)
    inline = make_image(alt="Inline", uploaded_by=author.user)
    make_post(title="Leading post", featured_image=featured)
    post = make_post(title="Post with a figure")
    post.body = f'<img src="/x.jpg" alt="A" data-file="{inline.pk}">'
    post.save()

    page = author_client.get(f"/admin/blog/image/{featured.pk}/delete/").content.decode()
    assert "Leading post" in page
    author_client.post(f"/admin/blog/image/{featured.pk}/delete/", {"post": "yes"})
    author_client.post(
        "/admin/blog/image/",
        {"action": "delete_selected", "_selected_action": [inline.pk], "post": "yes"},
    )

    assert Image.objects.count() == 2
    assert not ProcrastinateJob.objects.filter(task_name="blog.delete_image_files").exists()
    page = author_client.get(f"/admin/blog/image/{inline.pk}/delete/").content.decode()
    assert "Post with a figure" in page


@pytest.mark.parametrize(
    ("url", "per_image"),
    [("/admin/blog/image/", 'class="image-thumbnail"'), (PICKER_URL, "data-pick")],
)
def test_the_library_costs_the_same_however_many_images(
    author_client, make_image, django_assert_max_num_queries, url, per_image
):
    """The image list and the picker read a page of images in one query, not one per image."""
    for number in range(25):
        make_image(40, 30, alt=f"Picture {number}")

    with django_assert_max_num_queries(10):
        response = author_client.get(url)

    assert response.content.decode().count(per_image) >= 24


class TestDeletedLibraryPictures:
    """A picture deleted from the library never leaves a broken image in a post."""

    def test_a_save_leaves_out_a_deleted_picture_with_its_figure(self, make_post, make_image):
        """Its figure and caption go; the other pictures and the text stay."""
        kept, gone = make_image(alt="Kept"), make_image(alt="Gone")
        post = make_post()
        post.body = (
            f'<p>One.</p><figure><img src="/a.jpg" alt="" data-file="{gone.pk}">'
            "<figcaption>About the gone one</figcaption></figure>"
            f'<p>Two.</p><img src="/b.jpg" alt="" data-file="{kept.pk}">'
        )
        Image.objects.filter(pk=gone.pk).delete()

        post.save()

        assert "About the gone one" not in post.body
        assert "<figure>" not in post.body
        assert post.body.startswith("<p>One.</p><p>Two.</p><img ")
        assert f'data-file="{kept.pk}"' in post.body

    def test_a_figure_of_several_pictures_keeps_the_others(self, make_post, make_image):
        """Only the deleted picture leaves a figure that shows others too."""
        kept, gone = make_image(alt="Kept"), make_image(alt="Gone")
        post = make_post()
        post.body = (
            f'<figure><img src="/a.jpg" alt="" data-file="{gone.pk}">'
            f'<img src="/b.jpg" alt="" data-file="{kept.pk}"><figcaption>Both</figcaption></figure>'
        )
        Image.objects.filter(pk=gone.pk).delete()

        post.save()

        assert f'data-file="{gone.pk}"' not in post.body
        assert f'data-file="{kept.pk}"' in post.body
        assert "<figcaption>Both</figcaption></figure>" in post.body

    def test_the_post_form_refuses_a_picture_deleted_while_writing(
        self, author_client, make_post, make_image, post_change_form
    ):
        """Placed in the editor, then deleted by its uploader: the form says so, text kept."""
        image = make_image(alt="Soon gone")
        post = make_post()
        body = f'<p>Mine.</p><img src="{image.default_source.url}" alt="" data-file="{image.pk}">'
        Image.objects.filter(pk=image.pk).delete()

        response = author_client.post(
            reverse("admin:blog_post_change", args=[post.pk]), post_change_form(post, body=body)
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "was deleted from the image library" in page
        assert "&lt;p&gt;Mine.&lt;/p&gt;" in page

    def test_restoring_a_version_leaves_its_deleted_pictures_out_and_says_so(
        self, author_client, make_post, make_image, post_change_form
    ):
        """The restored text has no hole where the picture was, and the author is told."""
        image = make_image(alt="Old picture")
        post = make_post()
        url = reverse("admin:blog_post_change", args=[post.pk])
        with_picture = (
            f'<p>Then.</p><figure><img src="/x.jpg" alt="" data-file="{image.pk}">'
            "<figcaption>Old caption</figcaption></figure>"
        )
        author_client.post(url, post_change_form(post, body=with_picture))
        post.refresh_from_db()
        author_client.post(url, post_change_form(post, body="<p>Now.</p>"))
        old = post.revisions.filter(body__contains="data-file").first()
        Image.objects.filter(pk=image.pk).delete()

        response = author_client.post(old.get_absolute_url(), follow=True)

        post.refresh_from_db()
        assert post.body == "<p>Then.</p>"
        messages = [str(m) for m in response.context["messages"]]
        assert any("without the pictures deleted from the image library" in m for m in messages)


def test_files_no_image_names_are_removed_once_a_day_old(make_image):
    """What a rolled-back upload left goes; the library's files, and a file written just now
    (an upload in progress), stay."""
    import os
    import time

    from django.core.files.base import ContentFile

    from blog.image_storage import remove_orphaned_files

    image = make_image()
    stray = default_storage.save("images/2020/01/stray.jpg", ContentFile(b"left behind"))
    fresh = default_storage.save("images/2020/01/fresh.jpg", ContentFile(b"just written"))
    two_days_ago = time.time() - 2 * 86400
    os.utime(default_storage.path(stray), (two_days_ago, two_days_ago))
    for name in image.file_names():
        os.utime(default_storage.path(name), (two_days_ago, two_days_ago))

    assert remove_orphaned_files() == 1

    assert sorted(stored_files()) == sorted([*image.file_names(), fresh])


def test_a_revision_shows_its_text_without_pictures_deleted_since(
    author_client, make_post, make_image, post_change_form
):
    """The revision page shows no broken picture: it says which were deleted since; its
    summary counts pictures apart from the words."""
    image = make_image(alt="Old picture")
    post = make_post()
    url = reverse("admin:blog_post_change", args=[post.pk])
    body = f'{post.body}<figure><img src="/x.jpg" alt="" data-file="{image.pk}"></figure>'
    author_client.post(url, post_change_form(post, body=body))
    revision = post.revisions.first()
    assert revision.summary == "1 picture added"
    Image.objects.filter(pk=image.pk).delete()

    page = author_client.get(revision.get_absolute_url()).content.decode()

    assert "Pictures deleted from the image library since are left out here" in page
    assert f'data-file="{image.pk}"' not in page
    assert post.body in page


def test_many_unnamed_files_are_left_alone(make_image, caplog):
    """A database that names few of the files (a staging site on production's storage, an
    old restore) deletes none of them, and the log says why."""
    import os
    import time

    from django.core.files.base import ContentFile

    from blog.image_storage import remove_orphaned_files

    make_image()
    two_days_ago = time.time() - 2 * 86400
    for number in range(12):
        name = default_storage.save(f"images/2020/01/other-{number}.jpg", ContentFile(b"x"))
        os.utime(default_storage.path(name), (two_days_ago, two_days_ago))

    assert remove_orphaned_files() == 0

    assert len(stored_files()) == 12 + 5
    assert "none is deleted" in caplog.text
