"""Reply notifications: double opt-in, who is told of a new comment, and one-click unsubscribe."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from procrastinate.contrib.django.models import ProcrastinateJob

from comments.models import Comment, OptOut, Subscription

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/comments/[\w/:-]+/)")


@pytest.fixture
def run_jobs():
    """Do what the task worker does with the queued emails, in this process, each job once."""
    from comments.notifications import notify_pending_comment
    from comments.reply_emails import announce

    tasks = {"comments.email_pending": notify_pending_comment, "comments.announce": announce}
    done = set()

    def run():
        for job in ProcrastinateJob.objects.exclude(pk__in=done).order_by("pk"):
            tasks[job.task_name](**job.args)
            done.add(job.pk)

    return run


@pytest.fixture
def send(client, comment_data):
    """``send(post, **form)``: post a comment from this browser; the comment stored."""

    def post_comment(post, **form):
        response = client.post(f"/posts/{post.slug}/comment/", comment_data(post, **form))
        assert response.status_code == 302, response.content.decode()[:2000]
        return Comment.objects.latest("pk")

    return post_comment


@pytest.fixture
def decide(moderator):
    """``decide(comment, action)``: a moderator's button on the post page."""
    staff = Client()
    staff.force_login(moderator)

    def press(comment, action="approve"):
        response = staff.post(f"/comments/{comment.pk}/moderate/", {"action": action})
        assert response.status_code == 302

    return press


def to(mailoutbox, address):
    return [message for message in mailoutbox if message.to == [address]]


def link_in(message, kind):
    """The path of the ``kind`` ("confirm" or "unsubscribe") link in an email's body."""
    return next(path for path in LINK.findall(message.body) if kind in path)


@pytest.fixture
def subscriber(make_comment):
    """``subscriber(post, email, comment=None)``: a confirmed subscription, as after opt-in."""
    from django.utils import timezone

    def make(post, email, comment=None):
        return Subscription.objects.create(
            email=email, post=post, comment=comment, confirmed_at=timezone.now()
        )

    return make


def test_the_form_offers_notifications_default_nothing(client, post):
    """Every reader's form asks "Email me", three choices, nothing chosen unless they choose."""
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<legend>Email me</legend>" in html
    assert re.search(r'<input type="radio" name="notify" value=""[^>]* checked', html)
    assert "Replies to my comment" in html
    assert "Every new comment on this post" in html


def test_a_held_comment_asks_nobody_to_confirm_until_approved(
    post, send, decide, moderator, mailoutbox, run_jobs
):
    """Asking for replies stores an unconfirmed request; the commenter hears nothing while the
    comment waits, then one email says it is published, with the link to confirm."""
    comment = send(post, notify="replies", author_email="Ada@Example.net")
    assert comment.status == "pending"
    run_jobs()
    assert [m.to for m in mailoutbox] == [sorted([moderator.email, post.author.user.email])]
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.comment, subscription.confirmed_at) == (
        "ada@example.net",
        comment,
        None,
    )
    decide(comment)
    run_jobs()
    [notice] = to(mailoutbox, "Ada@Example.net")
    assert notice.subject == f"Your comment on “{post.title}” is published"
    assert "approved by a moderator" in notice.body
    assert "replies to your comment" in notice.body
    assert link_in(notice, "confirm")
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_confirming_takes_a_button_press(client, post, send, decide, mailoutbox, run_jobs):
    """Opening the link (as a link scanner does) changes nothing; pressing the button confirms."""
    decide(send(post, notify="all"))
    run_jobs()
    confirm = link_in(to(mailoutbox, "ada@example.net")[0], "confirm")
    page = Client().get(confirm)
    assert page.status_code == 200
    assert "every new comment" in page.content.decode()
    assert Subscription.objects.get().confirmed_at is None
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(confirm)
    token = page.context["csrf_token"]
    done = browser.post(confirm, {"csrfmiddlewaretoken": str(token)})
    assert done.status_code == 200
    assert "Confirmed" in done.content.decode()
    assert Subscription.objects.get().confirmed_at is not None


def test_spam_and_held_comments_never_send_a_confirmation(post, send, decide, mailoutbox, run_jobs):
    """A request riding on spam, or on a comment still held or rejected, emails nobody."""
    send(post, notify="all", homepage_url="bot", author_email="victim@example.net")
    rejected = send(post, notify="all", author_email="victim2@example.net")
    decide(rejected, "reject")
    run_jobs()
    assert to(mailoutbox, "victim@example.net") == to(mailoutbox, "victim2@example.net") == []


