"""The post's author in the discussion, in a real browser: they comment and see their badge;
with COMMENTS_AUTHORS_MODERATE they approve a held comment from their post's page."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS


@pytest.fixture
def held(published_post, make_comment):
    """A reader's comment on the author's post, waiting for a moderator."""
    return make_comment(
        published_post,
        status="pending",
        author_name="Ada Reader",
        body="Would the tram stop at the market?",
    )


@pytest.fixture
def authors_moderate(settings):
    """The live server runs in this process: it reads the same settings."""
    settings.COMMENTS_AUTHORS_MODERATE = True


def _overflow(page):
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return width - viewport


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_author_comments_sees_badge_and_approves_a_held_comment(
    new_page, log_in, axe, published_post, held, quick_comments, authors_moderate, viewport
):
    """The author posts under their byline with the "Author" badge, then approves the held
    comment with its button; the page has no serious axe violations and fits a phone."""
    page = log_in(new_page(viewport), published_post.author.user.username)
    page.goto(published_post.get_absolute_url())
    respond = page.locator("#respond")
    expect(respond.locator(".commenting-as")).to_have_text(
        "Commenting as Mara Quist (author of this post)."
    )
    respond.get_by_role("textbox", name="Comment").fill("Yes: the market stop is on page 4.")
    respond.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("your comment is published")

    mine = page.locator("#comments li.comment").filter(has_text="the market stop is on page 4")
    expect(mine.locator(".comment-author")).to_have_text("Mara Quist")
    expect(mine.locator(".comment-badge")).to_have_text("Author")
    expect(mine).not_to_have_class(re.compile(r"\bis-pending\b"))

    comment = page.locator(f"#comment-{held.pk}")
    expect(comment).to_have_class(re.compile(r"\bis-pending\b"))
    assert not (found := axe(page)), axe.describe(found)
    assert _overflow(page) <= 0, "the post page scrolls sideways"

    comment.get_by_role("button", name="Approve").click()
    expect(comment).to_have_attribute("data-status", "approved")
    expect(page.locator("[data-pending-count]")).to_have_text("0")
    held.refresh_from_db()
    assert (held.status, held.moderated_by) == ("approved", published_post.author.user)
