"""The moderator's workbench in a real browser: the post page's controls and the queue's keys."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from .conftest import PHONE
from .test_layout import OVERFLOWING

HELD_FOR_LINKS = "Held: 3 links (more than 2)."
HELD_NEW = "Held: first comment from this address."
# Set on the window before an action: still there afterwards means the page was not reloaded.
MARK_DOCUMENT = "() => { window.__sameDocument = 'yes'; }"
SAME_DOCUMENT = "() => window.__sameDocument === 'yes'"


@pytest.fixture
def workbench(published_post, make_comment):
    """The tram post with one approved comment and two pending ones, in thread order."""
    from django.utils import timezone

    now = timezone.now()
    approved = make_comment(
        published_post,
        author_name="Ines Ortega",
        body="Every 400 metres, or nobody walks to it.",
        created_at=now - timedelta(hours=3),
    )
    held = make_comment(
        published_post,
        status="pending",
        author_name="Noor Haddad",
        body="Level boarding matters more than stop spacing.",
        status_reason=HELD_FOR_LINKS,
        created_at=now - timedelta(hours=2),
    )
    junk = make_comment(
        published_post,
        status="pending",
        author_name="Best Deals",
        body="Cheap watches at deals.example, today only!",
        status_reason=HELD_NEW,
        created_at=now - timedelta(hours=1),
    )
    return published_post, approved, held, junk


def _moderator_page(new_page, log_in, post, **options):
    page = log_in(new_page(**options), "moe")
    page.goto(post.get_absolute_url())
    return page


def _pending_count(page):
    return page.locator(".moderator-bar [data-pending-count]")


def _status(comment):
    comment.refresh_from_db()
    return comment.status


def _fits(page):
    """Whether the page fits the screen's width; the widths; the elements sticking out."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    too_wide = widths[0] > widths[1]
    return not too_wide, widths, (page.evaluate(OVERFLOWING) if too_wide else [])


def test_moderator_approves_a_pending_comment_in_place(new_page, log_in, moderator, workbench):
    """With JavaScript, Approve updates the comment and the pending count without a reload."""
    post, approved, held, junk = workbench
    page = _moderator_page(new_page, log_in, post)

    bar = page.locator(".moderator-bar")
    expect(bar).to_be_visible()
    expect(bar.locator(".moderation-summary")).to_contain_text("2 awaiting moderation")
    expect(_pending_count(page)).to_have_text("2")
    # Both pending comments are in place, in thread order, marked with the reason they wait.
    expect(page.locator("#comments .comment-list > li.comment")).to_have_count(3)
    expect(page.locator("#comments .comment-list > li.comment.is-pending")).to_have_count(2)
    comment = page.locator(f"#comment-{held.pk}")
    expect(comment).to_have_class(re.compile(r"\bis-pending\b"))
    expect(comment.locator(".comment-content")).to_have_text(held.body)
    label = comment.locator("[data-status-label]")
    expect(label).to_be_visible()
    expect(label).to_contain_text("Pending")
    expect(label).to_contain_text(HELD_FOR_LINKS)
    expect(page.locator(f"#comment-{approved.pk}")).not_to_have_class(re.compile("is-pending"))

    actions = comment.locator("form.moderation-actions")
    approve = actions.locator("button[value=approve]")
    expect(approve).to_be_visible()
    expect(actions.locator("button[value=spam]")).to_be_visible()
    expect(actions.locator("button[value=reject]")).to_be_visible()
    expect(actions.locator("button[value=restore]")).to_be_hidden()  # not for a pending one

    page.evaluate(MARK_DOCUMENT)
    with page.expect_request(lambda request: request.method == "POST") as sent:
        approve.click()
    request = sent.value
    assert request.url.endswith(f"/comments/{held.pk}/moderate/"), f"sent to {request.url}"
    assert request.response().status == 200, request.response().text()

    expect(_pending_count(page)).to_have_text("1")
    expect(comment).to_have_attribute("data-status", "approved")
    expect(comment).not_to_have_class(re.compile(r"\bis-pending\b"))
    expect(label).to_be_hidden()
    expect(approve).to_be_hidden()
    expect(actions.locator("button[value=spam]")).to_be_visible()
    # Focus stays in the comment's controls (not lost to the page) and the result is announced.
    expect(actions.locator("button:focus")).to_have_count(1)
    expect(page.locator("[role=status][aria-live]").filter(has_text="Approved")).to_have_count(1)
    assert page.evaluate(SAME_DOCUMENT), "the page was reloaded"
    expect(page.locator(f"#comment-{junk.pk}")).to_have_class(re.compile(r"\bis-pending\b"))

    held.refresh_from_db()
    assert (held.status, held.moderated_by) == ("approved", moderator)
    assert _status(junk) == "pending"