def test_a_comment_approved_at_once_sends_the_confirmation_at_once(
    client, post, send, users, make_comment, mailoutbox, run_jobs
):
    """An account known for an approved comment asks for notifications: the request goes to
    its account email at once, without a "published" notice."""
    reader = users["reader"]
    reader.email = "rita@example.net"
    reader.save()
    make_comment(post, user=reader)
    client.force_login(reader)
    comment = send(post, notify="replies", author_email="ignored@example.net")
    assert comment.status == "approved"
    run_jobs()
    [request] = mailoutbox
    assert request.to == ["rita@example.net"]
    assert request.subject == f"Confirm: email me about “{post.title}”"
    assert "approved by a moderator" not in request.body
    assert Subscription.objects.get().user == reader


def test_a_reply_tells_the_subscriber_with_one_click_unsubscribe(
    post, send, decide, make_comment, subscriber, mailoutbox, run_jobs
):
    """The commenter answered gets the reply by email, with List-Unsubscribe headers whose
    one-click POST (no CSRF token, as mail clients send it) stops the next ones."""
    answered = make_comment(post, author_name="Kemi", author_email="kemi@example.net")
    subscriber(post, "kemi@example.net", answered)
    reply = send(post, parent=answered.pk, body="I disagree, politely.", author_name="Ada")
    decide(reply)
    run_jobs()
    [message] = to(mailoutbox, "kemi@example.net")
    assert message.subject == f"\u2068Ada\u2069 replied to your comment on “{post.title}”"
    assert "I disagree, politely." in message.body
    assert f"http://testserver/comments/{reply.pk}/" in message.body
    unsubscribe = link_in(message, "unsubscribe")
    assert message.extra_headers == {
        "List-Unsubscribe": f"<http://testserver{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no more emails about replies" in response.content.decode()
    assert not Subscription.objects.exists()
    decide(send(post, parent=answered.pk))
    run_jobs()
    assert len(to(mailoutbox, "kemi@example.net")) == 1


def test_the_unsubscribe_link_shows_a_button_first(post, make_comment, subscriber):
    """Following the link asks; only the button stops the emails."""
    from comments.subscriptions import unsubscribe_url

    subscription = subscriber(post, "kemi@example.net")
    page = Client().get(unsubscribe_url(subscription.email, "", subscription))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Stop emailing <strong>kemi@example.net</strong> about every new comment" in html
    assert '<button type="submit">Unsubscribe</button>' in html
    assert Subscription.objects.exists()


def test_discussion_subscribers_hear_of_every_new_comment_once(
    post, send, decide, make_comment, subscriber, mailoutbox, run_jobs
):
    """A subscriber to the whole discussion gets each new comment; subscribed to it and to
    replies to their comment, they get one email, not two."""
    theirs = make_comment(post, author_email="kemi@example.net")
    subscriber(post, "kemi@example.net")
    subscriber(post, "kemi@example.net", theirs)
    subscriber(post, "lou@example.net")
    decide(send(post, parent=theirs.pk))
    decide(send(post))
    run_jobs()
    kemi, lou = to(mailoutbox, "kemi@example.net"), to(mailoutbox, "lou@example.net")
    assert [m.subject.split(" on ")[0] for m in kemi] == [
        "\u2068Ada Reader\u2069 replied to your comment",
        "New comment",
    ]
    assert [m.subject for m in lou] == [f"New comment on “{post.title}”"] * 2


def test_nothing_is_announced_for_a_comment_that_is_not_published(
    post, send, decide, subscriber, mailoutbox, run_jobs
):
    """Subscribers hear nothing of held or spam comments, nor of one unapproved before the
    worker got to it."""
    subscriber(post, "lou@example.net")
    send(post)
    send(post, homepage_url="bot")
    unpublished = send(post)
    decide(unpublished, "approve")
    decide(unpublished, "unapprove")
    run_jobs()
    assert to(mailoutbox, "lou@example.net") == []


def test_a_comment_published_again_is_not_announced_again(
    post, send, decide, subscriber, mailoutbox, run_jobs
):
    """Approved, unapproved and approved again: subscribers were told once, and so is the author."""
    subscriber(post, "lou@example.net")
    comment = send(post)
    decide(comment, "approve")
    run_jobs()
    decide(comment, "unapprove")
    decide(comment, "approve")
    run_jobs()
    assert len(to(mailoutbox, "lou@example.net")) == 1
    assert len(to(mailoutbox, "ada@example.net")) == 1


def test_nobody_is_told_of_their_own_comment(post, send, decide, subscriber, mailoutbox, run_jobs):
    """A subscriber's own new comment is no news to them (the "published" notice aside)."""
    subscriber(post, "ada@example.net")
    decide(send(post, author_email="ADA@example.net"))
    run_jobs()
    assert [m.subject for m in mailoutbox if m.to[0].lower() == "ada@example.net"] == [
        f"Your comment on “{post.title}” is published"
    ]


def test_a_reply_flattened_by_the_depth_limit_still_tells_whom_it_answers(
    post, comment_data, make_comment, subscriber, settings, mailoutbox, run_jobs, moderator
):
    """At the deepest level a reply hangs beside the comment it answers; that comment's
    author is told all the same, as is the parent's."""
    settings.COMMENTS_MAX_DEPTH = 2
    top = make_comment(post, author_email="top@example.net")
    deepest = make_comment(post, parent=top, author_email="deep@example.net")
    subscriber(post, "top@example.net", top)
    subscriber(post, "deep@example.net", deepest)
    client = Client()
    client.force_login(moderator)  # published at once
    client.post(f"/posts/{post.slug}/comment/", comment_data(post, parent=deepest.pk))
    run_jobs()
    assert Comment.objects.latest("pk").parent == top
    assert len(to(mailoutbox, "deep@example.net")) == len(to(mailoutbox, "top@example.net")) == 1


def test_an_address_that_stopped_everything_gets_nothing(
    post, send, decide, make_comment, subscriber, mailoutbox, run_jobs
):
    """ "Stop every email" from any link: no notifications, no "published" notice, and the
    subscriptions go; the page offers to undo it."""
    subscription = subscriber(post, "kemi@example.net")
    from comments.subscriptions import unsubscribe_url

    page = Client().post(unsubscribe_url("kemi@example.net", "", subscription), {"action": "all"})
    assert "will send no more email to <strong>kemi@example.net</strong>" in page.content.decode()
    assert "Allow emails again" in page.content.decode()
    assert OptOut.objects.filter(email="kemi@example.net").exists()
    assert not Subscription.objects.exists()
    subscriber(post, "kemi@example.net")  # confirmed before, say, on another browser
    decide(send(post, notify="all", author_email="kemi@example.net"))
    decide(send(post, author_email="lou@example.net"))
    run_jobs()
    assert to(mailoutbox, "kemi@example.net") == []


def test_an_opt_out_can_be_undone_from_its_page(post):
    """ "Allow emails again" lifts the opt-out the same link made."""
    from comments.subscriptions import unsubscribe_url

    url = unsubscribe_url("kemi@example.net", "")
    Client().post(url, {"List-Unsubscribe": "One-Click"})
    assert OptOut.objects.filter(email="kemi@example.net").exists()
    page = Client().post(url, {"action": "resume"})
    assert "may email <strong>kemi@example.net</strong> again" in page.content.decode()
    assert not OptOut.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/comments/unsubscribe/nonsense/",
        "/comments/subscriptions/confirm/nonsense/",
        "/comments/unsubscribe/eyJlIjoiYUBiLmMiLCJzIjpudWxsfQ:1tamper:forged/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_is_a_clear_400(client, path, method):
    """A damaged or forged token changes nothing and says so, never a 500."""
    response = getattr(client, method)(path)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not OptOut.objects.exists()


def test_an_expired_confirmation_link_says_so(post, subscriber, settings):
    """Confirmation links last COMMENTS_CONFIRM_DAYS."""
    from comments.subscriptions import confirm_url

    link = confirm_url(subscriber(post, "kemi@example.net"), "")
    settings.COMMENTS_CONFIRM_DAYS = -1
    response = Client().get(link)
    assert response.status_code == 400
    assert "This link has expired." in response.content.decode()


def test_a_confirmation_link_of_a_stopped_subscription(post, subscriber):
    """A subscription stopped since its request was sent has nothing to confirm."""
    from comments.subscriptions import confirm_url

    subscription = subscriber(post, "kemi@example.net")
    link = confirm_url(subscription, "")
    subscription.delete()
    response = Client().post(link)
    assert response.status_code == 410
    assert "nothing to confirm" in response.content.decode()


def test_an_account_without_email_is_not_offered_notifications(client, post, users):
    """Nowhere to write to: the choice is not shown."""
    client.force_login(users["reader"])
    assert 'name="notify"' not in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("approved", [False, True], ids=["held", "published"])
def test_subscribing_costs_the_comment_post_one_query_at_most(
    client, post, comment_data, users, make_comment, approved, django_assert_max_num_queries
):
    """Asking for notifications adds at most one row to the work of posting a comment."""
    if approved:
        client.force_login(users["reader"])
        make_comment(post, user=users["reader"])
        users["reader"].email = "rita@example.net"
        users["reader"].save()
    url = f"/posts/{post.slug}/comment/"
    client.post(url, comment_data(post))  # the browser's cookies, as for the next ones
    with CaptureQueriesContext(connection) as plain:
        client.post(url, comment_data(post))
    with django_assert_max_num_queries(len(plain) + 1):
        client.post(url, comment_data(post, notify="replies"))
    assert Subscription.objects.count() == 1
    assert Comment.objects.latest("pk").status == ("approved" if approved else "pending")
