"""A commenter edits their comment in a real browser; readers open its earlier versions."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS
from .test_layout import OVERFLOWING

FIRST = "Trams are quieter than buses, mostly."
SECOND = "Trams are quieter than buses, and kinder to the street."


def _fits(page):
    """Nothing is wider than the screen."""
    assert page.evaluate(OVERFLOWING) == [], page.url


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_commenter_edits_and_a_reader_opens_the_earlier_version(
    new_page, make_post, moderator, quick_comments, axe, viewport
):
    """Post, click Edit, change, save: the comment shows the new text and "edited", which
    opens its versions. Each page is usable by keyboard and screen reader, and fits a phone."""
    from comments import services
    from comments.models import Comment

    post = make_post(title="Where should the tram stop?")
    page = new_page(viewport=viewport)
    page.goto(post.get_absolute_url())
    form = page.locator("#respond")
    form.get_by_role("textbox", name=re.compile("^Name")).fill("Ada Reader")
    form.get_by_role("textbox", name=re.compile("^Email")).fill("ada@example.net")
    form.get_by_role("textbox", name=re.compile("^Comment")).fill(FIRST)
    form.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(body=FIRST)
    services.moderate(comment, "approve", moderator)

    page.goto(post.get_absolute_url())
    mine = page.locator(f"#comment-{comment.pk}")
    mine.get_by_role("link", name="Edit your comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your comment")
    box = page.get_by_role("textbox", name=re.compile("^Your comment"))
    expect(box).to_have_value(FIRST)
    assert not axe(page), axe.describe(axe(page))
    _fits(page)

    box.fill(SECOND)
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(f"#comment-{comment.pk}$"))
    expect(page.locator(".messages")).to_have_text("Your edit is saved.")
    expect(mine.locator(".comment-content")).to_contain_text("kinder to the street")
    edited = mine.get_by_role("link", name=re.compile("^edited"))
    expect(edited).to_be_visible()
    assert not axe(page), axe.describe(axe(page))
    _fits(page)

    reader = new_page(viewport=viewport)
    reader.goto(post.get_absolute_url())
    theirs = reader.locator(f"#comment-{comment.pk}")
    expect(theirs.get_by_role("link", name="Edit your comment")).to_have_count(0)
    theirs.get_by_role("link", name=re.compile("^edited")).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Versions of a comment by Ada Reader"
    )
    versions = reader.locator(".comment-version")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("kinder to the street")
    expect(versions.nth(1)).to_contain_text(FIRST)
    expect(versions.nth(1).get_by_role("heading")).to_contain_text("As posted")
    assert not axe(reader), axe.describe(axe(reader))
    _fits(reader)
    reader.get_by_role("link", name="Back to the comment").click()
    expect(reader).to_have_url(re.compile(f"#comment-{comment.pk}$"))
