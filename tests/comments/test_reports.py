"""Readers' reports (issue 10, point 5): the Report page, one report per reader, the rate
limit, holding a comment past the threshold, and the queue's Reported tab.

Everything goes through HTTP, as readers and moderators would use the site and the admin.
"""

import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from procrastinate.contrib.django.models import ProcrastinateJob

from blog.models import Post
from comments.models import Comment, Discussion, ModerationEvent, Report

pytestmark = pytest.mark.django_db

COMMENTS = "/admin/comments/comment/"
REPORTED_TAB = f"{COMMENTS}?reported=open"
THANKS = "Thank you: moderators will look at it."
ALREADY = "You have already reported this comment: moderators will look at it."
# The queue's budget (tests/comments/test_workbench_admin.py): reports add no query.
QUEUE_QUERIES = 10

APPROVED = Comment.Status.APPROVED
PENDING = Comment.Status.PENDING
TRASH = Comment.Status.TRASH
Action = ModerationEvent.Action


def report_url(comment):
    return f"/comments/{comment.pk}/report/"


def send_report(client, comment, reason="spam", note="", **extra):
    return client.post(report_url(comment), {"reason": reason, "note": note}, **extra)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def readers(count):
    """``count`` browsers of different readers, each from an address of its own."""
    return [Client(REMOTE_ADDR=f"198.51.100.{number}") for number in range(1, count + 1)]


def act(client, comment, action):
    """A moderator's one-click decision in the queue."""
    url = f"{COMMENTS}{comment.pk}/act/?from={comment.status}"
    return client.post(url, {"action": action})


@pytest.fixture
def comment(post, make_comment):
    return make_comment(post, body="Buy cheap watches, today only!")


# --- Reporting -----------------------------------------------------------------------------------