def test_moderator_approves_and_marks_spam_without_javascript(
    new_page, log_in, moderator, workbench
):
    """Without JavaScript, Approve and Spam post the form and come back to the comment."""
    post, _, held, junk = workbench
    page = _moderator_page(new_page, log_in, post, javascript=False)
    expect(_pending_count(page)).to_have_text("2")

    page.locator(f"#comment-{held.pk} form.moderation-actions button[value=approve]").click()
    expect(page).to_have_url(re.compile(re.escape(f"{post.get_absolute_url()}#comment-{held.pk}")))
    expect(page.locator(".messages")).to_have_text(
        f"Approved: the comment by \u2068{held.author_name}\u2069."
    )
    held.refresh_from_db()
    assert (held.status, held.moderated_by) == ("approved", moderator)
    comment = page.locator(f"#comment-{held.pk}")
    expect(comment).to_have_attribute("data-status", "approved")
    expect(comment).not_to_have_class(re.compile(r"\bis-pending\b"))
    expect(_pending_count(page)).to_have_text("1")
    expect(comment.locator("button[value=approve]")).to_be_hidden()

    page.locator(f"#comment-{junk.pk} form.moderation-actions button[value=spam]").click()
    expect(page.locator(".messages")).to_have_text(
        f"Marked as spam: the comment by \u2068{junk.author_name}\u2069."
    )
    expect(_pending_count(page)).to_have_text("0")
    junk.refresh_from_db()
    assert (junk.status, junk.moderated_by) == ("spam", moderator)
    # Back at the comment, marked, with the way to undo (as the in-place update shows it).
    expect(page).to_have_url(re.compile(rf"#comment-{junk.pk}$"))
    spam = page.locator(f"#comment-{junk.pk}")
    expect(spam).to_be_visible()
    expect(spam).to_have_attribute("data-status", "spam")
    expect(spam.locator("button[value=restore]")).to_be_visible()


def test_moderator_closes_and_reopens_the_discussion_in_two_clicks(
    new_page, log_in, moderator, workbench
):
    """Close the discussion… then Close comments now: closed, thread readable; reopen the same."""
    from comments.closing import load_state
    from comments.models import ModerationEvent

    post, approved, held, _ = workbench
    page = _moderator_page(new_page, log_in, post)
    bar = page.locator(".moderator-bar")
    expect(bar.locator(".discussion-state")).to_have_text("Open for comments.")
    expect(page.locator(".comments-closed")).to_have_count(0)
    expect(page.locator("#respond")).to_be_visible()
    close_now = bar.get_by_role("button", name="Close comments now")
    expect(close_now).to_be_hidden()  # behind the confirmation

    bar.get_by_text("Close the discussion…", exact=True).click()  # first click
    close_now.click()  # second click

    expect(page.locator(".comments-closed")).to_have_text("Comments are closed.")
    expect(page.locator(".messages")).to_contain_text("The discussion is closed")
    expect(bar.locator(".discussion-state")).to_contain_text("Closed by Moe")
    expect(page.locator(f"#comment-{approved.pk} .comment-content")).to_have_text(approved.body)
    expect(page.locator(f"#comment-{held.pk} .comment-content")).to_have_text(held.body)
    expect(page.locator("#respond")).to_have_count(0)
    state = load_state(post)
    assert (state.closed, state.why, state.closed_by) == (True, "moderator", moderator)

    reopen_now = bar.get_by_role("button", name="Reopen comments now")
    expect(reopen_now).to_be_hidden()
    bar.get_by_text("Reopen the discussion…", exact=True).click()
    reopen_now.click()

    expect(page.locator(".comments-closed")).to_have_count(0)
    expect(page.locator(".messages")).to_contain_text("The discussion is open again.")
    expect(bar.locator(".discussion-state")).to_have_text("Open for comments.")
    expect(page.locator("#respond")).to_be_visible()
    expect(bar.get_by_text("Close the discussion…", exact=True)).to_be_visible()
    assert not load_state(post).closed
    events = ModerationEvent.objects.filter(post=post, comment=None).order_by("created_at", "pk")
    assert [(event.action, event.actor) for event in events] == [
        ("close", moderator),
        ("reopen", moderator),
    ]


