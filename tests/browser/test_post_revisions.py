"""A post's revisions in a real browser: edit, open a revision, restore it, on a phone too."""

import pytest
from playwright.sync_api import expect


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_author_restores_an_earlier_version(
    new_page, make_author, make_post, log_in, axe, viewport
):
    """An author edits a post, opens the earlier version from the form and restores it."""
    author = make_author("ines")
    post = make_post(author=author, title="Night trains", status="draft")
    page = log_in(new_page(viewport=viewport), "ines")
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    page.get_by_role("textbox", name="Body").fill("Sleep in Paris, wake up in Vienna.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist")).to_contain_text("saved as a draft")

    revisions = page.locator(".revision-table")
    expect(revisions).to_contain_text("Body +")
    page.get_by_role("link", name="All revisions").click()
    expect(page.locator("h1")).to_contain_text("Revisions of “Night trains”")
    assert not axe(page), axe.describe(axe(page))
    assert _fits(page)

    page.locator(".revision-table tbody tr").last.get_by_role("link").click()
    expect(page.locator(".revision-body")).to_contain_text("Body of post")
    assert not axe(page), axe.describe(axe(page))
    assert _fits(page)

    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("Restored the version of")
    expect(page.get_by_role("textbox", name="Body")).to_have_text("Body of post 1.")
    expect(page.locator(".revision-table")).to_contain_text("Restored the version of")
    assert _fits(page)