def test_an_anonymous_reader_reports_a_comment(client, post, comment):
    """A reader without an account opens the Report page, sends a reason and a note, is
    thanked back on the comment; the report and its event are stored, the browser remembered."""
    page = client.get(report_url(comment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Buy cheap watches, today only!" in html
    assert 'value="abusive"' in html
    assert "Abusive or harassing" in html
    assert 'name="csrfmiddlewaretoken"' in html

    response = send_report(client, comment, "spam", "Same text on five posts.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert messages_of(response) == [THANKS]
    assert "commenter" in response.cookies
    report = Report.objects.get()
    assert (report.comment, report.reason, report.note) == (
        comment,
        "spam",
        "Same text on five posts.",
    )
    assert report.reporter is None
    assert len(report.browser_key) == 64
    assert report.ip_address == "127.0.0.1"
    assert report.resolved_at is None
    event = ModerationEvent.objects.get(action=Action.REPORT)
    assert (event.comment, event.actor, event.from_state, event.to_state) == (
        comment,
        None,
        APPROVED,
        APPROVED,
    )
    assert event.reason == "Spam or advertising"  # the note is for moderators' eyes only
    assert client.get(response["Location"]).status_code == 200


def test_a_logged_in_reader_reports_as_their_account(client, users, comment):
    """A logged-in reader's report names their account; the log (authors and editors read
    it too) does not say who reported."""
    client.force_login(users["reader"])
    response = send_report(client, comment, "off-topic")
    assert messages_of(response) == [THANKS]
    report = Report.objects.get()
    assert (report.reporter, report.browser_key) == (users["reader"], "")
    assert ModerationEvent.objects.get(action=Action.REPORT).actor is None


def test_the_same_browser_cannot_report_twice(client, comment):
    """A second report from the same browser adds nothing and says so, politely; the Report
    page then says it was reported instead of offering the form."""
    send_report(client, comment, "spam")
    again = send_report(client, comment, "abusive")
    assert again.status_code == 302
    assert messages_of(again)[-1] == ALREADY
    assert Report.objects.count() == 1
    assert ModerationEvent.objects.filter(action=Action.REPORT).count() == 1
    page = client.get(report_url(comment)).content.decode()
    assert ALREADY in page
    assert 'name="reason"' not in page


def test_the_same_account_cannot_report_twice_from_two_browsers(users, comment):
    """An account reports a comment once, whichever browser it uses."""
    first, second = Client(), Client()
    for browser in (first, second):
        browser.force_login(users["reader"])
    send_report(first, comment)
    assert messages_of(send_report(second, comment))[-1] == ALREADY
    assert Report.objects.count() == 1


def test_the_database_refuses_a_second_report_from_one_browser(comment):
    """One report per browser and comment is a constraint, not only a check in the view."""
    from django.db import IntegrityError, transaction

    Report.objects.create(comment=comment, reason="spam", browser_key="b" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(comment=comment, reason="other", browser_key="b" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(comment=comment, reason="other")  # nobody at all


def test_reports_are_rate_limited_per_address(client, settings, post, make_comment):
    """Past the limit an address gets a 429 page that says why, with the note kept."""
    settings.COMMENTS_REPORT_RATE_LIMIT = 2
    comments = [make_comment(post) for _ in range(3)]
    for comment in comments[:2]:
        assert send_report(client, comment).status_code == 302
    response = send_report(client, comments[2], "other", "Please look at the link.")
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.COMMENTS_REPORT_RATE_WINDOW)
    html = response.content.decode()
    assert "You have sent several reports in a short time" in html
    assert "Please look at the link." in html
    assert Report.objects.count() == 2
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert send_report(other, comments[2]).status_code == 302  # another reader, not limited


def test_the_comment_rate_limit_is_not_spent_by_reports(
    client, settings, post, comment, comment_data
):
    """Reports count apart from comments: reporting does not stop a reader from commenting."""
    settings.COMMENTS_RATE_LIMIT = 1
    send_report(client, comment)
    response = client.post(f"/posts/{post.slug}/comment/", comment_data(post))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose what is wrong with the comment."),
        ({"reason": "nonsense"}, "Choose one of the reasons listed."),
        ({"reason": "spam", "note": "x" * 501}, "at most 500 characters"),
        ({"reason": "spam", "note": "bad\x00byte"}, "Null characters are not allowed."),
        ({"reason": "spam", "note": "bell\x07"}, "invisible control characters"),
        ({"reason": ["spam", "abusive"], "note": ["a", "b"]}, None),
    ],
)
def test_junk_input_gets_the_form_back_with_a_400(client, comment, data, error):
    """Whatever is sent, the reader gets the form back with the error, never a 500."""
    response = client.post(report_url(comment), data)
    if error is None:  # repeated fields: the last value counts, as for any Django form
        assert response.status_code == 302
        return
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Your report was not sent" in html
    assert error in html
    assert 'name="reason"' in html
    assert not Report.objects.exists()


def test_the_note_is_kept_when_the_form_comes_back(client, comment):
    """A reader who forgot the reason keeps the note they wrote."""
    response = client.post(report_url(comment), {"note": "Look at <b>this</b>"})
    assert response.status_code == 400
    assert "Look at &lt;b&gt;this&lt;/b&gt;" in response.content.decode()


def test_only_comments_readers_see_can_be_reported(client, post, make_post, make_comment):
    """A missing, pending, removed or rejected comment, one on a draft, or one inside a hidden
    sub-thread answers 404 to GET and POST, and nothing is stored."""
    pending = make_comment(post, status=PENDING)
    trashed = make_comment(post, status=TRASH)
    rejected = make_comment(post, status=Comment.Status.REJECTED)
    draft = make_post(status=Post.Status.DRAFT)
    on_draft = make_comment(draft)
    top = make_comment(post)
    hidden_reply = make_comment(post, parent=top)
    top.replies_hidden = True
    top.status = TRASH
    top.save()
    missing = Comment(pk=999_999)
    for comment in (pending, trashed, rejected, on_draft, hidden_reply, missing):
        assert client.get(report_url(comment)).status_code == 404, comment.pk
        assert send_report(client, comment).status_code == 404, comment.pk
    assert client.get("/comments/99999999999999999999/report/").status_code == 404
    assert not Report.objects.exists()


def test_the_report_page_refuses_other_methods(client, comment):
    """Only GET and POST have a meaning here."""
    assert client.put(report_url(comment)).status_code == 405


# --- The Report link in the thread ---------------------------------------------------------------


def test_each_published_comment_has_a_report_link_but_no_placeholder(
    client, post, make_comment, moderator, comment_data
):
    """Readers find Report under each published comment, not under "This comment was
    removed." nor their own comment awaiting moderation; moderators have their own buttons."""
    published = make_comment(post)
    removed = make_comment(post, status=TRASH)
    reply = make_comment(post, parent=removed)
    client.post(f"/posts/{post.slug}/comment/", comment_data(post))  # awaits moderation
    own = Comment.objects.get(status=PENDING)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "This comment was removed." in html
    links = re.findall(r'href="/comments/(\d+)/report/"', html)
    assert sorted(map(int, links)) == sorted([published.pk, reply.pk])
    assert str(own.pk) not in links
    shared = Client().get(post.get_absolute_url()).content.decode()  # the cached page
    assert f'href="/comments/{published.pk}/report/"' in shared
    staff = Client()
    staff.force_login(moderator)
    assert "/report/" not in staff.get(post.get_absolute_url()).content.decode()


def test_a_closed_discussion_still_takes_reports(client, post, moderator, comment):
    """Closing stops replies, not reports: the thread is still read."""
    from comments import services

    services.close(post, moderator, "Done.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'href="/comments/{comment.pk}/report/"' in html
    assert "?replyto=" not in html
    assert send_report(client, comment).status_code == 302


# --- Holding at the threshold --------------------------------------------------------------------


def test_one_reader_shedding_cookies_cannot_hold_a_comment_alone(comment):
    """Without its cookie a browser counts as new, but its address does not: one person is one
    reader towards the threshold, whatever they clear."""
    for _ in range(3):
        send_report(Client(REMOTE_ADDR="203.0.113.9"), comment)
    comment.refresh_from_db()
    assert Report.objects.count() == 3
    assert comment.status == APPROVED


@pytest.mark.parametrize("by", ["by_staff", "by_post_author"])
def test_reports_never_hold_staff_or_the_post_author_by_count(post, make_comment, by):
    """A reply from staff or the post's author goes to the Reported tab, not out of sight."""
    comment = make_comment(post, **{by: True})
    for client in readers(3):
        send_report(client, comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert Report.objects.open().filter(comment=comment).count() == 3


def test_reports_below_the_threshold_change_nothing_readers_see(client, settings, post, comment):
    """A report is for moderators only: the page's version and its cached copy stay."""
    settings.COMMENTS_REPORTS_TO_HOLD = 3
    before = Discussion.objects.get(post=post).version
    for reader, reason in zip(readers(2), ["spam", "abusive"], strict=True):
        send_report(reader, comment, reason)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert Discussion.objects.get(post=post).version == before
    assert comment.body in client.get(post.get_absolute_url()).content.decode()


def test_the_threshold_holds_the_comment_and_it_leaves_the_cached_page(
    client, settings, post, comment, moderator
):
    """The third reader's report sends the comment back to pending with the reasons, logged;
    the cached page no longer shows it, and moderators are emailed."""
    settings.COMMENTS_REPORTS_TO_HOLD = 3
    assert comment.body in client.get(post.get_absolute_url()).content.decode()  # cached
    first, second, third = readers(3)
    send_report(first, comment, "spam")
    send_report(second, comment, "off-topic")
    response = send_report(third, comment, "spam")
    assert response["Location"] == f"{post.get_absolute_url()}#comments"
    assert messages_of(response) == [THANKS]
    comment.refresh_from_db()
    assert comment.status == PENDING
    assert comment.status_reason == "Held: reported by 3 readers (spam ×2, off-topic ×1)"
    hold = ModerationEvent.objects.get(action=Action.HOLD)
    assert (hold.comment, hold.actor, hold.from_state, hold.to_state) == (
        comment,
        None,
        APPROVED,
        PENDING,
    )
    assert hold.reason == comment.status_reason
    assert ModerationEvent.objects.filter(action=Action.REPORT).count() == 3
    assert comment.body not in client.get(post.get_absolute_url()).content.decode()
    assert ProcrastinateJob.objects.filter(
        task_name="comments.email_pending", args__comment_id=comment.pk
    ).exists()
    assert Report.objects.open().count() == 3  # still open: a moderator decides


def test_a_zero_threshold_never_holds(settings, comment):
    """COMMENTS_REPORTS_TO_HOLD = 0 turns holding off: reports only inform moderators."""
    settings.COMMENTS_REPORTS_TO_HOLD = 0
    for reader in readers(4):
        send_report(reader, comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert not ModerationEvent.objects.filter(action=Action.HOLD).exists()


def test_approving_a_held_comment_publishes_it_and_resolves_its_reports(
    client, settings, post, comment, moderator
):
    """A moderator who approves a held comment publishes it again, and its reports are closed:
    the count starts over."""
    settings.COMMENTS_REPORTS_TO_HOLD = 2
    for reader in readers(2):
        send_report(reader, comment)
    client.force_login(moderator)
    comment.refresh_from_db()
    assert act(client, comment, "approve").status_code == 302
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert not Report.objects.open().exists()
    assert set(Report.objects.values_list("resolved_by", flat=True)) == {moderator.pk}
    assert comment.body in Client().get(post.get_absolute_url()).content.decode()
    send_report(Client(REMOTE_ADDR="203.0.113.7"), comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED  # one new report, below the threshold


# --- The queue's Reported tab --------------------------------------------------------------------


@pytest.fixture
def reported(settings, post, make_comment):
    """Three published comments: one reported once, one three times (with a note each), one
    not at all."""
    settings.COMMENTS_REPORTS_TO_HOLD = 10
    once, often, never = (make_comment(post, body=f"Comment {name}.") for name in "ABC")
    send_report(Client(REMOTE_ADDR="198.51.100.1"), once, "abusive", "Rude to <Ines>.")
    for number, (reason, note) in enumerate(
        [("spam", "An advert."), ("off-topic", ""), ("spam", "")], start=1
    ):
        send_report(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"), often, reason, note)
    return once, often, never


def reports_shown(html):
    """What each row of the queue says of its open reports, in order, as read."""
    found = re.findall(r'<div class="queue-reports">(.*?)</div>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", summary)) for summary in found]


def tab_count(html, tab):
    return re.search(rf'data-count="{tab}">([^<]*)<', html).group(1)


def test_the_reported_tab_lists_reported_comments_most_reported_first(client, moderator, reported):
    """The Reported tab, next to Pending, counts and lists the reported comments, most reported
    first, each with its reasons counted and the readers' notes."""
    once, often, _ = reported
    client.force_login(moderator)
    response = client.get(REPORTED_TAB)
    assert response.status_code == 200
    assert [c.pk for c in response.context["cl"].result_list] == [often.pk, once.pk]
    html = response.content.decode()
    tabs = re.search(r'<nav class="queue-tabs".*?</nav>', html, re.S).group(0)
    assert re.findall(r'data-tab="(\w+)"', tabs)[:3] == ["all", "pending", "reported"]
    assert re.findall(r'data-tab="(\w+)" aria-current="page"', tabs) == ["reported"]
    assert tab_count(html, "reported") == "2"
    assert reports_shown(html) == [
        "3 open reports: spam ×2, off-topic ×1“An advert.”",
        "1 open report: abusive ×1“Rude to <Ines>.”",
    ]
    assert "Rude to &lt;Ines&gt;." in html  # escaped
    assert html.count("Dismiss reports") == 2
    everything = client.get(COMMENTS).content.decode()
    assert tab_count(everything, "reported") == "2"


def test_editors_see_the_reasons_but_not_the_readers_notes(client, editor, reported):
    """Readers write their notes for moderators (the form says so); an editor's queue shows
    the reasons only, and the log never names a reporter."""
    client.force_login(editor)
    html = client.get(REPORTED_TAB).content.decode()
    assert reports_shown(html) == [
        "3 open reports: spam ×2, off-topic ×1",
        "1 open report: abusive ×1",
    ]
    assert "An advert." not in html
    once, _, _ = reported
    details = client.get(f"{COMMENTS}{once.pk}/change/").content.decode()
    assert "Rude to" not in details


def test_the_queue_costs_no_more_queries_with_reports(
    client, moderator, post, make_comment, django_assert_max_num_queries
):
    """Reports ride along in the queue's own queries, on every tab."""
    for number in range(30):
        comment = make_comment(post)
        Report.objects.create(comment=comment, reason="spam", browser_key=f"{number:064}")
        Report.objects.create(comment=comment, reason="other", note="Hm.", browser_key="b" * 64)
    client.force_login(moderator)
    for url in (COMMENTS, REPORTED_TAB):
        with django_assert_max_num_queries(QUEUE_QUERIES):
            response = client.get(url)
        assert (
            reports_shown(response.content.decode())
            == ["2 open reports: other ×1, spam ×1“Hm.”"] * 30
        )


def test_a_decision_resolves_the_reports(client, moderator, reported):
    """Any moderation decision answers the comment's reports: it leaves the Reported tab."""
    once, often, _ = reported
    client.force_login(moderator)
    act(client, often, "reject")
    assert set(Report.objects.open().values_list("comment", flat=True)) == {once.pk}
    resolved = Report.objects.filter(comment=often)
    assert {(r.resolved_by, r.resolved_at is not None) for r in resolved} == {(moderator, True)}
    html = client.get(REPORTED_TAB).content.decode()
    assert tab_count(html, "reported") == "1"
    assert "Comment B." not in html


def test_dismissing_reports_keeps_the_comment_and_logs_it(client, moderator, reported):
    """ "Dismiss reports" resolves them, keeps the comment published and logs who did it; a
    second press finds nothing to dismiss."""
    once, _, _ = reported
    client.force_login(moderator)
    url = f"{COMMENTS}{once.pk}/dismiss-reports/"
    response = client.post(url, {"next": REPORTED_TAB})
    assert response.status_code == 302
    assert response["Location"] == REPORTED_TAB
    assert "1 report dismissed" in messages_of(response)[0]
    once.refresh_from_db()
    assert once.status == APPROVED
    assert not Report.objects.open().filter(comment=once).exists()
    event = ModerationEvent.objects.get(action=Action.DISMISS)
    assert (event.comment, event.actor) == (once, moderator)
    assert event.reason == "1 report dismissed by Moe."
    again = client.post(url)
    assert messages_of(again)[-1] == f"Comment #{once.pk} has no open reports."
    assert ModerationEvent.objects.filter(action=Action.DISMISS).count() == 1
    details = client.get(f"{COMMENTS}{once.pk}/change/").content.decode()
    assert "Dismissed its reports" in details
    assert "Reported by a reader" in details


def test_only_moderators_dismiss_reports(client, users, reported):
    """Editors and authors read the queue but cannot dismiss reports; a GET changes nothing."""
    once, _, _ = reported
    url = f"{COMMENTS}{once.pk}/dismiss-reports/"
    for role in ("editor", "author"):
        client.force_login(users[role])
        assert client.post(url).status_code == 403
        assert "Dismiss reports" not in client.get(REPORTED_TAB).content.decode()
    client.force_login(users["moderator"])
    assert client.get(url).status_code == 302
    assert Report.objects.open().filter(comment=once).exists()
