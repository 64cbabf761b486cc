"""A commenter edits their own comment for a while; readers see "edited" and every version."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from comments import services
from comments.models import BlockedTerm, Comment, CommentRevision, ModerationEvent

pytestmark = pytest.mark.django_db

Status = Comment.Status
Action = ModerationEvent.Action
EDIT_LINK = 'class="comment-edit-link"'


def text(response):
    return response.content.decode()


def write(browser, post, comment_data, body="What I first wrote."):
    """Post a comment from ``browser``, as a reader does; the comment stored."""
    assert browser.post(f"/posts/{post.slug}/comment/", comment_data(post, body=body)).status_code
    return Comment.objects.latest("pk")


def published(comment, moderator):
    """Approved by a moderator, unless the site approved it already (a known commenter)."""
    if comment.status == Status.APPROVED:
        return comment
    return services.moderate(comment, Action.APPROVE, moderator)


def edit(browser, comment, body):
    return browser.post(f"/comments/{comment.pk}/edit/", {"body": body})


def posted_ago(comment, minutes):
    """Time passes: the comment was posted ``minutes`` ago."""
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    comment.refresh_from_db()


def emails_queued():
    """Emails to moderators about comments awaiting them, queued for the worker."""
    return ProcrastinateJob.objects.filter(task_name="comments.email_pending").count()


def read_twice(browser, post):
    """The second reading, served from the page cache when it may be."""
    browser.get(post.get_absolute_url())
    return browser.get(post.get_absolute_url())


# --- Who may edit, and when --------------------------------------------------------------------


def test_an_anonymous_commenter_edits_from_the_browser_that_wrote_it(
    client, post, comment_data, moderator
):
    """The browser's cookie proves authorship: the text changes, the old one is kept, the edit
    is logged, and the reader lands on their comment in place."""
    comment = published(write(client, post, comment_data), moderator)
    page = client.get(f"/comments/{comment.pk}/edit/")
    assert page.status_code == 200
    assert "What I first wrote." in text(page)
    assert "You can edit it until" in text(page)
    response = edit(client, comment, "What I meant to write.")
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "What I meant to write."
    assert comment.body_html == "<p>What I meant to write.</p>"
    assert comment.status == Status.APPROVED
    assert comment.edited_at is not None
    (revision,) = comment.revisions.all()
    assert (revision.body, revision.written_at) == ("What I first wrote.", comment.created_at)
    event = comment.events.first()
    assert (event.action, event.actor, event.to_state) == (Action.EDIT, None, Status.APPROVED)
    assert "Your edit is saved." in text(client.get(response["Location"]))


def test_a_member_edits_by_their_account_from_another_browser(
    post, make_comment, django_user_model
):
    """Logged in, the account proves authorship even where the comment was not written; the
    browser then remembers the comment as its own, with its "Edit" link."""
    member = django_user_model.objects.create_user("rita", password="pw")
    comment = make_comment(post, user=member, body="Written at work.")
    browser = Client()
    browser.force_login(member)
    assert EDIT_LINK not in text(browser.get(post.get_absolute_url()))
    assert edit(browser, comment, "Corrected at home.").status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Corrected at home."
    assert comment.events.first().actor == member
    assert EDIT_LINK in text(browser.get(post.get_absolute_url()))


def test_a_pending_comment_is_edited_and_still_awaits_moderation(client, post, comment_data):
    """A comment awaiting moderation may be corrected too; it keeps waiting, seen by its
    writer only."""
    comment = write(client, post, comment_data)
    response = edit(client, comment, "Still waiting, but better.")
    page = text(client.get(response["Location"]))
    assert "Your edit is saved; it is awaiting moderation." in page
    assert "Still waiting, but better." in page
    assert "Still waiting, but better." not in text(Client().get(post.get_absolute_url()))
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_after_the_window_the_edit_is_refused_with_the_text_kept(
    client, post, comment_data, moderator, settings
):
    """Past COMMENTS_EDIT_MINUTES the edit page says so; what was typed stays on the page, and
    nothing changes."""
    settings.COMMENTS_EDIT_MINUTES = 15
    comment = published(write(client, post, comment_data), moderator)
    posted_ago(comment, 16)
    shown = client.get(f"/comments/{comment.pk}/edit/")
    assert "The time to edit this comment has passed" in text(shown)
    assert "<button" not in text(shown).split('id="main"')[1]
    response = edit(client, comment, "Too late, but I typed it all.")
    assert response.status_code == 403
    assert "comments can be edited for 15 minutes after they are posted" in text(response)
    assert "Too late, but I typed it all.</textarea>" in text(response)
    comment.refresh_from_db()
    assert comment.body == "What I first wrote."
    assert not CommentRevision.objects.exists()
    assert EDIT_LINK not in text(client.get(post.get_absolute_url()))


def test_editing_switched_off_offers_no_edit(client, post, comment_data, moderator, settings):
    """COMMENTS_EDIT_MINUTES = 0: no "Edit" link, and the edit page refuses."""
    settings.COMMENTS_EDIT_MINUTES = 0
    comment = published(write(client, post, comment_data), moderator)
    assert EDIT_LINK not in text(client.get(post.get_absolute_url()))
    response = edit(client, comment, "Changed.")
    assert response.status_code == 403
    assert "Comments cannot be edited on this site." in text(response)


def test_nobody_else_may_edit(client, post, comment_data, moderator, django_user_model):
    """Another browser, another account, even a moderator: the edit page does not exist for
    them (no hint that the comment is there), and nothing changes."""
    comment = published(write(client, post, comment_data), moderator)
    other = django_user_model.objects.create_user("otto", password="pw")
    strangers = [Client(), Client(), Client()]
    strangers[1].force_login(other)
    strangers[2].force_login(moderator)
    for stranger in strangers:
        assert stranger.get(f"/comments/{comment.pk}/edit/").status_code == 404
        assert edit(stranger, comment, "Not theirs to change.").status_code == 404
    assert Comment.objects.get().body == "What I first wrote."
    assert Client().get("/comments/999999/edit/").status_code == 404


def test_a_comment_removed_meanwhile_cannot_be_edited(client, post, comment_data, moderator):
    """Once in the trash (or spam, or rejected) it is refused, the text kept."""
    comment = published(write(client, post, comment_data), moderator)
    services.moderate(comment, Action.REMOVE, moderator)
    response = edit(client, comment, "An edit after the fact.")
    assert response.status_code == 403
    assert "This comment can no longer be edited." in text(response)
    assert "An edit after the fact.</textarea>" in text(response)
    assert Comment.objects.get().body == "What I first wrote."


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "This field is required."),
        ("\u200b \u200b", "Your comment would show no text"),
        ("Bell\x07", "invisible control characters"),
    ],
)
def test_an_invalid_edit_is_sent_back_with_the_error(client, post, comment_data, body, error):
    """The same checks as a new comment; the page comes back with the error and the text."""
    comment = write(client, post, comment_data)
    response = edit(client, comment, body)
    assert response.status_code == 400
    assert error in text(response)
    assert "Your edit was not saved" in text(response)
    assert Comment.objects.get().body == "What I first wrote."


def test_the_same_text_again_changes_nothing(client, post, comment_data):
    """Saving without a change keeps no version and marks nothing as edited."""
    comment = write(client, post, comment_data)
    response = edit(client, comment, comment.body)
    assert response.status_code == 302
    assert "Nothing was changed." in text(client.get(response["Location"]))
    comment.refresh_from_db()
    assert comment.edited_at is None
    assert not comment.revisions.exists()


# --- Back to moderation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "What I first wrote. See https://spam.example.com/a and https://spam.example.com/b",
            "Held after an edit: it added 2 links.",
        ),
        (
            "What I first wrote. Buy cheap pills.",
            "Held after an edit: it added blocked phrase “cheap pills”.",
        ),
        (
            "What I first wrote. See https://casino.example.com/",
            "Held after an edit: it added 1 link.",
        ),
    ],
    ids=["links", "blocked-phrase", "link-swapped"],
)
def test_an_edit_that_adds_links_or_a_blocked_phrase_goes_back_to_moderation(
    client, post, comment_data, moderator, body, reason
):
    """Published, then edited into something a moderator has not seen: pending again, logged,
    gone from other readers' (cached) page, still shown to its writer as awaiting moderation.
    A link that now leads elsewhere counts as added, though the number of links is the same."""
    BlockedTerm.objects.create(value="cheap pills", action=BlockedTerm.Action.SPAM)
    first = "What I first wrote. See https://docs.example.com/"
    comment = published(write(client, post, comment_data, body=first), moderator)
    reader = Client()
    before = read_twice(reader, post)
    assert "What I first wrote." in text(before)
    queued_before = emails_queued()
    response = edit(client, comment, body)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.status_reason) == (Status.PENDING, reason)
    hold, edit_event = comment.events.all()[:2]
    assert (edit_event.action, hold.action) == (Action.EDIT, Action.HOLD)
    assert (hold.from_state, hold.to_state, hold.actor) == (Status.APPROVED, Status.PENDING, None)
    assert hold.reason == reason
    after = reader.get(post.get_absolute_url(), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "What I first wrote." not in text(after)
    own = text(client.get(response["Location"]))
    assert reason in own
    assert "Your comment is awaiting moderation." in own
    assert emails_queued() == queued_before + 1  # moderators hear of it, as of a new comment


def test_links_and_phrases_already_there_do_not_hold_an_edit(client, post, comment_data, moderator):
    """What the moderator approved stays approved when the edit adds nothing new."""
    BlockedTerm.objects.create(value="darn", action=BlockedTerm.Action.HOLD)
    comment = published(
        write(client, post, comment_data, body="Darn, see https://example.org"), moderator
    )
    edit(client, comment, "Darn it, see https://example.org (fixed a typo)")
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert not comment.events.filter(action=Action.HOLD).exists()


# --- What readers see --------------------------------------------------------------------------


def test_readers_see_the_edit_marked_at_their_next_reading(
    client, post, comment_data, moderator, django_assert_max_num_queries
):
    """A cached page shows the new text and "edited" at once (a new ETag); it links to the
    comment's versions."""
    comment = published(write(client, post, comment_data), moderator)
    reader = Client()
    before = read_twice(reader, post)
    assert "edited" not in text(before)
    edit(client, comment, "What I meant to write.")
    after = reader.get(post.get_absolute_url(), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    page = text(after)
    assert "What I meant to write." in page
    assert "What I first wrote." not in page
    assert f'<a class="comment-edited" href="/comments/{comment.pk}/history/">edited' in page
    with django_assert_max_num_queries(1):
        assert "What I meant to write." in text(reader.get(post.get_absolute_url()))


@pytest.mark.parametrize("writer_first", [True, False], ids=["writer-first", "reader-first"])
def test_the_edit_link_is_its_writers_alone(client, post, comment_data, moderator, writer_first):
    """ "Edit" shows to the browser that wrote the comment, never in the page others share."""
    published(write(client, post, comment_data), moderator)
    reader = Client()
    order = [client, reader] if writer_first else [reader, client]
    pages = {browser: text(read_twice(browser, post)) for browser in order}
    assert EDIT_LINK in pages[client]
    assert EDIT_LINK not in pages[reader]
    assert "What I first wrote." in pages[reader]


def test_the_writer_shares_the_cached_page_again_once_the_window_passes(
    client, post, comment_data, moderator
):
    """Their page is their own (no ETag: rendered for them) only while "Edit" is offered."""
    comment = published(write(client, post, comment_data), moderator)
    assert "ETag" not in read_twice(client, post)
    posted_ago(comment, 60)
    page = read_twice(client, post)
    assert "ETag" in page
    assert EDIT_LINK not in text(page)


def test_the_history_page_lists_every_version(client, post, comment_data, moderator):
    """Anyone who may read the comment reads its versions, newest first, with their dates."""
    comment = published(write(client, post, comment_data), moderator)
    edit(client, comment, "Second <em>thoughts</em>.")
    edit(client, comment, "Third thoughts.")
    response = Client().get(f"/comments/{comment.pk}/history/")
    assert response.status_code == 200
    page = text(response)
    versions = ["Third thoughts.", "Second <em>thoughts</em>.", "What I first wrote."]
    positions = [page.index(version) for version in versions]
    assert positions == sorted(positions)
    assert "Current version, edited" in page
    assert "As posted" in page
    assert page.count("<time datetime=") == 3
    assert f'href="{post.get_absolute_url()}#comment-{comment.pk}"' in page


def test_a_comment_not_edited_has_a_history_of_one(client, post, make_comment):
    """The address works for any readable comment: it says it was not edited."""
    comment = make_comment(post)
    page = text(client.get(f"/comments/{comment.pk}/history/"))
    assert "Its author has not edited it." in page
    assert comment.body in page


@pytest.mark.parametrize("status", [Status.PENDING, Status.SPAM, Status.TRASH, Status.REJECTED])
def test_the_history_of_a_hidden_comment_is_hidden(client, post, make_comment, status):
    """Readers get a 404 for a comment they may not read, its versions included."""
    comment = make_comment(post, status=status)
    assert client.get(f"/comments/{comment.pk}/history/").status_code == 404


def test_the_writer_of_a_pending_comment_reads_its_history(client, post, comment_data):
    """Their own comment awaiting moderation: theirs to read, versions too; nobody else's."""
    comment = write(client, post, comment_data)
    edit(client, comment, "Better now.")
    page = text(client.get(f"/comments/{comment.pk}/history/"))
    assert "Better now." in page
    assert "What I first wrote." in page
    assert Client().get(f"/comments/{comment.pk}/history/").status_code == 404


def test_versions_replaced_before_approval_never_reach_readers(
    client, post, comment_data, moderator
):
    """Text edited away while the comment awaited moderation was never approved: readers of
    its history do not see it; its writer and moderators do."""
    comment = write(client, post, comment_data, body="Something I regret.")
    edit(client, comment, "Something better.")
    published(comment, moderator)
    edit(client, comment, "Something better still.")
    reader_page = text(Client().get(f"/comments/{comment.pk}/history/"))
    assert "Something better." in reader_page
    assert "Something I regret." not in reader_page
    writer = Client()
    drafted = write(writer, post, comment_data, body="A draft.")
    edit(writer, drafted, "The final text.")
    published(drafted, moderator)
    history = text(Client().get(f"/comments/{drafted.pk}/history/"))
    assert "Its author edited it before it was published" in history
    assert "A draft." not in history
    assert "Something I regret." in text(client.get(f"/comments/{comment.pk}/history/"))
    staff = Client()
    staff.force_login(moderator)
    assert "Something I regret." in text(staff.get(f"/comments/{comment.pk}/history/"))


def test_a_version_readers_saw_stays_public_when_edited_while_held(
    client, post, comment_data, moderator, settings
):
    """Held by reports, then edited by its writer: the text readers saw, and reported, stays in
    the public history once the comment is approved again."""
    settings.COMMENTS_REPORTS_TO_HOLD = 1
    comment = published(write(client, post, comment_data, body="What readers saw."), moderator)
    Client(REMOTE_ADDR="203.0.113.5").post(f"/comments/{comment.pk}/report/", {"reason": "spam"})
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    edit(client, comment, "Quietly rewritten.")
    published(comment, moderator)
    assert "What readers saw." in text(Client().get(f"/comments/{comment.pk}/history/"))


# --- Moderators --------------------------------------------------------------------------------


def test_moderators_see_every_version_in_the_admin(client, post, comment_data, moderator):
    """The comment's admin page lists its versions, newest first, dated, read-only."""
    comment = published(write(client, post, comment_data), moderator)
    edit(client, comment, "Second <strong>take</strong>.")
    edit(client, comment, "Third take.")
    admin = Client()
    admin.force_login(moderator)
    page = text(admin.get(f"/admin/comments/comment/{comment.pk}/change/"))
    versions = ["Third take.", "Second <strong>take</strong>.", "What I first wrote."]
    section = page.split("Every version")[1]
    positions = [section.index(version) for version in versions]
    assert positions == sorted(positions)
    assert "<strong>Current</strong>" in section
    assert "<strong>As posted</strong>" in section
    assert 'id="id_body"' not in page  # read-only: moderators do not rewrite readers


# --- Budgets -----------------------------------------------------------------------------------


def test_the_page_costs_the_same_with_edited_comments(
    post, comment_data, moderator, make_comment, django_assert_num_queries
):
    """Edited comments and their writer's "Edit" cost no query per comment: a reader's page
    stays at 7 queries cold, 1 warm; the writer's page at 8 (their own comments checked)."""
    writer = Client()
    for _ in range(3):
        comment = published(write(writer, post, comment_data), moderator)
        make_comment(post, parent=comment)
        edit(writer, comment, f"Edited {comment.pk}.")
    reader = Client()
    with django_assert_num_queries(7):
        reader.get(post.get_absolute_url())
    with django_assert_num_queries(1):
        reader.get(post.get_absolute_url())
    with django_assert_num_queries(8):
        page = text(writer.get(post.get_absolute_url()))
    assert page.count(EDIT_LINK) == 3
