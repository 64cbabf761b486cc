"""Explained holds in a real browser: the moderator tunes the rule that held a comment from the
queue in one click; the queue is accessible and fits a phone."""

import re

import pytest
from playwright.sync_api import expect

from .test_moderation_workbench import _fits

QUEUE = "/admin/comments/comment/?status__exact=pending"
HELD_FOR_LINKS = "Held: 3 links (limit 2)."
RAISE = "Approve and raise the link limit to 3"


@pytest.fixture
def held(published_post, make_comment):
    """A comment held for its links, and one held by a blocklist entry, as the rules store them."""
    from comments.models import BlockedTerm

    term = BlockedTerm.objects.create(value="casino", action=BlockedTerm.Action.HOLD)
    links = make_comment(
        published_post,
        status="pending",
        author_name="Noor Haddad",
        body="Three maps of the line, see the links.",
        status_reason=HELD_FOR_LINKS,
        hold_rule="links",
        hold_detail={"links": 3, "limit": 2},
        browser_key="b" * 64,
    )
    make_comment(
        published_post,
        status="pending",
        author_name="Tomas Berg",
        body="The casino stop should move.",
        status_reason="Held: blocked phrase “casino”.",
        hold_rule="blocked",
        hold_detail={"term": term.pk, "value": "casino"},
    )
    return links


def test_moderator_raises_the_link_limit_from_the_queue(new_page, log_in, moderator, held):
    """The row explains the hold; its fix approves the comment and raises the limit."""
    from comments.models import Threshold

    page = log_in(new_page(), "moe")
    page.goto(QUEUE)
    row = page.locator("#result_list tbody tr").filter(has_text=held.body)
    expect(row.locator(".queue-reason")).to_have_text(HELD_FOR_LINKS)
    row.get_by_role("button", name=RAISE).click()
    expect(page.locator(".messagelist")).to_contain_text("Changed the link limit from 2 to 3")
    expect(page).to_have_url(re.compile(re.escape(QUEUE) + "$"))  # back where the click was
    expect(page.locator("#result_list tbody tr").filter(has_text=held.body)).to_have_count(0)
    held.refresh_from_db()
    assert held.status == "approved"
    assert Threshold.objects.get(name="max_links").value == 3


def test_the_queue_with_fixes_is_accessible_and_fits_a_phone(
    new_page, log_in, moderator, held, axe, screenshot
):
    """axe-core finds nothing serious in the queue with its fixes; it fits a phone's width."""
    page = log_in(new_page(), "moe")
    page.goto(QUEUE)
    expect(page.get_by_role("button", name=RAISE)).to_be_visible()
    found = axe(page)
    assert not found, axe.describe(found)
    phone = log_in(new_page(viewport="phone"), "moe")
    phone.goto(QUEUE)
    expect(
        phone.get_by_role("button", name="Approve and remove blocklist entry “casino”")
    ).to_have_count(1)
    screenshot(phone, "hold-tuning-queue-phone")
    fits, widths, overflowing = _fits(phone)
    assert fits, f"the queue scrolls sideways at {widths}: {overflowing}"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_moderator_fixes_a_hold_from_the_post_page(
    new_page, log_in, moderator, held, axe, viewport
):
    """Beside Approve on the post page: the fix approves in place of the click and comes back
    to the comment; the page with fixes is accessible and fits the screen."""
    page = log_in(new_page(viewport), "moe")
    page.goto(held.post.get_absolute_url())
    comment = page.locator(f"#comment-{held.pk}")
    expect(comment.locator(".comment-status")).to_contain_text(HELD_FOR_LINKS)
    found = axe(page)
    assert not found, axe.describe(found)
    fits, widths, overflowing = _fits(page)
    assert fits, f"the post page scrolls sideways at {widths}: {overflowing}"
    comment.get_by_role("button", name=RAISE).click()
    expect(page).to_have_url(re.compile(f"#comment-{held.pk}$"))
    expect(page.locator(f"#comment-{held.pk}")).not_to_have_class(re.compile("is-pending"))
    expect(page.locator(f"#comment-{held.pk} .hold-fixes")).to_have_count(0)