@pytest.mark.parametrize("role", ["reader", "author", "editor"])
def test_other_roles_see_no_moderation_controls(
    new_page, log_in, django_user_model, workbench, role
):
    """Readers, the post's author and editors see no moderation controls nor others' pending."""
    from django.contrib.auth.models import Group

    post, approved, held, junk = workbench
    page = new_page()
    if role == "author":
        log_in(page, post.author.user.username)
    elif role == "editor":
        editor = django_user_model.objects.create_user("eda", password="pw", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))
        log_in(page, "eda")
    page.goto(post.get_absolute_url())

    discussion = page.locator("#comments")
    expect(discussion.locator(f"#comment-{approved.pk} .comment-content")).to_have_text(
        approved.body
    )
    expect(page.locator("#respond")).to_be_visible()
    expect(page.locator(".moderator-bar")).to_have_count(0)
    expect(page.locator(".moderation-actions")).to_have_count(0)
    expect(page.locator("[data-pending-count]")).to_have_count(0)
    expect(page.locator(".discussion-switch")).to_have_count(0)
    expect(page.locator("script[src*='js/moderation']")).to_have_count(0)
    for pending in (held, junk):
        expect(page.locator(f"#comment-{pending.pk}")).to_have_count(0)
        expect(discussion).not_to_contain_text(pending.body)
    expect(page.get_by_role("button", name=re.compile("^(Approve|Reject|Spam)$"))).to_have_count(0)


@pytest.fixture
def pending_queue(make_post, make_comment):
    """Three pending comments (newest first in the queue) and one approved one."""
    from django.utils import timezone

    post = make_post(title="Where should the tram stop?")
    now = timezone.now()
    make_comment(post, body="An approved remark.", created_at=now - timedelta(hours=5))
    return [
        make_comment(
            post,
            status="pending",
            author_name=name,
            body=body,
            status_reason=HELD_NEW,
            created_at=now - timedelta(hours=hours),
        )
        for hours, name, body in [
            (1, "Noor Haddad", "Level boarding matters more than stop spacing."),
            (2, "Best Deals", "Cheap watches at deals.example, today only!"),
            (3, "Tomas Berg", "Closer than 400 metres and it is a slow bus on rails."),
        ]
    ]


def test_queue_keyboard_shortcuts_select_approve_and_mark_spam(
    new_page, log_in, moderator, pending_queue
):
    """In the pending queue, j selects a row, a approves it and s marks the next one as spam."""
    newest, middle, oldest = pending_queue
    page = log_in(new_page(), "moe")
    page.goto("/admin/comments/comment/?status__exact=pending")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(newest.body)
    expect(rows.nth(1)).to_contain_text(middle.body)
    current = page.locator("#result_list tbody tr.is-current")
    pending_tab, spam_tab, approved_tab = (
        page.locator(f".queue-tabs [data-count={status}]")
        for status in ("pending", "spam", "approved")
    )
    expect(pending_tab).to_have_text("3")
    expect(spam_tab).to_have_text("0")
    expect(approved_tab).to_have_text("1")
    expect(current).to_have_count(0)
    page.evaluate(MARK_DOCUMENT)

    # Keys typed into a field are text, not decisions.
    page.locator("#searchbar").press("j")
    page.locator("#searchbar").press("a")
    expect(current).to_have_count(0)
    page.locator("#searchbar").blur()

    page.keyboard.press("j")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(newest.body)
    page.keyboard.press("a")
    expect(rows.nth(0).locator(".queue-status")).to_have_text("Approved")
    expect(pending_tab).to_have_text("2")
    expect(approved_tab).to_have_text("2")

    # After a decision the selection moves on to the next comment, as in Gmail.
    expect(current).to_have_count(1)
    expect(current).to_contain_text(middle.body)
    page.keyboard.press("s")
    expect(rows.nth(1).locator(".queue-status")).to_have_text("Spam")
    expect(pending_tab).to_have_text("1")
    expect(spam_tab).to_have_text("1")
    expect(rows.nth(2).locator(".queue-status")).to_have_text("Pending")

    # Now on the last row; k goes back up, j down again.
    expect(current).to_contain_text(oldest.body)
    page.keyboard.press("k")
    expect(current).to_contain_text(middle.body)
    page.keyboard.press("k")
    expect(current).to_contain_text(newest.body)
    page.keyboard.press("j")
    expect(current).to_contain_text(middle.body)
    assert page.evaluate(SAME_DOCUMENT), "the queue was reloaded"

    for comment in pending_queue:
        comment.refresh_from_db()
    assert [(c.status, c.moderated_by) for c in pending_queue] == [
        ("approved", moderator),
        ("spam", moderator),
        ("pending", None),
    ]


