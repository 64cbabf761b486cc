"""Uploading pictures in a real browser: the library's upload form, and a picture placed in a
post's body from the editor's image button through the picker window."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from demo import pictures

from .test_post_workflow import _fits


def _photo(tmp_path, name="bridge.jpg"):
    path = tmp_path / name
    path.write_bytes(pictures.jpeg(pictures.dusk_bridge()))
    return path


def test_author_uploads_to_the_library(page, make_author, log_in, axe, media_served, tmp_path):
    """A refused file is explained with the alt text kept; a photo is stored and listed."""
    from blog.models import Image

    make_author("ines", display_name="Inès Laurent")
    log_in(page, "ines")
    page.goto("/admin/blog/image/add/")
    notes = tmp_path / "notes.jpg"
    notes.write_text("not a picture")
    page.get_by_label("Picture").set_input_files(notes)
    page.get_by_label("Alternative text").fill("The bridge at dusk")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errorlist")).to_contain_text("This file is not a JPEG, PNG or WebP")
    expect(page.get_by_label("Alternative text")).to_have_value("The bridge at dusk")
    found = axe(page)
    assert not found, axe.describe(found)

    page.get_by_label("Picture").set_input_files(_photo(tmp_path))
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_contain_text("The bridge at dusk")
    image = Image.objects.get()
    assert (image.width, image.height) == (1600, 1000)
    thumbnail = page.locator(".image-thumbnail").first
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    found = axe(page)
    assert not found, axe.describe(found)


def test_author_places_a_new_picture_in_the_body(
    page, make_author, log_in, axe, media_served, tmp_path
):
    """Image button → Browse → upload in the picker → Insert: the figure reaches the saved
    post with its sizes, and the reader's page shows it lazily at its own shape."""
    from blog.models import Image, Post

    make_author("ines", display_name="Inès Laurent")
    plain = Image.objects.upload(
        SimpleUploadedFile("bus.jpg", pictures.jpeg(pictures.night_bus())), alt="A night bus"
    )
    log_in(page, "ines")
    page.goto("/admin/blog/post/add/")
    page.locator("#id_title").fill("Bridges")
    page.locator("#id_title").blur()
    page.get_by_role("textbox", name="Body").click()
    page.keyboard.type("Over the river.")
    page.get_by_role("button", name="figure").click()
    dialog = page.locator("dialog")

    with page.expect_popup() as opening:
        dialog.get_by_role("button", name="Browse...").click()
    picker = opening.value
    picker.wait_for_load_state()
    found = axe(picker)
    assert not found, axe.describe(found)
    picker.get_by_label("Picture").set_input_files(_photo(tmp_path))
    picker.get_by_label("Alternative text").fill("The bridge at dusk")
    picker.get_by_label("Caption").fill("Seen from the east bank")
    picker.get_by_role("button", name="Upload").click()
    chosen = picker.locator("[data-chosen]")
    expect(chosen).to_be_focused()
    with picker.expect_event("close"):  # the click closes the window: dispatched, so the
        chosen.dispatch_event("click")  # click returns before the window goes

    image = Image.objects.exclude(pk=plain.pk).get()
    expect(dialog.get_by_label("Image URL")).to_have_value(image.default_source.url)
    expect(dialog.get_by_label("Alternative Text")).to_have_value("The bridge at dusk")
    expect(dialog.get_by_label("Caption")).to_have_value("Seen from the east bank")
    dialog.get_by_role("button", name="Insert").click()
    body = page.get_by_role("textbox", name="Body")
    expect(body.locator("figure img")).to_have_attribute("src", image.default_source.url)
    page.keyboard.type("Then the town.")
    expect(body.locator("figcaption")).to_have_text("Seen from the east bank")
    expect(body.locator("figure + p")).to_have_text("Then the town.")

    # A picture without a caption, from the library: typing after it keeps it whole.
    page.get_by_role("button", name="figure").click()
    with page.expect_popup() as opening:
        dialog.get_by_role("button", name="Browse...").click()
    picker = opening.value
    insert = picker.get_by_role("button", name="Insert").and_(
        picker.locator(f'[data-id="{plain.pk}"]')
    )
    expect(insert).to_be_enabled()
    with picker.expect_event("close"):
        insert.dispatch_event("click")
    dialog.get_by_role("button", name="Insert").click()
    page.keyboard.type("The end.")
    expect(body.locator("figure img")).to_have_count(2)
    expect(body.locator("figure img").last).to_have_attribute("src", plain.default_source.url)
    expect(body.locator("figure + p").last).to_have_text("The end.")
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".messagelist .warning")).to_have_count(0)
    post = Post.objects.get(title="Bridges")
    assert f'data-file="{image.pk}"' in post.body
    assert "srcset=" in post.body
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/posts/bridges/$"))
    picture = page.locator(".post-body figure img").first
    expect(picture).to_have_attribute("loading", "lazy")
    expect(picture).to_have_attribute("alt", "The bridge at dusk")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    box = picture.bounding_box()
    assert box["width"] / box["height"] == pytest.approx(1600 / 1000, rel=0.02)


