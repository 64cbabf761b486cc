"""Layout, accessibility and keyboard use of a deep discussion and the moderation queue."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS, VIEWPORTS
from .test_layout import FOCUS_STYLE, OVERFLOWING

LONG_URL = (
    "https://example.org/transport/consultations/2024/tram-network-extension-phase-two/"
    "annex-c-stop-spacing-and-walking-catchments-full-dataset-v3-final-FINAL.xlsx"
)
LONG_BODY = (
    "I lived next to the old line for twenty years, and what I remember is not the noise but "
    "the rhythm of it: a tram every six minutes, the same faces at the same stops.\n\n"
    "When they tore it out, the buses that replaced it were faster on paper and slower in "
    "every way that mattered. Nobody planned a life around a bus route that might change "
    "next spring.\n\n"
    "So yes, lay the tracks again — but put the stops where people already walk, not where "
    "the engineers find it easy to stop."
)

# The focused element, for the keyboard walk: a name for it, and whether it is in the discussion.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    let name = el.id || el.tagName.toLowerCase();
    if (el.matches('.comment-reply-link')) name = 'reply-' + el.dataset.commentId;
    if (el.matches('#respond button[type=submit]')) name = 'submit';
    return {name, inDiscussion: !!el.closest('#comments')};
}"""


@pytest.fixture
def deep_thread(published_post, make_comment):
    """The realistic post with a 5-level thread, long siblings, a long URL and pending comments.

    Returns the post and its comments by name; ``levels`` are the thread's comments, level 1 to 5.
    """
    from django.utils import timezone

    post = published_post
    start = timezone.now() - timedelta(hours=6)
    clock = iter(start + timedelta(minutes=minutes) for minutes in range(0, 600, 7))

    def add(parent=None, **fields):
        return make_comment(post, parent=parent, created_at=next(clock), **fields)

    levels = [add(author_name="Ines Ortega", body="Where would the new stops go, though?")]
    for name, body in [
        ("Tomas Berg", "Every 400 metres, the report says; closer is a slow bus on rails."),
        ("Lena Fry", "Four hundred metres is a long way with shopping, or with a knee like mine."),
        ("Sam Okafor", "Then the answer is more lines, not more stops on the one line."),
        (
            "Maximiliana Wolkenstein-Oberhausen",
            "More lines need more depots, and nobody wants a depot next door. "
            "Here is the walking-time table, if anyone wants to check:\n\n"
            "<pre>stop   walk_min  riders_per_day  notes\n"
            "A      4.5       12_400          interchange with line 2 and the night buses\n"
            "</pre>",
        ),
    ]:
        levels.append(add(parent=levels[-1], author_name=name, body=body))
    siblings = [
        add(parent=levels[0], author_name="Priya Raman", body=LONG_BODY),
        add(author_name="Jonas Weller", body=LONG_BODY),
        add(author_name="Aiko Tanaka", body=f"The full annex is here: {LONG_URL} (large file)."),
        add(
            parent=levels[2],
            author_name="Dr. Bartholomew Featherstonehaugh-Whittingham",
            body=f"See table C.4 in {LONG_URL}",
        ),
    ]
    pending = [
        add(
            parent=levels[3],  # level 5, as a reply to the deepest level becomes its sibling
            status="pending",
            author_name="Ada Reader",
            author_email="ada@example.net",
            body="I would happily walk five minutes for a tram that comes every five minutes.",
        ),
        add(
            status="pending",
            author_name="Cheap Deals",
            body=f"Great post!!! Visit {LONG_URL} and https://deals.example/watches",
        ),
    ]
    return {"post": post, "levels": levels, "siblings": siblings, "pending": pending}


@pytest.fixture
def as_commenter(live_server, deep_thread):
    """Make a page's browser the one that wrote the pending comments: it sees them in place."""
    import json

    from django.contrib.auth.models import AnonymousUser
    from django.core import signing

    from comments.viewer import OWN_COOKIE, own_salt

    def adopt(page):
        ids = [comment.pk for comment in deep_thread["pending"]]
        signer = signing.get_cookie_signer(salt=OWN_COOKIE + own_salt(AnonymousUser()))
        page.context.add_cookies(
            [{"name": OWN_COOKIE, "value": signer.sign(json.dumps(ids)), "url": live_server.url}]
        )
        return page

    return adopt


