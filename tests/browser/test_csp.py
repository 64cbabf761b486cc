"""The site works under its Content-Security-Policy: no page, script or embed trips it.

Every page opened here records what the browser refused: a ``securitypolicyviolation`` event in
any document (reported to Python at once, so a navigation loses none) and any console message
about the Content-Security-Policy or the Permissions-Policy header.
"""

import re

import pytest
from playwright.sync_api import expect

from comments import services
from comments.models import Comment

from .conftest import YOUTUBE_EMBED_PREFIX

VIMEO_URL = "https://vimeo.com/76979871"
VIMEO_EMBED_PREFIX = "https://player.vimeo.com/video/"

REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
    window.reportPolicyViolation({
        page: document.location.href,
        directive: event.violatedDirective,
        blocked: event.blockedURI,
        source: `${event.sourceFile}:${event.lineNumber}`,
        sample: event.sample,
    });
});
"""
POLICY_MESSAGE = re.compile(r"Content.Security.Policy|Permissions.Policy", re.IGNORECASE)


@pytest.fixture
def watched(new_page):
    """``watched(**options)``: a page whose policy violations land in ``page.violations``."""

    def make(**options):
        page = new_page(**options)
        found = []

        def console(message):
            if POLICY_MESSAGE.search(message.text):
                found.append({"page": page.url, "console": message.text})

        page.context.expose_function("reportPolicyViolation", lambda item: found.append(item))
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", console)
        page.violations = found
        return page

    return make


def _visit(page, url):
    """Open ``url``; the answer must carry the policy and the page must have finished loading."""
    response = page.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    assert "camera=()" in response.headers["permissions-policy"], url
    page.wait_for_load_state("load")
    return response


def _settled(page):
    """Let pending violation reports (sent from the page to Python) arrive before checking."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)))")
    return page.violations


@pytest.fixture
def two_videos(published_post):
    """The tram post, with a Vimeo video beside its YouTube one."""
    from blog.models import MediaEmbed

    MediaEmbed.objects.create(
        post=published_post, url=VIMEO_URL, title="The harbour line", position=1
    )
    return published_post


def test_the_watch_sees_a_violation(watched, published_post):
    """The checks below can fail: an inline style and a foreign script are caught and reported."""
    page = watched()
    _visit(page, published_post.get_absolute_url())
    page.evaluate("() => document.body.setAttribute('style', 'outline: 1px solid red')")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.src = 'https://cdn.example.org/x.js'; document.head.append(s); }"
    )
    found = _settled(page)
    directives = {item.get("directive") for item in found}
    assert {"style-src-attr", "script-src-elem"} <= directives, found
    assert any("console" in item for item in found), found


def test_reader_pages_and_video_embeds_work_under_the_policy(watched, two_videos, make_comment):
    """Every reader page opens, styled and scripted, and both video players are allowed to load."""
    post = two_videos
    comment = make_comment(post, body="Trams are quieter than buses.")
    month = post.published_at
    page = watched()
    urls = [
        "/",
        post.get_absolute_url(),
        post.author.get_absolute_url(),
        post.tags.get(slug="cities").get_absolute_url(),
        "/archive/",
        f"/archive/{month.year}/{month.month}/",
        f"/comments/{comment.pk}/",
        "/no-such-page/",
        "/admin/login/",
    ]
    for url in urls:
        _visit(page, url)
        # Its stylesheets loaded and apply.
        rules = page.evaluate(
            "() => [...document.styleSheets].map((sheet) => sheet.cssRules.length)"
        )
        assert rules, url
        assert all(rules), (url, rules)

    _visit(page, post.get_absolute_url())
    videos = page.locator("section.related-media iframe")
    expect(videos).to_have_count(2)
    expect(videos.nth(0)).to_have_attribute(
        "src", re.compile("^" + re.escape(YOUTUBE_EMBED_PREFIX))
    )
    expect(videos.nth(1)).to_have_attribute("src", re.compile("^" + re.escape(VIMEO_EMBED_PREFIX)))
    for video in videos.all():
        video.scroll_into_view_if_needed()  # lazy frames start loading when they come into view
    page.wait_for_timeout(300)
    assert _settled(page) == []


