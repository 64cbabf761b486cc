"""Readers and moderators in a post's discussion, in a real browser."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

AWAITING = "Your comment is awaiting moderation."

# Where the comment form sits: the id of its parent element, whether it is the last visible element
# there (the end of the discussion) and whether it follows a comment's text (its <article>).
FORM_PLACE = """() => {
    const form = document.getElementById('respond');
    const visible = [...form.parentElement.children].filter(el => !el.hidden);
    return {
        parent: form.parentElement.id,
        last: visible[visible.length - 1] === form,
        afterArticle: form.previousElementSibling?.tagName === 'ARTICLE',
    };
}"""


@pytest.fixture
def discussion(make_post, make_comment):
    """A post with a short approved thread: a comment, a reply to it, and another comment."""
    post = make_post(title="Where should the tram stop?")
    top = make_comment(
        post,
        author_name="Ines Ortega",
        author_email="ines@example.net",
        body="Every 400 metres, or nobody walks to it.",
    )
    nested = make_comment(
        post,
        parent=top,
        author_name="Tomas Berg",
        author_email="tomas@example.net",
        body="Closer than that and it is a slow bus on rails.",
    )
    other = make_comment(post, author_name="Lena Fry", body="Stops need shelter before anything.")
    return post, top, nested, other


def _field(scope, name):
    """A text field of the comment form, found as a reader finds it: by its label."""
    return scope.get_by_role("textbox", name=re.compile(f"^{name}"))


def _fill_form(form, body, name="Ada Reader", email="ada@example.net", url=""):
    _field(form, "Name").fill(name)
    _field(form, "Email").fill(email)
    if url:
        _field(form, "Website").fill(url)
    _field(form, "Comment").fill(body)


def _reply_link(page, comment):
    """The Reply link of one comment (not of its replies); its label isolates the name."""
    return page.locator(f"#comment-{comment.pk} > article").get_by_role(
        "link", name=f"Reply to \u2068{comment.author_name}\u2069"
    )


def test_reader_comments_and_replies_in_place(page, discussion, quick_comments):
    """A reader's comment and reply show in place, pending; Reply moves the form, Cancel undoes."""
    from comments.models import Comment

    post, _, nested, _ = discussion
    page.goto(post.get_absolute_url())
    form = page.locator("#respond")
    expect(form.get_by_role("heading")).to_have_text("Leave a response")
    _fill_form(form, "Trams are quieter than buses.")
    form.get_by_role("button", name="Post comment").click()

    comment = Comment.objects.get(body="Trams are quieter than buses.")
    assert (comment.post, comment.parent, comment.status) == (post, None, "pending")
    expect(page).to_have_url(re.compile(f"#comment-{comment.pk}$"))
    expect(page.locator(".messages")).to_have_text(
        "Thank you: your comment is awaiting moderation."
    )
    mine = page.locator(f"#comments > .comment-list > li#comment-{comment.pk}")
    expect(mine).to_be_visible()
    expect(mine.locator(".comment-content")).to_have_text("Trams are quieter than buses.")
    expect(mine.locator(".comment-status")).to_have_text(AWAITING)
    # A pending comment cannot be answered yet.
    expect(mine.get_by_role("link", name=re.compile("^Reply"))).to_have_count(0)

    # Reply to the nested (level-2) comment: the form moves right under its text.
    _reply_link(page, nested).click()
    place = page.evaluate(FORM_PLACE)
    assert (place["parent"], place["afterArticle"]) == (f"comment-{nested.pk}", True), place
    expect(form.get_by_role("heading")).to_have_text(f"Reply to {nested.author_name}")
    expect(form.get_by_role("link", name="Cancel reply")).to_be_visible()
    expect(_field(form, "Comment")).to_be_focused()
    expect(form.locator("input[name=parent]")).to_have_value(str(nested.pk))

    # Cancel: back at the end of the discussion, replying to nobody.
    form.get_by_role("link", name="Cancel reply").click()
    assert page.evaluate(FORM_PLACE) == {"parent": "comments", "last": True, "afterArticle": False}
    expect(form.locator("input[name=parent]")).to_have_value("")
    expect(form.get_by_role("heading")).to_have_text("Leave a response")
    expect(form.get_by_role("link", name="Cancel reply")).to_be_hidden()
    expect(_reply_link(page, nested)).to_be_focused()

    # Reply again, for real, typing into the focused comment box.
    _reply_link(page, nested).click()
    expect(_field(form, "Comment")).to_be_focused()
    page.keyboard.type("Then put the stops where people already walk.")
    _field(form, "Name").fill("Ada Reader")
    _field(form, "Email").fill("ada@example.net")
    form.get_by_role("button", name=re.compile("^Post")).click()

    reply = Comment.objects.get(body="Then put the stops where people already walk.")
    assert (reply.parent_id, reply.depth, reply.status) == (nested.pk, 2, "pending")
    expect(page).to_have_url(re.compile(f"#comment-{reply.pk}$"))
    shown = page.locator(f"#comment-{nested.pk} > ol.children > li#comment-{reply.pk}")
    expect(shown).to_be_visible()
    expect(shown.locator(".comment-content")).to_have_text(reply.body)
    expect(shown.locator(".comment-status")).to_have_text(AWAITING)
    # The form is back at the end of the discussion for the next comment.
    assert page.evaluate(FORM_PLACE)["parent"] == "comments"


