"""Layout, accessibility and keyboard use of the reader pages, at phone and desktop sizes."""

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS

# Elements whose right edge passes the viewport: what to fix when a page scrolls sideways.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(-5)
    .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
               + `right=${Math.round(el.getBoundingClientRect().right)}`)"""

# How the focused element shows focus: its outline, or a box-shadow drawn instead.
FOCUS_STYLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
        element: el.outerHTML.slice(0, 120),
        tag: el.tagName,
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
    };
}"""


@pytest.fixture
def site_pages(published_post, make_comment):
    """The reader pages under test, by name, around one realistic post and an edited comment."""
    from comments import services, subscriptions

    comment = make_comment(published_post, author_name="Ines Ortega", body="Every 400 metres.")
    services.edit(comment, "Every 400 metres, and level boarding.")  # posted just now
    unsubscribe = subscriptions.unsubscribe_url("ines@example.net", "")
    return {
        "home": "/",
        "post": published_post.get_absolute_url(),
        "author": published_post.author.get_absolute_url(),
        "tag": published_post.tags.get(slug="cities").get_absolute_url(),
        "report": f"/comments/{comment.pk}/report/",
        "history": f"/comments/{comment.pk}/history/",
        "unsubscribe": unsubscribe,
    }


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_fit_the_screen_width(new_page, site_pages, screenshot, viewport):
    """No reader page scrolls sideways; screenshots of each are kept for review."""
    page = new_page(viewport)
    too_wide = {}
    for name, url in site_pages.items():
        page.goto(url)
        screenshot(page, f"{viewport}-{name}")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide[name] = (widths, page.evaluate(OVERFLOWING))
    assert not too_wide, f"pages wider than the {viewport} screen: {too_wide}"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_have_no_serious_accessibility_violations(
    new_page, site_pages, axe, viewport, color_scheme
):
    """axe-core finds no serious or critical accessibility problem on any reader page."""
    page = new_page(viewport, color_scheme=color_scheme)
    report = []
    for name, url in site_pages.items():
        page.goto(url)
        if found := axe(page):
            report.append(f"== {name} ({url}) ==\n{axe.describe(found)}")
    assert not report, "\n".join(report)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_first_tab_shows_the_skip_link(new_page, site_pages, viewport):
    """The first Tab on a page focuses a visible "Skip to content" link that moves focus to main."""
    page = new_page(viewport)
    page.goto(site_pages["post"])
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    size = VIEWPORTS[viewport]
    assert box is not None
    assert box["width"] > 0, box
    assert box["height"] > 0, box
    assert 0 <= box["x"] <= size["width"] - box["width"], box
    assert 0 <= box["y"] <= size["height"] - box["height"], box

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_keyboard_focus_is_always_visible(page, site_pages):
    """Every element reached with Tab on the reader pages shows a focus outline (or a shadow)."""
    invisible = []
    reached = 0
    for name, url in site_pages.items():
        page.goto(url)
        for _ in range(60):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_STYLE)
            if focus is None:  # past the last element: focus went back to the browser
                break
            if focus["tag"] == "IFRAME":  # inside a third-party player, whose focus is its own
                continue
            reached += 1
            if not (focus["outline"] or focus["shadow"]):
                invisible.append(f"{name}: {focus['element']}")
    assert reached > 10, "too few focusable elements were reached to judge"
    assert not invisible, "focused without a visible indicator:\n" + "\n".join(invisible)
