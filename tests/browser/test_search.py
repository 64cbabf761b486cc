"""A reader searching the site from the header's search box, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS


@pytest.fixture
def searchable(published_post, make_post):
    """The tram post and a few other posts, one of them about trams in its body only."""
    other = make_post(title="Bus lanes, compared")
    other.body = "<p>Buses share the street; a tram owns its tracks.</p>"
    other.save()
    make_post(title="Gardens on roofs")
    return published_post


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_reader_searches_from_the_header(new_page, searchable, axe, screenshot, viewport):
    """Typing in the header box and pressing Enter lists ranked, highlighted results, accessibly."""
    page = new_page(viewport)
    page.goto(searchable.get_absolute_url())
    box = page.get_by_role("search").get_by_role("searchbox", name="Search the posts")
    box.click()
    box.fill("trams")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=trams$"))
    expect(page.get_by_role("status")).to_have_text("2 posts found for “trams”")
    results = page.locator("article.search-result h2")
    expect(results).to_have_text([searchable.title, "Bus lanes, compared"])
    expect(results.first.locator("mark")).to_have_text("tram")
    excerpt_marks = page.locator("article.search-result .excerpt mark")
    expect(excerpt_marks.first).to_have_text(re.compile(r"^trams?$"))
    expect(page.get_by_role("searchbox", name="Search the posts")).to_have_value("trams")
    expect(page.locator("head meta[name=robots]")).to_have_attribute("content", "noindex")

    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the results scroll sideways: {widths}"
    found = axe(page)
    assert not found, axe.describe(found)
    screenshot(page, f"search-{viewport}")

    page.goto("/")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the header scrolls sideways: {widths}"
    found = axe(page)
    assert not found, axe.describe(found)
    screenshot(page, f"search-header-{viewport}")


def test_search_box_is_reached_and_used_with_the_keyboard(page, searchable):
    """Tab from the top of the page reaches the search box; Enter searches; no results say so."""
    page.goto("/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("zeppelins")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("No posts found for “zeppelins”.")
    expect(page.get_by_role("main").get_by_role("link", name="archive")).to_be_visible()
