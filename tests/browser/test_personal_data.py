"""Erasing a commenter's data in a real browser: the queue's action, its confirmation page
(accessible, fits a phone), and the post page afterwards."""

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS
from .test_layout import OVERFLOWING


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_moderator_erases_a_commenter_after_confirming(
    new_page, log_in, moderator, published_post, make_comment, axe, viewport
):
    """The action asks first, naming the address and its comments; Yes erases them, and the post
    page then shows "Removed" where the name was."""
    make_comment(
        published_post,
        author_name="Ines Ortega",
        author_email="ines@example.net",
        author_url="https://ines.example",
        body="Where would the new stops go, though?",
    )
    page = new_page(viewport)
    log_in(page, "moe")
    page.goto("/admin/comments/comment/")
    row = page.locator("#result_list tbody tr").filter(has_text="Where would the new stops go")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Erase the data of these commenters…")
    page.get_by_role("button", name="Go").click()

    expect(page.locator("#content")).to_contain_text("ines@example.net: 1 comment")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {page.evaluate(OVERFLOWING)}"
    assert not axe(page), axe.describe(axe(page))
    page.get_by_role("button", name="Yes, erase their data").click()
    expect(page.locator(".messagelist")).to_have_text(
        "Erased the data of 1 commenter, on 1 comment."
    )

    page.goto(published_post.get_absolute_url())
    comment = page.locator(".comment").filter(has_text="Removed by request.")
    expect(comment.locator(".comment-author")).to_have_text("Removed")
    expect(page.locator("#comments")).not_to_contain_text("Ines Ortega")
