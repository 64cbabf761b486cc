"""A moderator closes one sub-thread from the post page; readers see it and the countdown."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from .test_layout import OVERFLOWING

LOCKED_NOTE = "Replies to this comment are closed."
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def thread(published_post, make_comment, settings):
    """Two top-level comments, the first with a reply; discussions close after 14 quiet days."""
    settings.COMMENTS_CLOSE_AFTER_INACTIVE_DAYS = 14
    first = make_comment(published_post, author_name="Ines Ortega", body="Every 400 metres.")
    reply = make_comment(published_post, parent=first, author_name="Noor Haddad", body="Or 300.")
    second = make_comment(published_post, author_name="Otto Berg", body="Trams need priority.")
    return published_post, first, reply, second


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_moderator_closes_and_reopens_a_sub_thread(
    new_page, log_in, moderator, thread, axe, viewport
):
    """Clicking "Close replies" closes that sub-thread only; "Reopen replies" lifts it."""
    post, first, reply, second = thread
    page = log_in(new_page(viewport), "moe")
    page.goto(post.get_absolute_url())
    comment = page.locator(f"#comment-{first.pk} > article")
    comment.get_by_role("button", name="Close replies").click()
    expect(page.locator(".messages")).to_contain_text(LOCKED_NOTE)
    expect(comment.locator(".comment-locked")).to_have_text(LOCKED_NOTE)
    expect(page.locator(f"#comment-{first.pk} .comment-reply-link")).to_have_count(0)
    expect(page.locator(f"#comment-{second.pk} .comment-reply-link")).to_have_count(1)
    assert page.evaluate(FITS), page.evaluate(OVERFLOWING)
    found = axe(page)
    assert not found, axe.describe(found)
    comment.get_by_role("button", name="Reopen replies").click()
    expect(comment.locator(".comment-locked")).to_have_count(0)
    expect(page.locator(f"#comment-{reply.pk} .comment-reply-link")).to_have_count(1)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_readers_see_the_lock_and_the_countdown(new_page, moderator, thread, axe, viewport):
    """A reader sees the closed sub-thread and "Comments close in …" under the form."""
    from django.utils import timezone

    from blog.models import Post
    from comments import services
    from comments.models import Discussion

    post, first, _, _ = thread
    services.lock_replies(first, moderator)
    quiet_since = timezone.now() - timedelta(days=11, hours=1)
    Post.objects.filter(pk=post.pk).update(published_at=quiet_since - timedelta(days=30))
    Discussion.objects.filter(post=post).update(last_active_at=quiet_since)
    page = new_page(viewport)
    page.goto(post.get_absolute_url())
    expect(page.locator(f"#comment-{first.pk} .comment-locked").first).to_have_text(LOCKED_NOTE)
    countdown = page.locator(".comments-countdown")
    expect(countdown).to_contain_text("Comments close in 3 days, on")  # 2 days and 23 hours
    box, form = countdown.bounding_box(), page.locator("#respond").bounding_box()
    assert box["y"] >= form["y"] + form["height"] - 1  # under the form
    assert page.evaluate(FITS), page.evaluate(OVERFLOWING)
    found = axe(page)
    assert not found, axe.describe(found)