def test_queue_row_actions_show_without_scrolling_sideways(new_page, log_in, moderator, workbench):
    """On a desktop screen each queue row's Approve / Spam buttons are in view, not scrolled off."""
    _, _, held, _ = workbench
    page = log_in(new_page(), "moe")
    page.goto("/admin/comments/comment/?status__exact=pending")
    row = page.locator("#result_list tbody tr").filter(has_text=held.body)
    for key in ("a", "s", "r"):
        button = row.locator(f"button[data-key={key}]")
        expect(button).to_have_count(1)
        # In view means not clipped by the results table's own sideways scroll either.
        expect(button).to_be_in_viewport(ratio=1)


def test_moderator_page_and_queue_have_no_serious_accessibility_violations(
    new_page, log_in, moderator, workbench, axe, screenshot
):
    """axe-core finds nothing serious on the moderator's post page (switch open) or the queue."""
    post, *_ = workbench
    page = _moderator_page(new_page, log_in, post)
    expect(page.locator(".moderator-bar")).to_be_visible()
    report = []
    if found := axe(page):
        report.append(f"== moderator's post page ==\n{axe.describe(found)}")
    page.locator(".discussion-switch summary").click()
    expect(page.get_by_role("button", name="Close comments now")).to_be_visible()
    screenshot(page, "moderator-post-page-desktop")
    if found := axe(page):
        report.append(f"== close form open ==\n{axe.describe(found)}")

    page.goto("/admin/comments/comment/?status__exact=pending")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.keyboard.press("j")
    expect(page.locator("#result_list tbody tr.is-current")).to_have_count(1)
    screenshot(page, "moderation-queue-pending-desktop")
    if found := axe(page):
        report.append(f"== pending queue ==\n{axe.describe(found)}")
    assert not report, "\n".join(report)


def test_moderator_page_fits_a_phone(new_page, log_in, moderator, workbench, screenshot):
    """At phone width the moderator's post page does not scroll sideways; its controls show."""
    post, _, held, _ = workbench
    page = _moderator_page(new_page, log_in, post, viewport="phone")
    bar = page.locator(".moderator-bar")
    expect(bar).to_be_visible()
    expect(_pending_count(page)).to_be_visible()
    for action in ("approve", "reject", "spam"):
        button = page.locator(f"#comment-{held.pk} .moderation-actions button[value={action}]")
        expect(button).to_be_visible()
    fits, widths, overflowing = _fits(page)
    assert fits, f"the moderator's page scrolls sideways at {widths}: {overflowing}"

    bar.locator(".discussion-switch summary").click()
    expect(bar.get_by_role("button", name="Close comments now")).to_be_visible()
    expect(bar.get_by_label("Reason, for the moderation log (optional)")).to_be_visible()
    screenshot(page, "moderator-post-page-phone")
    fits, widths, overflowing = _fits(page)
    assert fits, f"with the close form open the page scrolls sideways at {widths}: {overflowing}"
    # Every visible control lies within the screen's width.
    controls = page.locator(
        ".moderator-bar button, .moderator-bar summary, .moderation-actions button"
    )
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible():
            continue
        box = control.bounding_box()
        name = control.inner_text()
        assert box["x"] >= 0, (name, box)
        assert box["x"] + box["width"] <= PHONE["width"], (name, box)
