"""A comment draft survives a failed send in the reader's browser, until the server has it."""

import re

from playwright.sync_api import expect

from comments.models import Comment


def field(scope, name):
    return scope.get_by_role("textbox", name=re.compile(f"^{name}"))


def test_a_draft_lost_to_a_failed_send_is_offered_back_then_forgotten_once_stored(
    page, published_post, quick_comments
):
    """After a 503 the text is offered back on the next visit; once stored, the offer is gone."""
    page.goto(published_post.get_absolute_url())
    form = page.locator("#respond")
    field(form, "Name").fill("Ada Reader")
    field(form, "Email").fill("ada@example.net")
    field(form, "Comment").fill("A long, careful thought about trams.")
    # The server is down for this one request (as during a database outage).
    page.route(
        "**/comment/",
        lambda route: route.fulfill(status=503, body="Back in a moment", content_type="text/html"),
    )
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("body")).to_contain_text("Back in a moment")
    page.unroute("**/comment/")
    assert not Comment.objects.exists()

    page.goto(published_post.get_absolute_url())
    offer = page.locator(".draft-offer")
    expect(offer).to_contain_text("may not have been sent")
    offer.get_by_role("button", name="Put my text back").click()
    expect(field(form, "Comment")).to_have_value("A long, careful thought about trams.")
    field(form, "Name").fill("Ada Reader")
    field(form, "Email").fill("ada@example.net")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("Thank you")
    assert Comment.objects.get().body == "A long, careful thought about trams."

    page.goto(published_post.get_absolute_url())
    expect(page.locator("#respond")).to_be_visible()
    expect(page.locator(".draft-offer")).to_have_count(0)


def test_a_discarded_draft_is_not_offered_again(page, published_post):
    """ "Discard it" forgets the draft for good."""
    page.goto(published_post.get_absolute_url())
    field(page.locator("#respond"), "Comment").fill("Never mind.")
    page.goto(published_post.get_absolute_url())
    page.locator(".draft-offer").get_by_role("button", name="Discard it").click()
    expect(page.locator(".draft-offer")).to_have_count(0)
    expect(field(page.locator("#respond"), "Comment")).to_have_value("")
    page.reload()
    expect(page.locator("#respond")).to_be_visible()
    expect(page.locator(".draft-offer")).to_have_count(0)