def test_reply_flow_works_under_the_policy(watched, published_post, make_comment, quick_comments):
    """Reply moves the form under the comment, and the reply is posted and shown in place."""
    from comments.models import Comment

    top = make_comment(published_post, author_name="Ines Ortega", body="Every 400 metres.")
    page = watched()
    _visit(page, published_post.get_absolute_url())
    form = page.locator("#respond")
    page.locator(f"#comment-{top.pk} > article").get_by_role(
        "link", name=re.compile("^Reply to")
    ).click()
    expect(page.locator(f"#comment-{top.pk} > #respond")).to_have_count(1)
    expect(form.get_by_role("heading")).to_have_text(f"Reply to {top.author_name}")
    expect(form.get_by_role("textbox", name=re.compile("^Comment"))).to_be_focused()

    page.keyboard.type("Then put the stops where people already walk.")
    form.get_by_role("textbox", name=re.compile("^Name")).fill("Ada Reader")
    form.get_by_role("textbox", name=re.compile("^Email")).fill("ada@example.net")
    form.get_by_role("button", name=re.compile("^Post")).click()

    reply = Comment.objects.get(body="Then put the stops where people already walk.")
    assert reply.parent_id == top.pk
    expect(page).to_have_url(re.compile(f"#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{top.pk} li#comment-{reply.pk}")).to_be_visible()
    assert _settled(page) == []


def test_moderator_controls_and_queue_work_under_the_policy(
    watched, log_in, moderator, published_post, make_comment
):
    """A moderator approves in place on the post page, then works the admin queue by keyboard."""
    held = make_comment(published_post, status="pending", body="Level boarding matters more.")
    other = make_comment(published_post, status="pending", body="Cheap watches, today only!")
    page = log_in(watched(), "moe")

    summary = page.locator("#moderation-summary .moderation-summary-text")
    expect(summary).to_contain_text("2 comments awaiting moderation")
    expect(summary).to_have_css("padding", "8px 12px")  # the style moved to moderation.css

    _visit(page, published_post.get_absolute_url())
    comment = page.locator(f"#comment-{held.pk}")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        comment.locator("form.moderation-actions button[value=approve]").click()
    assert answer.value.status == 200
    expect(comment).to_have_attribute("data-status", "approved")
    expect(page.locator(".moderator-bar [data-pending-count]")).to_have_text("1")

    _visit(page, "/admin/comments/comment/?status__exact=pending")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    page.keyboard.press("j")
    expect(page.locator("#result_list tbody tr.is-current")).to_contain_text(other.body)
    page.keyboard.press("s")
    expect(rows.nth(0).locator(".queue-status")).to_have_text("Spam")

    # A queued email, so the task queue's list (which moderators read) has a job to show.
    services.submit(
        Comment(post=published_post, author_name="Ada", author_email="a@example.net", body="Hi")
    )
    for url in [
        "/admin/",
        f"/admin/comments/comment/{held.pk}/change/",
        "/admin/blog/post/",
        "/admin/procrastinate/procrastinatejob/",
    ]:
        _visit(page, url)
    expect(page.locator("#result_list")).to_contain_text("email_pending")
    held.refresh_from_db()
    other.refresh_from_db()
    assert (held.status, other.status) == ("approved", "spam")
    assert _settled(page) == []


def test_admin_editing_works_under_the_policy(watched, log_in, django_user_model, published_post):
    """The post form's scripts (slug, tag autocomplete, media inlines) run under the policy."""
    django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    page = log_in(watched(), "admin")

    _visit(page, f"/admin/blog/post/{published_post.pk}/change/")
    page.get_by_role("button", name="Add another Related media").click()
    expect(page.locator(".inline-related:not(.empty-form)")).to_have_count(2)
    _visit(page, "/admin/blog/post/add/")
    page.locator("#id_title").press_sequentially("Night trams")
    expect(page.locator("#id_slug")).to_have_value("night-trams")  # prepopulated by script
    page.locator(".select2-selection").first.click()  # the tag autocomplete opens
    expect(page.locator(".select2-results")).to_be_visible()
    assert _settled(page) == []


def test_lockout_page_works_under_the_policy(watched, author):
    """The lockout page after too many failed logins is styled and reports no violation."""
    page = watched()
    for _ in range(5):
        _visit(page, "/admin/login/")
        page.get_by_label("Username").fill("mara")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Try again in 15")
    assert _settled(page) == []