def test_reader_replies_without_javascript(new_page, discussion, quick_comments):
    """Without JavaScript, Reply reloads the page with the form under that comment; replies nest."""
    from comments.models import Comment

    post, _, nested, _ = discussion
    page = new_page(javascript=False)
    page.goto(post.get_absolute_url())
    _reply_link(page, nested).click()

    expect(page).to_have_url(
        re.compile(re.escape(f"{post.get_absolute_url()}?replyto={nested.pk}#respond") + "$")
    )
    form = page.locator(f"#comment-{nested.pk} > #respond")
    expect(form).to_be_visible()
    expect(page.locator("#respond")).to_have_count(1)  # not also at the end of the discussion
    expect(form.get_by_role("heading")).to_have_text(f"Reply to {nested.author_name}")
    expect(form.locator("input[name=parent]")).to_have_value(str(nested.pk))
    expect(form.get_by_role("link", name="Cancel reply")).to_have_attribute(
        "href", re.compile("^" + re.escape(post.get_absolute_url()))
    )

    _fill_form(form, "Shelters first, then timetables.")
    form.get_by_role("button", name="Post reply").click()

    reply = Comment.objects.get(body="Shelters first, then timetables.")
    assert (reply.parent_id, reply.depth, reply.status) == (nested.pk, 2, "pending")
    expect(page).to_have_url(re.compile(f"#comment-{reply.pk}$"))
    shown = page.locator(f"#comment-{nested.pk} > ol.children > li#comment-{reply.pk}")
    expect(shown.locator(".comment-status")).to_have_text(AWAITING)
    expect(page.locator("#comments > #respond")).to_be_visible()


def _expect_field_error(page, field_id, message):
    """The field is marked invalid and described by its error, shown beside it."""
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    error_id = f"{field_id}_error"
    assert error_id in (field.get_attribute("aria-describedby") or "").split()
    error = page.locator(f".field:has(#{field_id}) > #{error_id}")
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))


def test_form_errors_are_shown_beside_their_fields(page, discussion, quick_comments):
    """A refused comment keeps what the reader typed and ties each error to its field."""
    from comments.models import Comment

    post, *_ = discussion
    before = Comment.objects.count()
    page.goto(post.get_absolute_url())
    form = page.locator("#respond")
    _fill_form(form, "", email="ada-at-example", url="https://ada.example.org/notes")
    form.get_by_role("button", name="Post comment").click()

    form = page.locator("#respond")
    expect(form.locator(".form-errors")).to_contain_text("Your comment was not posted")
    expect(_field(form, "Name")).to_have_value("Ada Reader")
    expect(_field(form, "Website")).to_have_value("https://ada.example.org/notes")
    expect(_field(form, "Email")).to_have_value("ada-at-example")
    _expect_field_error(page, "id_body", "This field is required.")
    _expect_field_error(page, "id_author_email", "Enter a valid email address.")
    for valid in ("id_author_name", "id_author_url"):
        expect(page.locator(f"#{valid}")).not_to_have_attribute("aria-invalid", "true")
    expect(form.locator(".field-error")).to_have_count(2)
    assert Comment.objects.count() == before


