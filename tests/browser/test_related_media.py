"""Related media in a real browser: reordering and preview in the admin, order on the page."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import YOUTUBE_EMBED_PREFIX

VIMEO_URL = "https://vimeo.com/76979871"
LINK_URL = "https://example.org/reports/trams"


@pytest.fixture
def three_media(published_post):
    """The tram post with a YouTube video, a Vimeo video and a link card, in that order."""
    from blog.models import MediaEmbed

    MediaEmbed.objects.create(
        post=published_post, url=VIMEO_URL, title="The harbour line", position=1
    )
    MediaEmbed.objects.create(
        post=published_post, url=LINK_URL, title="The full report", position=2
    )
    return published_post


def _titles(page):
    return page.locator(".related-media figure").evaluate_all(
        "figures => figures.map(f => f.querySelector('.media-title, .link-card-title').textContent)"
    )


def _axe_on_media_group(page, axe_source):
    """Serious/critical axe violations inside the related-media inline only.

    The rest of the post form (Django's split date widget, the tag autocomplete) is not this
    feature's and has findings of its own.
    """
    page.evaluate(axe_source)
    results = page.evaluate(
        "() => axe.run({include: ['#media-group']}, {iframes: false, resultTypes: ['violations']})"
    )
    return [v for v in results["violations"] if v["impact"] in {"serious", "critical"}]


def test_editor_reorders_by_dragging_and_keyboard_then_saves(
    admin_page, three_media, axe, axe_source
):
    """Dragging a row and Move up/down set the order the published page then shows."""
    page = admin_page
    page.goto(f"/admin/blog/post/{three_media.pk}/change/")
    rows = page.locator("#media-group .inline-related:not(.empty-form)")
    expect(rows).to_have_count(3)
    expect(page.locator("#id_media-0-position")).to_be_hidden()  # the script keeps the order
    expect(rows.first.locator("iframe")).to_have_attribute(
        "src", re.compile("^" + re.escape(YOUTUBE_EMBED_PREFIX))
    )
    assert not (found := _axe_on_media_group(page, axe_source)), axe.describe(found)

    # Drag the link card (last) above the YouTube video (first); both in view, as Playwright's
    # scrolling in the middle of a drag would start it from another row.
    page.set_viewport_size({"width": 1280, "height": 2400})
    rows.nth(2).locator(".media-drag-handle").drag_to(
        rows.nth(0), target_position={"x": 40, "y": 5}
    )
    expect(rows.nth(0)).to_contain_text("The full report")
    # Keyboard: the Vimeo video, now last, moves up once.
    rows.nth(2).get_by_role("button", name="Move up").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("The harbour line moved to position 2 of 3.")
    expect(page.locator(":focus")).to_have_text("Move up")

    # A new row added now goes last.
    page.get_by_role("button", name="Add another Related media").click()
    expect(rows).to_have_count(4)
    rows.nth(3).locator("input[name$='-url']").fill("https://youtu.be/aqz-KE-bpKQ")
    rows.nth(3).locator("input[name$='-title']").fill("Night trams")
    expect(rows.nth(3).locator("iframe")).to_have_attribute(
        "src", YOUTUBE_EMBED_PREFIX + "aqz-KE-bpKQ"
    )  # previewed as typed, from the server's parse
    page.get_by_role("button", name="Update", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is published.")

    page.goto(three_media.get_absolute_url())
    assert _titles(page) == [
        "The full report",
        "The harbour line",
        "A tram ride through the city centre",
        "Night trams",
    ]


def test_typed_url_preview_explains_a_refused_address(admin_page, three_media):
    """Typing a look-alike address shows why it will be refused, and no frame."""
    page = admin_page
    page.goto(f"/admin/blog/post/{three_media.pk}/change/")
    row = page.locator("#media-group .inline-related:not(.empty-form)").first
    row.locator("input[name$='-url']").fill("https://youtube.com.evil.example/watch?v=aqz-KE-bpKQ")
    expect(row.locator(".media-preview")).to_contain_text("not an official YouTube address")
    expect(row.locator(".media-preview iframe")).to_have_count(0)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_reader_sees_a_watch_link_under_each_video(new_page, three_media, axe, viewport):
    """Each video has its title and a Watch on link below it; no sideways scrolling on a phone."""
    page = new_page(viewport=viewport)
    page.goto(three_media.get_absolute_url())
    media = page.locator(".related-media")
    expect(media.get_by_role("link", name="Watch on YouTube")).to_have_attribute(
        "href", "https://www.youtube.com/watch?v=M7lc1UVf-VE"
    )
    expect(media.get_by_role("link", name="Watch on Vimeo")).to_have_attribute("href", VIMEO_URL)
    expect(media.get_by_role("link", name="The full report")).to_have_attribute("href", LINK_URL)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    assert not (found := axe(page)), axe.describe(found)
