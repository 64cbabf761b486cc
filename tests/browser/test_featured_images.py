"""Featured images in a real browser: the post page's lead picture and the pictures in a list
of posts keep their shape, fit a phone and load as designed (eager on the page, lazy in lists)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

SHAPE = """img => ({
    width: img.getBoundingClientRect().width,
    height: img.getBoundingClientRect().height,
    loaded: img.complete && img.naturalWidth > 0,
    loading: img.loading,
    attributes: [img.getAttribute("width"), img.getAttribute("height")],
})"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def pictured(media_served, published_post, make_post):
    """The tram post led by a captioned picture (one of the demo's, 1600 by 1000), and three
    more posts with pictures."""
    from blog.models import Image
    from demo import pictures

    picture = Image.objects.upload(
        SimpleUploadedFile("bus.jpg", pictures.jpeg(pictures.night_bus())),
        alt="A red bus at night",
        caption="Line 4 at the harbour stop",
        credit="Photo: Ana Ruiz",
    )
    published_post.featured_image = picture
    published_post.save()
    for number in range(3):
        make_post(title=f"Bridges of the river, part {number}", featured_image=picture)
    return published_post


@pytest.mark.parametrize(("viewport", "scheme"), [("desktop", "light"), ("phone", "dark")])
def test_post_page_leads_with_its_picture(new_page, axe, pictured, viewport, scheme):
    """The lead picture loads at once, fills the column at its own aspect ratio, its caption
    below; nothing widens a phone; no serious accessibility finding."""
    page = new_page(viewport=viewport, color_scheme=scheme)
    page.goto(pictured.get_absolute_url())
    img = page.locator(".featured-image img")
    page.wait_for_function("img => img.complete", arg=img.element_handle())
    shape = img.evaluate(SHAPE)
    assert shape["loaded"]
    assert shape["loading"] == "eager"
    assert shape["attributes"] == ["800", "500"]
    assert shape["width"] / shape["height"] == pytest.approx(800 / 500, rel=0.02)
    column = page.locator(".post-body").bounding_box()["width"]
    assert shape["width"] == pytest.approx(column, abs=1)
    assert page.locator(".featured-image figcaption").inner_text().startswith("Line 4")
    assert page.evaluate(OVERFLOW) <= 0
    assert not (found := axe(page)), axe.describe(found)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_list_of_posts_shows_pictures_lazily_in_shape(new_page, axe, pictured, viewport):
    """On the home page each picture is lazy, keeps its aspect ratio, sits beside the text on
    a desktop and across the column on a phone, and loads when scrolled to."""
    page = new_page(viewport=viewport)
    page.goto("/")
    images = page.locator(".summary-image")
    assert images.count() == 4
    last = images.last
    last.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=last.element_handle())
    for index in range(4):
        shape = images.nth(index).evaluate(SHAPE)
        assert shape["loading"] == "lazy"
        assert shape["width"] / shape["height"] == pytest.approx(800 / 500, rel=0.02)
    summary = page.locator(".post-summary.has-image").first
    title = summary.locator("h2").bounding_box()
    picture = summary.locator(".summary-image").bounding_box()
    if viewport == "desktop":
        assert picture["x"] >= title["x"] + title["width"]  # beside the text
        assert picture["width"] == pytest.approx(176, abs=1)  # 11rem
    else:
        assert picture["y"] > title["y"]  # below the title, across the column
        assert picture["width"] == pytest.approx(summary.bounding_box()["width"], abs=1)
    assert page.evaluate(OVERFLOW) <= 0
    assert not (found := axe(page)), axe.describe(found)