def test_moderator_approves_marks_spam_and_closes_then_reader_sees_it(
    new_page, discussion, make_comment, moderator, log_in
):
    """A moderator works the queue and closes the post; readers see only the approved reply."""
    from django.utils import timezone

    from comments.models import Comment

    post, top, nested, other = discussion
    now = timezone.now()
    Comment.objects.filter(pk__in=[top.pk, nested.pk, other.pk]).update(
        created_at=now - timedelta(hours=3)
    )
    good = make_comment(
        post,
        parent=nested,
        status="pending",
        author_name="Noor Haddad",
        body="Level boarding matters more than spacing.",
        created_at=now - timedelta(hours=2),
    )
    spam = make_comment(
        post,
        status="pending",
        author_name="Best Deals",
        body="Cheap watches at deals.example!",
        created_at=now - timedelta(hours=1),
    )
    # Newer than both pending ones: newest-first alone would list it first.
    make_comment(post, body="A late approved remark.", created_at=now - timedelta(minutes=5))

    page = new_page()
    log_in(page, "moe")
    expect(page.locator("#moderation-summary")).to_contain_text("2 comments awaiting moderation")
    page.locator("#content-main tr.model-comment").get_by_role("link", name="Comments").click()
    expect(page).to_have_url(re.compile(r"/admin/comments/comment/$"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.locator(".queue-status")).to_have_text(
        ["Pending", "Pending", "Approved", "Approved", "Approved", "Approved"]
    )
    expect(rows.nth(0)).to_contain_text(spam.body)  # pending, newest first
    expect(rows.nth(1)).to_contain_text(good.body)

    def act_on(body, action):
        rows.filter(has_text=body).locator("input.action-select").check()
        page.locator("select[name=action]").select_option(label=action)
        page.get_by_role("button", name="Go").click()

    act_on(good.body, "Approve selected comments")
    expect(page.locator(".messagelist")).to_have_text("1 comment(s) approved.")
    act_on(spam.body, "Mark selected comments as spam")
    expect(page.locator(".messagelist")).to_have_text("1 comment(s) marked as spam.")
    expect(rows.filter(has_text=good.body).locator(".queue-status")).to_have_text("Approved")
    expect(rows.filter(has_text=spam.body).locator(".queue-status")).to_have_text("Spam")

    page.goto("/admin/")
    page.locator("#content-main tr.model-post").get_by_role("link", name="Posts").click()
    post_row = page.locator("#result_list tbody tr").filter(has_text=post.title)
    expect(post_row.locator("td.field-discussion_column")).to_have_text("Open")
    post_row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Close comments")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_have_text("Comments closed on 1 post(s).")
    expect(post_row.locator("td.field-discussion_column")).to_have_text("Closed")

    good.refresh_from_db()
    spam.refresh_from_db()
    assert (good.status, good.moderated_by) == ("approved", moderator)
    assert (spam.status, spam.moderated_by) == ("spam", moderator)

    reader = new_page()
    reader.goto(post.get_absolute_url())
    approved = reader.locator(f"#comment-{nested.pk} > ol.children > li#comment-{good.pk}")
    expect(approved.locator(".comment-content")).to_have_text(good.body)
    expect(approved.locator(".comment-status")).to_have_count(0)
    expect(reader.locator("#comments")).not_to_contain_text(spam.body)
    expect(reader.locator(".comments-closed")).to_have_text("Comments are closed.")
    expect(reader.locator("textarea")).to_have_count(0)
    expect(reader.locator("#respond")).to_have_count(0)
    expect(reader.get_by_role("link", name=re.compile("^Reply to"))).to_have_count(0)
    expect(reader.locator("#comments-title")).to_have_text("5 Responses")


# --- Regressions found by these journeys --------------------------------------------------------


def test_a_refused_comment_keeps_the_response_count(page, discussion, quick_comments):
    """After a refused comment the discussion heading still counts the approved responses."""
    post, *_ = discussion
    page.goto(post.get_absolute_url())
    expect(page.locator("#comments-title")).to_have_text("3 Responses")
    page.locator("#respond").get_by_role("button", name="Post comment").click()
    expect(page.locator("#respond .form-errors")).to_be_visible()
    # No waiting: the heading is rendered with the page.
    assert page.locator("#comments-title").inner_text() == "3 Responses"


def test_reply_link_works_after_a_refused_comment_without_javascript(
    new_page, discussion, quick_comments
):
    """Without JavaScript, a Reply link on the re-rendered error page still opens the reply form."""
    post, _, nested, _ = discussion
    page = new_page(javascript=False)
    page.goto(post.get_absolute_url())
    page.locator("#respond").get_by_role("button", name="Post comment").click()
    expect(page.locator("#respond .form-errors")).to_be_visible()

    with page.expect_response(lambda response: "replyto=" in response.url) as reply_page:
        _reply_link(page, nested).click()
    response = reply_page.value
    assert response.status == 200, (response.url, response.status)
    expect(page.locator(f"#comment-{nested.pk} > #respond")).to_be_visible()


def test_cancel_reply_on_a_reply_page_returns_the_form_to_the_end(page, discussion):
    """On a page opened with ?replyto=, Cancel reply moves the form to the end of the discussion."""
    post, _, nested, _ = discussion
    page.goto(f"{post.get_absolute_url()}?replyto={nested.pk}#respond")
    form = page.locator("#respond")
    expect(form.get_by_role("heading")).to_have_text(f"Reply to {nested.author_name}")
    form.get_by_role("link", name="Cancel reply").click()

    expect(form.locator("input[name=parent]")).to_have_value("")
    assert page.evaluate(FORM_PLACE)["parent"] == "comments"
    expect(form.get_by_role("heading")).to_have_text("Leave a response")