def _scroll_width(page):
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return widths, (page.evaluate(OVERFLOWING) if widths[0] > widths[1] else [])


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_discussion_and_queue_screenshots_fit_the_screen(
    new_page, deep_thread, as_commenter, moderator, log_in, screenshot, viewport
):
    """The deep thread and the moderation queue do not scroll sideways; screenshots are kept."""
    page = as_commenter(new_page(viewport))
    post = deep_thread["post"]

    page.goto("/")
    screenshot(page, f"{viewport}-discussion-home")
    page.goto(post.get_absolute_url())
    expect(page.locator(".comment.is-pending")).to_have_count(2)
    screenshot(page, f"{viewport}-discussion-post")
    post_widths = _scroll_width(page)

    log_in(page, moderator.username)
    page.goto("/admin/comments/comment/")
    expect(page.locator("#result_list tbody tr")).to_have_count(11)
    screenshot(page, f"{viewport}-moderation-queue")
    queue_widths = _scroll_width(page)

    assert post_widths[0][0] <= post_widths[0][1], f"the post page scrolls sideways: {post_widths}"
    assert queue_widths[0][0] <= queue_widths[0][1], f"the queue scrolls sideways: {queue_widths}"


@pytest.mark.parametrize(("viewport", "ratio"), [("phone", 0.7), ("desktop", 0.6)])
def test_deep_replies_keep_a_readable_width(new_page, deep_thread, viewport, ratio):
    """Indentation stops growing: the deepest reply's text stays nearly as wide as a comment's."""
    page = new_page(viewport)
    page.goto(deep_thread["post"].get_absolute_url())
    top, *_, deepest = deep_thread["levels"]
    widths = [
        page.locator(f"#comment-{comment.pk} > article > .comment-content").bounding_box()["width"]
        for comment in (top, deepest)
    ]
    assert widths[1] >= ratio * widths[0], f"level 5 is {widths[1]:.0f}px of {widths[0]:.0f}px"
    # The deepest text still fits the screen.
    deepest_box = page.locator(f"#comment-{deepest.pk} > article").bounding_box()
    assert deepest_box["x"] + deepest_box["width"] <= VIEWPORTS[viewport]["width"], deepest_box


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_discussion_and_form_errors_have_no_serious_accessibility_violations(
    new_page, deep_thread, as_commenter, axe, settings, viewport
):
    """axe-core finds nothing serious in the open thread, nor in the comment form's error state."""
    settings.COMMENTS_MIN_SECONDS = 0
    page = as_commenter(new_page(viewport))
    page.goto(deep_thread["post"].get_absolute_url())
    report = []
    if found := axe(page):
        report.append(f"== open discussion ==\n{axe.describe(found)}")

    form = page.locator("#respond")
    form.get_by_role("textbox", name="Email").fill("not-an-email")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("#respond .form-errors")).to_be_visible()
    expect(page.locator("#respond [aria-invalid=true]")).to_have_count(3)
    # Just the form, for review (the page around it is in the post screenshots).
    page.locator("#respond").screenshot(path=SCREENSHOTS / f"{viewport}-discussion-form-errors.png")
    if found := axe(page):
        report.append(f"== comment form with errors ==\n{axe.describe(found)}")
    assert not report, "\n".join(report)


def test_code_in_a_comment_scrolls_with_the_keyboard(page, deep_thread, axe):
    """A wide code block in a comment is a keyboard-reachable scroll region (axe agrees)."""
    page.goto(deep_thread["post"].get_absolute_url())
    code = page.locator(".comment-content > pre")
    assert code.evaluate("el => el.scrollWidth > el.clientWidth"), "the block should scroll here"
    assert code.get_attribute("tabindex") == "0"
    assert not axe(page), axe.describe(axe(page))


def test_keyboard_reaches_replies_and_form_and_reply_moves_the_form(page, deep_thread):
    """From the discussion heading, Tab shows focus on each Reply link and form control."""
    from comments.models import Comment

    post = deep_thread["post"]
    # Following a link to #comments-title starts the Tab order at the heading.
    page.goto(f"{post.get_absolute_url()}#comments-title")

    approved = Comment.objects.filter(post=post).approved()
    expected = {f"reply-{pk}" for pk in approved.values_list("pk", flat=True)} | {
        "id_author_name",
        "id_author_email",
        "id_author_url",
        "id_body",
        "id_remember",
        "submit",
    }
    reached, invisible = [], []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        reached.append(focused["name"])
        assert focused["inDiscussion"], f"Tab left the discussion before the form: {reached}"
        style = page.evaluate(FOCUS_STYLE)
        if not (style["outline"] or style["shadow"]):
            invisible.append(style["element"])
        if focused["name"] == "submit":
            break
    assert not expected - set(reached), f"never reached: {expected - set(reached)}; {reached}"
    assert not invisible, "focused without a visible indicator:\n" + "\n".join(invisible)

    # Enter on a focused Reply link moves the form under that comment, ready to type.
    target = deep_thread["levels"][2]
    link = page.locator(f"#comment-{target.pk} > article .comment-reply-link")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#comment-{target.pk} > #respond")).to_be_visible()
    expect(page.locator("#respond textarea")).to_be_focused()
    expect(page.locator("#respond input[name=parent]")).to_have_value(str(target.pk))