def test_picker_and_library_fit_a_phone(new_page, make_author, log_in, media_served):
    """On a phone the picker's grid wraps and the library's list is a column of cards,
    instead of widening the window."""
    from blog.models import Image

    for name in ["bridge", "bus"]:
        Image.objects.upload(
            SimpleUploadedFile(f"{name}.jpg", pictures.jpeg(pictures.night_bus())), alt=name
        )
    page = new_page(viewport="phone")
    make_author("ines", display_name="Inès Laurent")
    log_in(page, "ines")
    page.goto("/admin/blog/image/picker/?CKEditorFuncNum=-1")
    expect(page.get_by_role("button", name="Insert").first).to_be_visible()
    assert _fits(page)
    page.goto("/admin/blog/image/")
    size = page.locator("td.field-dimensions").first
    assert size.evaluate("td => getComputedStyle(td, '::before').content") == '"Size: "'
    assert _fits(page)


def test_a_selected_picture_is_deleted_whole_and_typing_goes_below_it(
    page, make_author, make_post, log_in, media_served
):
    """Delete on a selected picture removes its figure, caption and all; typing with a picture
    selected keeps it and writes below it; the post saves."""
    from blog.models import Image

    author = make_author("ines", display_name="Inès Laurent")
    bus, bridge = (
        Image.objects.upload(
            SimpleUploadedFile(f"{name}.jpg", pictures.jpeg(draw())), alt=f"The {name}"
        )
        for name, draw in [("bus", pictures.night_bus), ("bridge", pictures.dusk_bridge)]
    )
    post = make_post(author=author, status="draft")
    post.body = "".join(
        f'<p>About the {image.alt}.</p><figure><img src="{image.default_source.url}" alt="" '
        f'data-file="{image.pk}"><figcaption>Caption of {image.alt}</figcaption></figure>'
        for image in (bus, bridge)
    )
    post.save()
    log_in(page, "ines")
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    body = page.get_by_role("textbox", name="Body")

    body.locator("figure img").last.click()
    page.keyboard.type("After it.")
    expect(body.locator("figure img")).to_have_count(2)
    expect(body.locator("figure img").last).to_have_attribute("src", bridge.default_source.url)
    expect(body.locator("figure + p").last).to_have_text("After it.")

    body.locator("figure img").first.click()
    page.keyboard.press("Delete")
    expect(body.locator("figure")).to_have_count(1)
    expect(body).not_to_contain_text("Caption of The bus")
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    post.refresh_from_db()
    assert f'data-file="{bus.pk}"' not in post.body
    assert f'data-file="{bridge.pk}"' in post.body
    assert post.body.endswith("</figure><p>After it.</p>")


def test_a_featured_image_uploaded_from_the_post_form(
    page, make_author, make_post, log_in, axe, media_served, tmp_path
):
    """The + window uploads a picture and hands it to the field; "Shown as" says it shows
    once saved, then shows it."""
    author = make_author("ines", display_name="Inès Laurent")
    post = make_post(author=author, status="draft")
    log_in(page, "ines")
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    preview = page.locator(".featured-preview")
    expect(preview).to_contain_text("No featured image")

    with page.expect_popup() as opening:
        page.locator("#add_id_featured_image").click()
    popup = opening.value
    popup.get_by_label("Picture").set_input_files(_photo(tmp_path))
    popup.get_by_label("Alternative text").fill("The bridge at dusk")
    with popup.expect_event("close"):  # the saved form's answer closes the window
        popup.get_by_role("button", name="Save", exact=True).dispatch_event("click")

    expect(page.locator("#select2-id_featured_image-container")).to_contain_text("The bridge")
    expect(preview).to_have_text("“The bridge at dusk” will be shown once the post is saved.")
    found = axe(page)
    assert not found, axe.describe(found)
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator(".featured-preview img")).to_be_visible()
    post.refresh_from_db()
    assert post.featured_image.alt == "The bridge at dusk"


def test_undoing_a_figure_deletion_puts_it_back_as_it_was(
    page, make_author, make_post, log_in, media_served
):
    """Undo brings the figure back without an extra paragraph, and redo deletes it again."""
    from blog.models import Image

    author = make_author("ines", display_name="Inès Laurent")
    bus = Image.objects.upload(
        SimpleUploadedFile("bus.jpg", pictures.jpeg(pictures.night_bus())), alt="The bus"
    )
    post = make_post(author=author, status="draft")
    post.body = (
        f'<p>Before.</p><figure><img src="{bus.default_source.url}" alt="" data-file="{bus.pk}">'
        "</figure><p>After.</p>"
    )
    post.save()
    log_in(page, "ines")
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    body = page.get_by_role("textbox", name="Body")

    body.locator("figure img").click()
    page.keyboard.press("Delete")
    expect(body.locator("figure")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(body.locator("figure")).to_have_count(1)
    expect(body.locator("p")).to_have_count(2)
    page.keyboard.press("Control+Shift+z")
    expect(body.locator("figure")).to_have_count(0)
