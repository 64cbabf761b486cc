"""Reader polish in a browser: the order links, the header's jump link, avatars on a phone."""

import re

import pytest
from playwright.sync_api import expect

from comments import services

from . import test_discussion_layout as layout
from .conftest import VIEWPORTS
from .test_layout import OVERFLOWING

deep_thread = layout.deep_thread  # the deep, realistic thread those tests read


@pytest.fixture
def answered(deep_thread, moderator):
    """A staff reply to the deepest comment: hung beside it, it says whom it answers."""
    deepest = deep_thread["levels"][-1]
    reply = services.reply_as_staff(deepest, moderator, "The depot can go under the new park.")
    return deep_thread | {"reply": reply, "deepest": deepest}


def _first_thread_author(page):
    return page.locator(".comment-list > .comment > article .comment-author").first.inner_text()


def test_clicking_the_order_links_turns_the_threads(page, deep_thread):
    """ "Newest first" puts the latest thread on top and marks itself current; "Oldest first"
    turns it back."""
    post = deep_thread["post"]
    page.goto(post.get_absolute_url())
    order = page.get_by_role("navigation", name="Order of comments")
    expect(order.get_by_role("link", name="Oldest first")).to_have_attribute("aria-current", "true")
    assert _first_thread_author(page) == "Ines Ortega"

    order.get_by_role("link", name="Newest first").click()
    expect(page).to_have_url(re.compile(r"\?csort=newest#comments$"))
    expect(order.get_by_role("link", name="Newest first")).to_have_attribute("aria-current", "true")
    expect(order.get_by_role("link", name="Oldest first")).not_to_have_attribute(
        "aria-current", "true"
    )
    assert _first_thread_author(page) == "Aiko Tanaka"

    order.get_by_role("link", name="Oldest first").click()
    expect(page).to_have_url(re.compile(r"/#comments$"))
    assert _first_thread_author(page) == "Ines Ortega"


def test_the_header_count_jumps_to_the_discussion(page, deep_thread):
    """The response count under the title scrolls the page down to the discussion."""
    page.goto(deep_thread["post"].get_absolute_url())
    heading = page.get_by_role("heading", name=re.compile(r"^\d+ Responses$"))
    expect(heading).not_to_be_in_viewport()
    page.locator(".post-header").get_by_role("link", name=re.compile(r"^\d+ Responses$")).click()
    expect(page).to_have_url(re.compile("#comments$"))
    expect(heading).to_be_in_viewport()


def test_in_reply_to_leads_to_the_comment_answered(page, answered):
    """The marker on a reply hung at the deepest level links to the comment it answers."""
    page.goto(answered["post"].get_absolute_url())
    marker = page.locator(f"#comment-{answered['reply'].pk} .comment-in-reply-to")
    expect(marker).to_have_text("in reply to Maximiliana Wolkenstein-Oberhausen")
    marker.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"#comment-{answered['deepest'].pk}$"))
    expect(page.locator(f"#comment-{answered['deepest'].pk}")).to_be_in_viewport()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("query", ["", "?csort=newest"])
def test_avatars_and_deep_threads_fit_and_pass_axe(new_page, answered, axe, viewport, query):
    """Avatars, order links and markers keep the deep thread on screen, with no serious axe
    violation, in either order."""
    page = new_page(viewport)
    page.goto(f"{answered['post'].get_absolute_url()}{query}")
    avatars = page.locator(".comment-meta .avatar")
    expect(avatars).to_have_count(10)  # each approved comment, the staff reply's too
    expect(page.locator(f"#comment-{answered['reply'].pk} .avatar")).to_have_text("M")
    box = avatars.first.bounding_box()
    assert round(box["width"]) == round(box["height"]) == 32, box
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (widths, page.evaluate(OVERFLOWING))
    found = axe(page)
    assert not found, axe.describe(found)
