"""Asking for reply notifications in the comment form, confirming and unsubscribing, by clicking."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from comments import services
from comments.models import Comment, Subscription

from .conftest import SCREENSHOTS, VIEWPORTS
from .test_layout import OVERFLOWING


def _fits(page, what):
    """The page does not scroll sideways."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{what} scrolls sideways: {page.evaluate(OVERFLOWING)}"


def _publish_and_email(comment, moderator, base_url):
    """A moderator approves the comment, and the worker sends what that queued."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    from comments.reply_emails import announce

    services.moderate(comment, "approve", moderator, base_url=base_url)
    for job in ProcrastinateJob.objects.filter(task_name="comments.announce"):
        announce(**job.args)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_ask_for_replies_confirm_then_unsubscribe(
    new_page, published_post, quick_comments, moderator, live_server, axe, viewport
):
    """Choose "Replies to my comment", post; the emailed link's button confirms; the
    unsubscribe page's button stops it. Each page fits the screen and passes axe."""
    page = new_page(viewport)
    page.goto(published_post.get_absolute_url())
    form = page.locator("#respond")
    form.get_by_role("textbox", name=re.compile("^Name")).fill("Ada Reader")
    form.get_by_role("textbox", name=re.compile("^Email")).fill("ada@example.net")
    form.get_by_role("textbox", name=re.compile("^Comment")).fill("Keep me posted, please.")
    group = form.get_by_role("group", name="Email me")
    expect(group.get_by_role("radio", name="Nothing")).to_be_checked()
    group.get_by_role("radio", name="Replies to my comment").check()
    _fits(page, "the post page with its form")
    form.screenshot(path=SCREENSHOTS / f"{viewport}-subscribe-form.png")
    assert not axe(page), axe.describe(axe(page))
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("awaiting moderation")
    comment = Comment.objects.get()
    subscription = Subscription.objects.get()
    assert (subscription.comment, subscription.confirmed_at) == (comment, None)

    _publish_and_email(comment, moderator, live_server.url)
    [notice] = [m for m in mail.outbox if m.to == ["ada@example.net"]]
    confirm = re.search(r"http://\S+/confirm/\S+", notice.body).group()
    page.goto(confirm)
    _fits(page, "the confirmation page")
    assert not axe(page), axe.describe(axe(page))
    page.get_by_role("button", name="Yes, email me").click()
    expect(page.get_by_role("status")).to_contain_text("Confirmed")
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    from comments.subscriptions import unsubscribe_url

    page.goto(unsubscribe_url(subscription.email, live_server.url, subscription))
    _fits(page, "the unsubscribe page")
    page.screenshot(path=SCREENSHOTS / f"{viewport}-unsubscribe.png")
    assert not axe(page), axe.describe(axe(page))
    page.get_by_role("button", name="Unsubscribe", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("no more emails about replies")
    assert not Subscription.objects.exists()
    _fits(page, "the unsubscribed page")
