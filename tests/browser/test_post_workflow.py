"""The post form's workflow buttons in a real browser: preview, schedule, publish, unpublish."""

import re

import pytest
from playwright.sync_api import expect

TITLE = "Night trains are back"


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_author_previews_schedules_publishes_and_unpublishes(page, make_author, log_in, axe):
    """An author goes draft → preview → scheduled → published → draft with the buttons."""
    from blog.models import Post

    make_author("ines", display_name="Inès Laurent")
    log_in(page, "ines")
    page.goto("/admin/blog/post/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_title").blur()
    page.get_by_role("textbox", name="Body").fill("Sleep in Paris, wake up in Vienna.")
    found = axe(page)
    assert not found, axe.describe(found)

    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/posts/night-trains-are-back/$"))
    expect(page.locator(".preview-banner")).to_contain_text("Preview — not published")
    post = Post.objects.get(title=TITLE)
    assert post.status == "draft"

    page.goto(f"/admin/blog/post/{post.pk}/change/")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("a publication date in the future")

    page.locator("#id_published_at_0").fill("2030-12-03")
    page.locator("#id_published_at_1").fill("08:00:00")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"“{TITLE}” is scheduled for 3 December 2030"
    )
    expect(page.get_by_role("button", name="Update schedule")).to_be_visible()
    found = axe(page)
    assert not found, axe.describe(found)

    page.goto("/admin/blog/post/?state=scheduled")
    expect(page.locator(".field-state")).to_contain_text("Scheduled, 3 Dec 2030, 08:00")
    page.get_by_role("link", name=TITLE).click()

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text(f"“{TITLE}” is published.")
    post.refresh_from_db()
    assert post.is_public

    page.get_by_role("button", name="Unpublish").click()
    expect(page.locator(".messagelist")).to_contain_text("unpublished: it is a draft again")
    expect(page.get_by_role("button", name="Save draft")).to_be_visible()
    post.refresh_from_db()
    assert post.status == "draft"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_workflow_buttons_fit_the_screen(new_page, make_author, make_post, log_in, viewport):
    """The buttons wrap on a phone: the form never scrolls sideways."""
    author = make_author("ines")
    draft = make_post(author=author, status="draft")
    page = log_in(new_page(viewport=viewport), "ines")
    page.goto(f"/admin/blog/post/{draft.pk}/change/")
    for label in ["Save draft", "Preview", "Schedule", "Publish"]:
        expect(page.get_by_role("button", name=label, exact=True)).to_be_visible()
    assert _fits(page)
