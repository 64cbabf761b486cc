"""Reporting a comment in a real browser: the Report link, its page, the thanks, the queue's
Reported tab; with and without JavaScript, accessible, and no sideways scrolling on a phone."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS
from .test_layout import OVERFLOWING


@pytest.fixture
def reported_thread(published_post, make_comment):
    """The realistic post with two published comments, one of them an advert."""
    make_comment(
        published_post, author_name="Ines Ortega", body="Where would the new stops go, though?"
    )
    advert = make_comment(
        published_post,
        author_name="Cheap Deals",
        body="Great post!!! Cheap watches at https://deals.example/watches-and-more-watches",
    )
    return published_post, advert


def _checked(page, axe, javascript):
    """The page fits the screen and axe finds nothing serious (axe needs scripts to run: the
    pages are the same without them)."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {page.evaluate(OVERFLOWING)}"
    if javascript:
        assert not axe(page), axe.describe(axe(page))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_reader_reports_a_comment_by_clicking(
    new_page, reported_thread, axe, viewport, javascript
):
    """Report under a comment opens its page; sending without a reason says what is missing;
    choosing a reason and sending brings the reader back to the comment, thanked. Each page
    fits a phone and axe finds nothing serious."""
    from comments.models import Report

    post, advert = reported_thread
    page = new_page(viewport, javascript=javascript)
    page.goto(post.get_absolute_url())
    page.locator(f"#comment-{advert.pk} .comment-report-link").click()

    expect(page.get_by_role("heading", name="Report a comment")).to_be_visible()
    expect(page.locator(".reported-comment")).to_contain_text("Cheap watches")
    _checked(page, axe, javascript)

    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert")).to_contain_text("Your report was not sent")
    expect(page.locator(".report-reasons .field-error")).to_have_text(
        "Choose what is wrong with the comment."
    )
    _checked(page, axe, javascript)

    page.get_by_role("radio", name="Spam or advertising").check()
    page.get_by_label("Anything moderators should know").fill("The same advert is on every post.")
    page.get_by_role("button", name="Send the report").click()

    expect(page).to_have_url(
        re.compile(rf"{re.escape(post.get_absolute_url())}#comment-{advert.pk}$")
    )
    expect(page.get_by_role("status")).to_contain_text("Thank you: moderators will look at it.")
    report = Report.objects.get()
    assert (report.comment_id, report.reason) == (advert.pk, "spam")
    assert report.note == "The same advert is on every post."

    page.locator(f"#comment-{advert.pk} .comment-report-link").click()
    expect(page.get_by_text("You have already reported this comment")).to_be_visible()
    expect(page.get_by_role("button", name="Send the report")).to_have_count(0)


def test_a_moderator_dismisses_reports_from_the_reported_tab(
    new_page, reported_thread, moderator, log_in, axe
):
    """The Reported tab lists the reported comment with its reason and note; Dismiss reports
    empties the tab, and the comment stays published."""
    from comments.models import Comment, Report

    _, advert = reported_thread
    Report.objects.create(
        comment=advert, reason="spam", note="Adverts again.", browser_key="b" * 64
    )
    page = log_in(new_page(), moderator.username)
    page.goto("/admin/comments/comment/")
    tab = page.locator(".queue-tabs a[data-tab=reported]")
    expect(tab.locator("[data-count=reported]")).to_have_text("1")
    tab.click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".queue-reports")).to_contain_text("1 open report: spam ×1")
    expect(rows.first.locator(".queue-reports")).to_contain_text("Adverts again.")
    assert not axe(page), axe.describe(axe(page))

    rows.first.get_by_role("button", name="Dismiss reports").click()
    expect(page.locator(".messagelist")).to_contain_text("1 report dismissed")
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    expect(page.locator("[data-count=reported]")).to_have_text("0")
    advert.refresh_from_db()
    assert advert.status == Comment.Status.APPROVED
