"""The moderator's workbench in the admin (issue 7): the queue, its row actions, the trash,
staff replies, the moderation log, blocking a commenter, "View on site" and query budgets.

Everything goes through HTTP, as each role would use the admin and the site.
"""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from comments import services
from comments.models import BlockedTerm, Comment, ModerationEvent, Report

pytestmark = pytest.mark.django_db

COMMENTS = "/admin/comments/comment/"
POSTS = "/admin/blog/post/"

PENDING = Comment.Status.PENDING
APPROVED = Comment.Status.APPROVED
REJECTED = Comment.Status.REJECTED
SPAM = Comment.Status.SPAM
TRASH = Comment.Status.TRASH
Action = ModerationEvent.Action

LOGGED_OUT = {"anonymous", "reader"}  # the admin sends both to its login page
NOT_MODERATORS = ["anonymous", "reader", "author", "editor"]
REMOVED = "This comment was removed."


# --- Helpers -------------------------------------------------------------------------------------


def log_in(client, user):
    """The client as ``user`` would use it; ``None`` stays anonymous."""
    if user is not None:
        client.force_login(user)
    return client


def run_action(client, action, objects, **extra):
    """Submit the changelist's action form for ``objects``, as its "Go" button does."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0}
    return client.post(COMMENTS, {**data, **extra})


def offered_actions(client):
    """The names in the queue's action menu."""
    form = client.get(COMMENTS).context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


def refused(response, role):
    """Whether the admin turned ``role`` away: the login page for outsiders, else 403."""
    if role in LOGGED_OUT:
        return is_login_redirect(response)
    return response.status_code == 403


def listed(response):
    """The objects on a changelist page, in order."""
    return list(response.context["cl"].result_list)


def messages_of(response):
    """The messages the request left for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def text_of(html):
    """What a person reads: tags dropped (blocks become spaces), entities decoded."""
    html = re.sub(r"<(?:br|/?p|/?div|/?td|/?th|/?tr|/?li|/?ul)\b[^>]*>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def row_of(response, comment):
    """The HTML of ``comment``'s row in the queue (found by its "Details and history" link)."""
    link = f'href="{COMMENTS}{comment.pk}/change/"'
    rows = re.findall(r"<tr\b.*?</tr>", response.content.decode(), re.S)
    found = [row for row in rows if link in row]
    assert len(found) == 1, f"comment #{comment.pk} is not listed once"
    return found[0]


def tab_counts(response):
    """The count shown on each status tab of the queue, by tab."""
    html = response.content.decode()
    tabs = re.findall(
        r'data-tab="(\w+)"[^>]*>\s*([^<]+?)\s*<span class="queue-count" data-count="\1">(\d+)<',
        html,
    )
    return {tab: (label, int(count)) for tab, label, count in tabs}


def expected_counts(comments):
    """What the tabs should say for ``comments``."""
    counts = {status: comments.filter(status=status).count() for status in Comment.Status}
    reported = Report.objects.open().filter(comment__in=comments).values("comment").distinct()
    return {**counts, "all": comments.count(), "reported": reported.count()}


def log_rows(html):
    """The rows of the page's moderation log: (when, who, what, from, to, why)."""
    tables = re.findall(r'<table class="moderation-log">(.*?)</table>', html, re.S)
    assert len(tables) == 1, "the page shows one moderation log"
    body = tables[0].split("<tbody>", 1)[1]
    return [
        tuple(unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def public_page(post, user=None):
    """The post's page as a fresh browser of ``user`` (anonymous unless told) sees it."""
    response = log_in(Client(), user).get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def article_of(html, comment):
    """The public page's rendering of ``comment`` itself (not its replies), or None."""
    match = re.search(
        rf'<article[^>]*aria-labelledby="comment-{comment.pk}-author">(.*?)</article>', html, re.S
    )
    return match.group(1) if match else None


def item_class(html, comment):
    """The class attribute of ``comment``'s list item on the public page, or None."""
    match = re.search(rf'<li class="([^"]*)" id="comment-{comment.pk}"', html)
    return match.group(1).split() if match else None


def act(client, comment, action, next_url=COMMENTS, **headers):
    """Press a row button of the queue (the ``row-actions`` form, with its ``next``)."""
    return client.post(
        f"{COMMENTS}{comment.pk}/act/", {"action": action, "next": next_url}, **headers
    )


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def queue(post, make_post, make_author, make_comment):
    """Comments of every status on the author's post and on a colleague's, in other numbers."""
    other_post = make_post(title="Notes from a colleague", author=make_author("bob"))
    mix = {
        post: [PENDING, PENDING, APPROVED, SPAM, REJECTED, TRASH],
        other_post: [PENDING, APPROVED, APPROVED, APPROVED, SPAM, SPAM, TRASH, TRASH],
    }
    for on, statuses in mix.items():
        for status in statuses:
            make_comment(on, status=status)
    return SimpleNamespace(own_post=post, other_post=other_post)


@pytest.fixture
def thread(post, make_comment):
    """An approved thread: top → middle → leaf, a sibling of middle, and another thread."""
    top = make_comment(post, author_name="Top Person", body="The top of the thread.")
    middle = make_comment(post, parent=top, author_name="Mid Person", body="A middle reply.")
    leaf = make_comment(post, parent=middle, body="A leaf, two levels down.")
    sibling = make_comment(post, parent=top, body="A sibling of the middle reply.")
    other = make_comment(post, body="Another thread altogether.")
    return SimpleNamespace(top=top, middle=middle, leaf=leaf, sibling=sibling, other=other)


# --- 1. Queue tabs -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "superuser", "editor"])
def test_tabs_show_live_counts_of_every_status(client, users, queue, role):
    """The queue's tabs show each status with its count, on the page itself, for all comments."""
    response = log_in(client, users[role]).get(COMMENTS)
    assert response.status_code == 200
    tabs = tab_counts(response)
    expected = expected_counts(Comment.objects.all())
    assert tabs == {
        "pending": ("Pending", expected[PENDING]),
        "reported": ("Reported", expected["reported"]),
        "approved": ("Approved", expected[APPROVED]),
        "spam": ("Spam", expected[SPAM]),
        "trash": ("Trash", expected[TRASH]),
        "rejected": ("Rejected", expected[REJECTED]),
        "all": ("All", 14),
    }
    assert (expected[PENDING], expected[TRASH]) == (3, 3)


def test_author_tabs_count_only_comments_on_their_posts(client, author, queue):
    """An author's tab counts cover the comments on their own posts, not a colleague's."""
    response = log_in(client, author.user).get(COMMENTS)
    assert response.status_code == 200
    own = expected_counts(Comment.objects.filter(post=queue.own_post))
    assert {tab: count for tab, (_, count) in tab_counts(response).items()} == own
    assert own["all"] == 6


def test_tab_lists_its_status_and_counts_stay_whole(client, moderator, queue):
    """A tab lists its status only, is marked current, and all tabs keep their full counts."""
    log_in(client, moderator)
    response = client.get(COMMENTS, {"status__exact": "spam"})
    assert {c.status for c in listed(response)} == {SPAM}
    assert len(listed(response)) == 3
    html = response.content.decode()
    tabs = re.search(r'<nav class="queue-tabs".*?</nav>', html, re.S).group(0)
    assert re.findall(r'data-tab="(\w+)" aria-current="page"', tabs) == ["spam"]
    assert tab_counts(response)["pending"] == ("Pending", 3)
    assert f'href="{COMMENTS}?status__exact=pending" data-tab="pending"' in html


def test_tab_counts_follow_each_decision(client, moderator, queue):
    """After a one-click approval the next page load shows the new counts."""
    log_in(client, moderator)
    comment = Comment.objects.filter(status=PENDING).first()
    act(client, comment, "approve")
    tabs = tab_counts(client.get(COMMENTS))
    assert (tabs["pending"][1], tabs["approved"][1], tabs["all"][1]) == (2, 5, 14)


def test_tabs_of_a_large_queue_estimate_all_and_approved(
    client, moderator, post, make_comment, django_assert_num_queries
):
    """Past 10,000 comments, All and Approved read "about" PostgreSQL's estimate, and a decision
    keeps them so; the statuses moderators work through keep their exact counts."""
    Comment.objects.bulk_create(
        Comment(
            post=post,
            author_name=f"Reader {number}",
            author_email=f"reader{number}@example.net",
            body="A thought.",
            body_html="<p>A thought.</p>",
            status=APPROVED,
        )
        for number in range(10_000)
    )
    pending = make_comment(post, status=PENDING)
    make_comment(post, status=PENDING)
    make_comment(post, status=SPAM)
    with connection.cursor() as cursor:  # statistics, as autovacuum keeps them
        cursor.execute("ANALYZE comments_comment")
    log_in(client, moderator)
    with django_assert_num_queries(QUEUE_QUERIES + 1):
        html = client.get(COMMENTS).content.decode()
    shown = dict(re.findall(r'<span class="queue-count" data-count="(\w+)">([^<]*)</span>', html))
    assert shown == {
        "all": "about 10,000",
        "pending": "2",
        "approved": "about 10,000",
        "spam": "1",
        "trash": "0",
        "rejected": "0",
        "reported": "0",
    }
    response = act(client, pending, "approve", HTTP_ACCEPT="application/json")
    assert response.json()["counts"] == {
        "all": "about 10,000",
        PENDING: 1,
        APPROVED: "about 10,000",
        SPAM: 1,
        TRASH: 0,
        REJECTED: 0,
        "reported": 0,
    }


# --- 2. One-click row actions --------------------------------------------------------------------

ROW_ACTIONS = [
    ("approve", PENDING, APPROVED),
    ("reject", PENDING, REJECTED),
    ("spam", PENDING, SPAM),
    ("remove", APPROVED, TRASH),
    ("restore", TRASH, APPROVED),
    ("approve", SPAM, APPROVED),
]


@pytest.mark.parametrize(("action", "before", "after"), ROW_ACTIONS)
def test_row_button_decides_in_one_click(
    client, moderator, post, make_comment, action, before, after
):
    """A row button changes the status, logs who/from/to/why and returns to the same tab."""
    comment = make_comment(
        post, status=APPROVED if before == TRASH else before, status_reason="Held: 3 links."
    )
    if before == TRASH:
        services.moderate(comment, Action.REMOVE, moderator)
    log_in(client, moderator)
    tab = f"{COMMENTS}?status__exact={before}"
    row = row_of(client.get(tab), comment)
    assert f'formaction="{COMMENTS}{comment.pk}/act/?from={before}"' in row
    assert re.search(rf'<button type="submit" form="row-actions"[^>]*value="{action}"', row)
    events_before = ModerationEvent.objects.count()
    response = act(client, comment, action, next_url=tab)
    assert response.status_code == 302
    assert response["Location"] == tab
    comment.refresh_from_db()
    assert comment.status == after
    assert comment.moderated_by == moderator
    event = ModerationEvent.objects.filter(comment=comment).first()  # the latest
    assert ModerationEvent.objects.count() == events_before + 1
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        action,
        moderator,
        before,
        after,
    )
    assert event.reason
    assert comment.status_reason == event.reason  # the reason describes the latest decision
    assert "Held" not in comment.status_reason
    assert any(comment.author_name in message for message in messages_of(response))


@pytest.mark.parametrize(
    ("status", "action"),
    [(APPROVED, "approve"), (REJECTED, "reject"), (PENDING, "restore"), (TRASH, "spam")],
)
def test_row_action_the_table_does_not_allow_changes_nothing(
    client, moderator, post, make_comment, status, action
):
    """An action the transition table forbids changes nothing, logs nothing and says why."""
    comment = make_comment(post, status=status, status_reason="As it was.")
    response = act(log_in(client, moderator), comment, action, next_url=f"{COMMENTS}?p=1")
    assert response.status_code == 302
    assert response["Location"] == f"{COMMENTS}?p=1"
    comment.refresh_from_db()
    assert (comment.status, comment.status_reason, comment.moderated_by) == (
        status,
        "As it was.",
        None,
    )
    assert not ModerationEvent.objects.exists()
    (message,) = messages_of(response)
    assert f"Comment #{comment.pk} is {status}" in message
    assert "does not apply" in message


def test_row_action_as_json_returns_status_actions_and_counts(
    client, moderator, post, make_comment
):
    """With JavaScript, a row action answers with the new status, its actions and the counts."""
    comment = make_comment(post, status=PENDING)
    make_comment(post, status=PENDING)
    make_comment(post, status=SPAM)
    response = act(log_in(client, moderator), comment, "approve", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["status"] == APPROVED
    assert data["actions"] == ["reject", "spam", "unapprove", "remove"]
    assert data["counts"] == expected_counts(Comment.objects.all())
    assert data["counts"]["pending"] == 1
    comment.refresh_from_db()
    assert comment.status == APPROVED


def test_refused_row_action_as_json_says_why(client, moderator, post, make_comment):
    """A JSON row action that does not apply is a 409 with the reason, and changes nothing."""
    comment = make_comment(post, status=APPROVED)
    response = act(log_in(client, moderator), comment, "approve", HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert "does not apply" in response.json()["error"]
    assert not ModerationEvent.objects.exists()


@pytest.mark.parametrize("json", [False, True])
@pytest.mark.parametrize("role", NOT_MODERATORS)
def test_row_actions_are_for_moderators_only(client, users, post, make_comment, role, json):
    """Readers, authors (even on their own post) and editors cannot decide; nothing changes."""
    comment = make_comment(post, status=PENDING)
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    response = act(log_in(client, users[role]), comment, "approve", **headers)
    assert refused(response, role), response.status_code
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (PENDING, None)
    assert not ModerationEvent.objects.exists()


def test_row_action_never_redirects_off_site(client, moderator, post, make_comment):
    """A ``next`` pointing elsewhere is ignored: the moderator lands on the comment's page."""
    comment = make_comment(post, status=PENDING)
    response = act(log_in(client, moderator), comment, "approve", next_url="https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == f"{COMMENTS}{comment.pk}/change/"


def test_row_buttons_offer_only_what_applies(client, moderator, post, make_comment):
    """Each row has buttons for the actions its status allows, and no others."""
    comments = {status: make_comment(post, status=status) for status in Comment.Status}
    page = log_in(client, moderator).get(COMMENTS)
    for status, comment in comments.items():
        offered = set(re.findall(r'name="action" value="(\w+)"', row_of(page, comment)))
        assert offered == set(services.allowed_actions(comment)), status
    approve = re.search(r"<button[^>]*value=\"approve\"[^>]*>", row_of(page, comments[PENDING]))
    assert 'data-key="a"' in approve.group(0)  # the keyboard shortcut finds it


BULK = [("approve", APPROVED), ("reject", REJECTED), ("mark_spam", SPAM)]


@pytest.mark.parametrize(("action", "target"), BULK)
def test_bulk_actions_go_through_the_transition_table(
    client, moderator, post, make_comment, action, target
):
    """Bulk actions stay: each applicable comment changes and is logged; the rest are reported."""
    applicable = [make_comment(post, status=PENDING), make_comment(post, status=PENDING)]
    stuck = services.moderate(make_comment(post), Action.REMOVE, moderator)  # only restorable
    response = run_action(log_in(client, moderator), action, [*applicable, stuck])
    assert response.status_code == 302
    assert set(Comment.objects.filter(status=target)) == set(applicable)
    stuck.refresh_from_db()
    assert stuck.status == TRASH
    changed = ModerationEvent.objects.filter(to_state=target, actor=moderator, from_state=PENDING)
    assert {event.comment for event in changed} == set(applicable)
    assert any(f"Comment #{stuck.pk} is trash" in message for message in messages_of(response))


# --- 3. What a queue row shows -------------------------------------------------------------------


@pytest.fixture
def conversation(post, make_comment, moderator):
    """A reply under judgement, with a parent, a history for its email and a last decision."""
    parent = make_comment(post, author_name="Parent Person", body="Bridges are underrated.")
    body = "I disagree entirely. " * 30 + "The end of a long argument."
    reply = make_comment(
        post,
        parent=parent,
        author_name="Regular Reader",
        author_email="regular@example.net",
        ip_address="198.51.100.77",
        user_agent="ProbeBrowser/1.0",
        body=body,
    )
    services.moderate(reply, Action.UNAPPROVE, moderator, reason="Checking the claim.")
    for status, email in [
        (APPROVED, "regular@example.net"),
        (APPROVED, "Regular@Example.NET"),  # the same address, typed otherwise
        (SPAM, "regular@example.net"),
        (TRASH, "regular@example.net"),
        (APPROVED, "someone.else@example.net"),
        (PENDING, "someone.else@example.net"),
    ]:
        make_comment(post, status=status, author_email=email)
    return SimpleNamespace(parent=parent, reply=reply, body=body)


def test_queue_row_gives_a_moderator_everything_to_decide(client, moderator, conversation):
    """The row shows the full text, the last reason, the parent, the history and the origin."""
    response = log_in(client, moderator).get(COMMENTS)
    row = row_of(response, conversation.reply)
    text = text_of(row)
    assert conversation.body in text
    assert "In reply to Parent Person: “Bridges are underrated.”" in text
    assert "Checking the claim." in text
    assert "by moe" in text
    assert "History: 2 approved · 1 pending · 1 spam" in text
    for private in ["regular@example.net", "198.51.100.77", "ProbeBrowser/1.0"]:
        assert private in text
    assert f'href="{COMMENTS}{conversation.reply.pk}/block/"' in row
    assert f'formaction="{COMMENTS}{conversation.reply.pk}/act/?from=pending"' in row


def test_queue_row_quotes_only_an_excerpt_of_a_long_parent(client, moderator, post, make_comment):
    """The comment replied to is quoted as an excerpt, not in full."""
    long_text = "Rivers under the city were buried for reasons of health. " * 10
    parent = make_comment(post, author_name="Parent Person", body=long_text)
    reply = make_comment(post, parent=parent, status=PENDING)
    text = text_of(row_of(log_in(client, moderator).get(COMMENTS), reply))
    assert f"In reply to Parent Person: “{long_text[:100]}" in text
    assert long_text.strip() not in text
    assert "…”" in text


def test_author_row_shows_the_conversation_but_nothing_private(client, author, conversation):
    """An author sees the text, the reason and the parent, but no email, IP, agent or buttons."""
    response = log_in(client, author.user).get(COMMENTS)
    row = row_of(response, conversation.reply)
    text = text_of(row)
    assert conversation.body in text
    assert "In reply to Parent Person: “Bridges are underrated.”" in text
    assert "Checking the claim." in text
    html = response.content.decode()
    for private in ["regular@example.net", "198.51.100.77", "ProbeBrowser/1.0", "History:"]:
        assert private not in html
    assert "/act/" not in html
    assert "/block/" not in html
    assert 'form="row-actions"' not in html
    assert 'id="row-actions"' not in html


# --- 4. Trash ------------------------------------------------------------------------------------


def test_trash_page_asks_the_fate_of_the_replies(client, moderator, thread):
    """Trashing a comment with replies asks: keep (the default), hide or delete them."""
    page = log_in(client, moderator).get(f"{COMMENTS}{thread.top.pk}/remove/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'name="replies" value="keep"[^>]*checked', html)
    assert 'name="replies" value="hide"' in html
    assert 'name="replies" value="delete"' in html
    assert "What becomes of the replies?" in html
    thread.top.refresh_from_db()
    assert thread.top.status == APPROVED  # asking changes nothing


def test_trash_page_does_not_ask_without_replies(client, moderator, thread):
    """A comment without replies goes to the trash without a question about replies."""
    log_in(client, moderator)
    html = client.get(f"{COMMENTS}{thread.other.pk}/remove/").content.decode()
    assert "What becomes of the replies?" not in html
    assert 'type="radio"' not in html
    response = client.post(f"{COMMENTS}{thread.other.pk}/remove/", {"replies": "keep"})
    assert response.status_code == 302
    thread.other.refresh_from_db()
    assert thread.other.status == TRASH


def test_comment_with_replies_gets_a_trash_link_not_a_button(client, moderator, thread):
    """In the queue, Trash on a comment with replies leads to the question, not straight in."""
    page = log_in(client, moderator).get(COMMENTS)
    top_row, other_row = row_of(page, thread.top), row_of(page, thread.other)
    assert f'href="{COMMENTS}{thread.top.pk}/remove/"' in top_row
    assert 'value="remove"' not in top_row
    assert 'value="remove"' in other_row


@pytest.mark.parametrize("level", ["top", "middle"])
def test_keeping_replies_leaves_a_placeholder(client, moderator, thread, level):
    """Keep: readers see "This comment was removed." with the replies in place, at any depth."""
    target = getattr(thread, level)
    response = log_in(client, moderator).post(f"{COMMENTS}{target.pk}/remove/", {"replies": "keep"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == TRASH
    assert set(Comment.objects.exclude(pk=target.pk).values_list("status", flat=True)) == {APPROVED}
    html = public_page(thread.top.post)
    assert html.count(REMOVED) == 1
    assert "is-removed" in item_class(html, target)
    assert target.body not in html
    assert article_of(html, thread.leaf) is not None
    assert article_of(html, thread.sibling) is not None
    assert article_of(html, thread.other) is not None
    # The leaf still hangs from the removed comment.
    placeholder = html.index(f'id="comment-{target.pk}"')
    assert placeholder < html.index(f'id="comment-{thread.leaf.pk}"')


@pytest.mark.parametrize("level", ["top", "middle"])
def test_hiding_replies_hides_the_whole_sub_thread(client, moderator, thread, level):
    """Hide: readers see neither the comment nor anything below it; the rest stays."""
    target = getattr(thread, level)
    log_in(client, moderator).post(f"{COMMENTS}{target.pk}/remove/", {"replies": "hide"})
    target.refresh_from_db()
    assert (target.status, target.replies_hidden) == (TRASH, True)
    html = public_page(thread.top.post)
    assert REMOVED not in html
    for gone in [target, thread.leaf]:
        assert f'id="comment-{gone.pk}"' not in html
        assert gone.body not in html
    assert article_of(html, thread.other) is not None
    if level == "middle":
        assert article_of(html, thread.top) is not None
        assert article_of(html, thread.sibling) is not None
    else:
        assert thread.sibling.body not in html


def test_restoring_brings_a_hidden_sub_thread_back(client, moderator, thread):
    """Restoring a comment removed with its sub-thread hidden shows the sub-thread again."""
    log_in(client, moderator).post(f"{COMMENTS}{thread.middle.pk}/remove/", {"replies": "hide"})
    act(client, thread.middle, "restore")
    thread.middle.refresh_from_db()
    assert (thread.middle.status, thread.middle.replies_hidden) == (APPROVED, False)
    html = public_page(thread.top.post)
    assert article_of(html, thread.middle) is not None
    assert article_of(html, thread.leaf) is not None


def test_deleting_replies_trashes_them_and_restoring_brings_them_back(client, moderator, thread):
    """Delete: the replies go to the trash with the comment; restoring it restores them."""
    earlier = services.moderate(thread.sibling, Action.REMOVE, moderator)  # trashed on its own
    log_in(client, moderator).post(f"{COMMENTS}{thread.top.pk}/remove/", {"replies": "delete"})
    for comment in (thread.top, thread.middle, thread.leaf):
        comment.refresh_from_db()
        assert comment.status == TRASH
    assert {thread.middle.removed_with, thread.leaf.removed_with} == {thread.top}
    html = public_page(thread.top.post)
    assert REMOVED not in html
    for gone in (thread.top, thread.middle, thread.leaf, thread.sibling):
        assert gone.body not in html
    response = act(client, thread.top, "restore")
    assert response.status_code == 302
    for comment in (thread.top, thread.middle, thread.leaf):
        comment.refresh_from_db()
        assert comment.status == APPROVED
        assert comment.events.first().action == Action.RESTORE
    earlier.refresh_from_db()
    assert earlier.status == TRASH  # removed by its own decision, it stays in the trash
    html = public_page(thread.top.post)
    for back in (thread.top, thread.middle, thread.leaf):
        assert article_of(html, back) is not None


def test_bulk_trash_asks_about_replies_then_applies_the_choice(client, moderator, thread):
    """Bulk "Move to the trash" with a comment that has replies asks first, then does it."""
    log_in(client, moderator)
    asked = run_action(client, "move_to_trash", [thread.top, thread.other])
    assert asked.status_code == 200
    assert "What becomes of the replies?" in asked.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {APPROVED}
    done = client.post(
        COMMENTS,
        {
            "action": "move_to_trash",
            "_selected_action": [thread.top.pk, thread.other.pk],
            "replies": "hide",
        },
    )
    assert done.status_code == 302
    assert set(Comment.objects.filter(status=TRASH)) == {thread.top, thread.other}
    thread.top.refresh_from_db()
    assert thread.top.replies_hidden
    assert Comment.objects.filter(status=APPROVED).count() == 3  # the replies, hidden


def test_bulk_trash_without_replies_does_not_ask(client, moderator, thread):
    """Comments without replies go to the trash at once, each with its event."""
    response = run_action(log_in(client, moderator), "move_to_trash", [thread.leaf, thread.other])
    assert response.status_code == 302
    assert set(Comment.objects.filter(status=TRASH)) == {thread.leaf, thread.other}
    assert ModerationEvent.objects.filter(action=Action.REMOVE, actor=moderator).count() == 2


@pytest.mark.parametrize("role", ["author", "editor"])
def test_trash_is_for_moderators_only(client, users, thread, role):
    """Authors and editors cannot trash comments, by page or by action."""
    browser = log_in(client, users[role])
    assert browser.get(f"{COMMENTS}{thread.other.pk}/remove/").status_code == 403
    response = browser.post(f"{COMMENTS}{thread.other.pk}/remove/", {"replies": "keep"})
    assert response.status_code == 403
    assert not {"move_to_trash", "delete_permanently"} & offered_actions(browser)
    run_action(browser, "move_to_trash", [thread.other])
    assert set(Comment.objects.values_list("status", flat=True)) == {APPROVED}


def test_permanent_delete_only_from_the_trash_after_confirming(
    client, moderator, post, make_comment
):
    """Delete permanently asks first, deletes trashed comments, and leaves the others."""
    trashed = services.moderate(make_comment(post), Action.REMOVE, moderator)
    pending = make_comment(post, status=PENDING)
    log_in(client, moderator)
    assert "delete_permanently" in offered_actions(client)
    assert "delete_selected" not in offered_actions(client)
    asked = run_action(client, "delete_permanently", [trashed, pending])
    assert asked.status_code == 200
    assert "Are you sure you want to delete the selected comments permanently?" in (
        asked.content.decode()
    )
    assert Comment.objects.count() == 2
    confirmed = client.post(
        COMMENTS,
        {
            "action": "delete_permanently",
            "_selected_action": [trashed.pk, pending.pk],
            "post": "yes",
        },
    )
    assert confirmed.status_code == 302
    assert list(Comment.objects.all()) == [pending]
    assert any("not in the trash" in message for message in messages_of(confirmed))
    event = ModerationEvent.objects.get(action=Action.DELETE)
    assert (event.comment_number, event.comment, event.actor) == (trashed.pk, None, moderator)


def test_trashed_comment_holding_up_kept_replies_is_not_deleted(client, moderator, thread):
    """A trashed comment whose replies were kept stays, as their placeholder."""
    services.moderate(thread.top, Action.REMOVE, moderator, replies="keep")
    response = log_in(client, moderator).post(
        COMMENTS,
        {"action": "delete_permanently", "_selected_action": [thread.top.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 5
    assert any("placeholder" in message for message in messages_of(response))


def test_comment_outside_the_trash_has_no_delete_page(client, moderator, post, make_comment):
    """The change page of a comment outside the trash offers no Delete, and its URL is refused."""
    comment = make_comment(post, status=SPAM)
    log_in(client, moderator)
    html = client.get(f"{COMMENTS}{comment.pk}/change/").content.decode()
    assert f"{COMMENTS}{comment.pk}/delete/" not in html
    assert client.get(f"{COMMENTS}{comment.pk}/delete/").status_code == 403
    assert client.post(f"{COMMENTS}{comment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_deleting_a_trashed_comment_from_its_page_is_logged(client, moderator, post, make_comment):
    """Deleting from a trashed comment's own page goes through the log like the bulk action."""
    trashed = services.moderate(make_comment(post), Action.REMOVE, moderator)
    response = log_in(client, moderator).post(f"{COMMENTS}{trashed.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=trashed.pk).exists()
    event = ModerationEvent.objects.filter(action=Action.DELETE).get()
    assert (event.comment_number, event.actor, event.from_state) == (trashed.pk, moderator, TRASH)


def test_emptying_the_trash_deletes_only_what_expired(settings, moderator, post, make_comment):
    """``empty_comment_trash`` deletes what was trashed over COMMENTS_TRASH_DAYS ago, only."""
    settings.COMMENTS_TRASH_DAYS = 7
    now = timezone.now()

    def trashed(days_ago, **fields):
        comment = services.moderate(make_comment(post, **fields), Action.REMOVE, moderator)
        Comment.objects.filter(pk=comment.pk).update(moderated_at=now - timedelta(days=days_ago))
        return comment

    expired = trashed(8)
    expired_reply = make_comment(post, parent=expired)
    services.moderate(expired_reply, Action.REMOVE, moderator)
    Comment.objects.filter(pk=expired_reply.pk).update(moderated_at=now - timedelta(days=9))
    recent = trashed(6)
    holding_up = trashed(20)
    kept_reply = make_comment(post, parent=holding_up)  # approved, kept under a placeholder
    old_approved = make_comment(post)
    Comment.objects.filter(pk=old_approved.pk).update(moderated_at=now - timedelta(days=90))
    out = StringIO()
    call_command("empty_comment_trash", stdout=out)
    assert set(Comment.objects.all()) == {recent, holding_up, kept_reply, old_approved}
    assert "Deleted 2 comment(s)" in out.getvalue()
    assert "Kept 1" in out.getvalue()
    deleted = ModerationEvent.objects.filter(action=Action.DELETE)
    assert set(deleted.values_list("comment_number", flat=True)) == {expired.pk, expired_reply.pk}
    assert {event.actor for event in deleted} == {None}


# --- 5. Staff replies from the admin -------------------------------------------------------------


def test_moderator_replies_from_the_admin_published_as_staff(client, moderator, post, make_comment):
    """A reply from the admin is published at once, by the moderator, marked as staff."""
    parent = make_comment(post, body="Is this sourced?")
    log_in(client, moderator)
    page = client.get(f"{COMMENTS}{parent.pk}/change/").content.decode()
    assert f'action="{COMMENTS}{parent.pk}/reply/"' in page
    response = client.post(f"{COMMENTS}{parent.pk}/reply/", {"body": "Yes: see the footnotes."})
    assert response.status_code == 302
    assert response["Location"] == f"{COMMENTS}{parent.pk}/change/"
    reply = Comment.objects.get(parent=parent)
    assert (reply.status, reply.by_staff, reply.user, reply.post) == (
        APPROVED,
        True,
        moderator,
        post,
    )
    assert reply.body == "Yes: see the footnotes."
    assert any("Your reply is published" in message for message in messages_of(response))
    event = reply.events.get()
    assert (event.action, event.actor, event.to_state) == (Action.SUBMIT, moderator, APPROVED)
    html = public_page(post)
    own = article_of(html, reply)
    assert own is not None
    assert "Yes: see the footnotes." in own
    assert '<span class="comment-badge">Staff</span>' in own
    assert "comment-badge" not in article_of(html, parent)
    assert html.index(f'id="comment-{parent.pk}"') < html.index(f'id="comment-{reply.pk}"')


def test_staff_reply_at_the_deepest_level_keeps_the_depth_limit(
    client, moderator, settings, post, make_comment
):
    """A staff reply to the deepest comment attaches beside it, as a reader's reply would."""
    settings.COMMENTS_MAX_DEPTH = 3
    top = make_comment(post)
    deepest = make_comment(post, parent=make_comment(post, parent=top))
    assert deepest.depth == settings.COMMENTS_MAX_DEPTH - 1
    log_in(client, moderator).post(f"{COMMENTS}{deepest.pk}/reply/", {"body": "From the desk."})
    reply = Comment.objects.get(body="From the desk.")
    assert reply.depth <= settings.COMMENTS_MAX_DEPTH - 1
    assert reply.parent == deepest.parent


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_empty_staff_reply_is_refused(client, moderator, post, make_comment, body):
    """An empty reply is refused with a message and stores nothing."""
    parent = make_comment(post)
    response = log_in(client, moderator).post(f"{COMMENTS}{parent.pk}/reply/", {"body": body})
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert messages_of(response) == ["Write a reply first."]


def test_staff_reply_to_a_pending_comment_is_refused(client, moderator, post, make_comment):
    """A pending comment cannot be answered; the page says to approve it first."""
    parent = make_comment(post, status=PENDING)
    log_in(client, moderator)
    page = client.get(f"{COMMENTS}{parent.pk}/change/").content.decode()
    assert "Only a published comment can be answered: approve it first." in page
    response = client.post(f"{COMMENTS}{parent.pk}/reply/", {"body": "Too early."})
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    (message,) = get_messages(response.wsgi_request)
    assert message.level == messages.ERROR
    assert str(message)


def test_staff_reply_on_a_closed_discussion_is_refused(client, moderator, post, make_comment):
    """No reply, not even staff's, is accepted once the discussion is closed."""
    parent = make_comment(post)
    services.close(post, moderator, "Enough.")
    response = log_in(client, moderator).post(
        f"{COMMENTS}{parent.pk}/reply/", {"body": "One last word."}
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert messages_of(response) == ["Comments are closed on this post."]


@pytest.mark.parametrize("role", NOT_MODERATORS)
def test_staff_replies_are_for_moderators_only(client, users, post, make_comment, role):
    """Readers, authors and editors cannot publish a staff reply through the admin."""
    parent = make_comment(post)
    response = log_in(client, users[role]).post(f"{COMMENTS}{parent.pk}/reply/", {"body": "Hi"})
    assert refused(response, role), response.status_code
    assert Comment.objects.count() == 1


# --- 6. The moderation log on admin pages --------------------------------------------------------


def test_comment_and_post_pages_show_the_moderation_log(client, moderator, post, make_comment):
    """Approve, close and reopen appear on the admin pages: who, what, from, to and why."""
    comment = make_comment(post, status=PENDING)
    log_in(client, moderator)
    act(client, comment, "approve")
    closing = client.post(
        f"{POSTS}{post.pk}/discussion/", {"action": "close", "reason": "The thread ran hot."}
    )
    assert closing.status_code == 302
    client.post(f"{POSTS}{post.pk}/discussion/", {"action": "reopen", "reason": "Calmer now."})
    approve = (
        "moe",
        f"Approved (comment #{comment.pk})",
        "pending",
        "approved",
        "Approved by Moe.",
    )
    comment_page = client.get(f"{COMMENTS}{comment.pk}/change/").content.decode()
    assert [row[1:] for row in log_rows(comment_page)] == [approve]
    post_page = client.get(f"{POSTS}{post.pk}/change/").content.decode()
    rows = log_rows(post_page)
    assert [row[1:] for row in rows] == [
        ("moe", "Reopened the discussion", "closed", "open", "Calmer now."),
        ("moe", "Closed the discussion", "open", "closed", "The thread ran hot."),
        approve,
    ]
    today = timezone.localtime().strftime("%Y-%m-%d")
    assert all(row[0].startswith(today) for row in rows)


def test_log_shows_times_in_the_site_time_zone(client, settings, moderator, post, make_comment):
    """The log's "When" is the site's local time, as everywhere else in the admin."""
    settings.TIME_ZONE = "Asia/Tokyo"
    comment = services.moderate(make_comment(post, status=PENDING), Action.APPROVE, moderator)
    at = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)  # 05:30 the next morning in Tokyo
    ModerationEvent.objects.filter(comment=comment).update(created_at=at)
    html = log_in(client, moderator).get(f"{COMMENTS}{comment.pk}/change/").content.decode()
    assert [row[0] for row in log_rows(html)] == ["2026-03-02 05:30"]


def test_log_names_the_site_for_decisions_nobody_made(client, moderator, post, make_comment):
    """An event without an actor (the site's rules, an anonymous reader) is shown as the site."""
    comment = services.import_comment(
        Comment(post=post, author_name="Old", author_email="old@example.net", body="Hi"),
        "Imported from the old blog.",
    )
    html = log_in(client, moderator).get(f"{COMMENTS}{comment.pk}/change/").content.decode()
    assert [row[1:] for row in log_rows(html)] == [
        (
            "the site",
            f"Submitted (comment #{comment.pk})",
            "—",
            "pending",
            "Imported from the old blog.",
        )
    ]


# --- 7. Block this commenter ---------------------------------------------------------------------


@pytest.fixture
def pest(post, make_post, make_comment):
    """A commenter with more comments under the same email (any case) and from the same IP."""
    other_post = make_post(title="Elsewhere")
    comment = make_comment(
        post, status=PENDING, author_email="pest@example.com", ip_address="203.0.113.9"
    )
    same_email = [
        make_comment(other_post, author_email="Pest@Example.com", body="Buy cheap watches."),
        make_comment(post, status=SPAM, author_email="pest@example.com", body="Watches again."),
    ]
    same_ip = make_comment(
        post, author_email="friend@example.net", ip_address="203.0.113.9", body="Same cafe."
    )
    make_comment(post, author_email="bystander@example.net", ip_address="192.0.2.1")
    return SimpleNamespace(comment=comment, same_email=same_email, same_ip=same_ip)


def test_block_page_shows_what_each_entry_would_catch(client, moderator, pest):
    """Before blocking, the moderator sees how many other comments each entry would catch."""
    page = log_in(client, moderator).get(f"{COMMENTS}{pest.comment.pk}/block/")
    assert page.status_code == 200
    text = text_of(page.content.decode())
    email_part, ip_part = text.split("IP address or network: 203.0.113.9")
    assert "Email address or @domain: pest@example.com" in email_part
    assert "It would also catch 2 other comments" in email_part
    assert "Buy cheap watches." in email_part
    assert "Watches again." in email_part
    assert "Same cafe." not in email_part
    assert "It would also catch 1 other comment:" in ip_part
    assert "Same cafe." in ip_part
    assert "Buy cheap watches." not in ip_part
    assert not BlockedTerm.objects.exists()


def test_blocking_an_email_for_review_records_the_moderator(client, moderator, pest):
    """Blocking the email with "hold" creates that entry, created by the moderator."""
    response = log_in(client, moderator).post(
        f"{COMMENTS}{pest.comment.pk}/block/", {"kind": "email", "block_action": "hold"}
    )
    assert response.status_code == 302
    term = BlockedTerm.objects.get()
    assert (term.kind, term.value, term.action, term.created_by) == (
        BlockedTerm.Kind.EMAIL,
        "pest@example.com",
        BlockedTerm.Action.HOLD,
        moderator,
    )


def test_blocked_email_holds_the_next_comment(client, moderator, post, pest, comment_data):
    """After "hold" on the email, a new comment from that address waits for a moderator."""
    log_in(client, moderator).post(
        f"{COMMENTS}{pest.comment.pk}/block/", {"kind": "email", "block_action": "hold"}
    )
    reader = Client()
    reader.post(
        f"/posts/{post.slug}/comment/",
        comment_data(post, author_email="PEST@example.com", body="Watches, once more."),
    )
    comment = Comment.objects.get(body="Watches, once more.")
    term = BlockedTerm.objects.get(kind="email", value="pest@example.com")
    # The reason names the entry, not the address: authors read reasons, emails are private.
    assert (comment.status, comment.status_reason) == (
        PENDING,
        f"Held: blocked email (blocklist entry #{term.pk}).",
    )


@pytest.mark.parametrize("role", NOT_MODERATORS)
def test_blocking_is_for_moderators_only(client, users, pest, role):
    """Nobody but a moderator sees what a block would catch or adds the entry."""
    browser = log_in(client, users[role])
    url = f"{COMMENTS}{pest.comment.pk}/block/"
    assert refused(browser.get(url), role)
    assert refused(browser.post(url, {"kind": "email", "block_action": "spam"}), role)
    assert not BlockedTerm.objects.exists()


# --- 8. "View on site" for comments readers cannot see ------------------------------------------


@pytest.mark.parametrize("status", [PENDING, SPAM, TRASH, REJECTED])
@pytest.mark.parametrize("nested", [False, True])
def test_view_on_site_shows_a_moderator_the_comment_in_place(
    client, moderator, post, make_comment, status, nested
):
    """A moderator following "View on site" lands on the post with the comment in place, marked."""
    parent = make_comment(post, body="An approved opening.") if nested else None
    comment = make_comment(post, parent=parent, status=status, body="Hidden from readers.")
    log_in(client, moderator)
    assert f'href="/comments/{comment.pk}/"' in row_of(client.get(COMMENTS), comment)
    response = client.get(f"/comments/{comment.pk}/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain
    assert response.request["PATH_INFO"] == post.get_absolute_url()
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    html = response.content.decode()
    assert f"is-{status}" in item_class(html, comment)
    assert "Hidden from readers." in article_of(html, comment)


@pytest.mark.parametrize("status", [PENDING, SPAM, TRASH, REJECTED])
@pytest.mark.parametrize("role", ["anonymous", "reader", "author", "editor"])
def test_view_on_site_is_not_found_for_others(client, users, post, make_comment, status, role):
    """Readers, the post's author and editors get 404 for a comment they may not read."""
    comment = make_comment(post, status=status, body="Hidden from readers.")
    browser = log_in(client, users[role])
    assert browser.get(f"/comments/{comment.pk}/").status_code == 404
    # Nor can they ask the post page to reveal it.
    html = browser.get(f"{post.get_absolute_url()}?reveal={comment.pk}").content.decode()
    assert "Hidden from readers." not in html


# --- 9. Query budgets ----------------------------------------------------------------------------

# Measured: the session, the user, their permissions (own and by group), the tab counts (the
# statuses moderators work through, then all comments up to 10,001), the year links' first and
# last dates, the post filter's busiest posts, the filtered count and the page of comments
# (post, parent and decider joined; has-replies and the commenter's history as subqueries).
# Past 10,000 comments, one more: PostgreSQL's estimate of their number.
QUEUE_QUERIES = 10
# Measured: the session, the user, their permissions (own and by group), the post, its tags,
# its media, the discussion row, its comment counts, the count of visible threads, the page
# of threads and all their replies in one query.
MODERATOR_POST_PAGE_QUERIES = 12


def seed_discussion(post, make_comment, threads):
    """``threads`` top-level comments of mixed status, each with a reply, from a few emails."""
    statuses = [PENDING, APPROVED, SPAM, APPROVED, REJECTED, TRASH]
    for number in range(threads):
        top = make_comment(
            post,
            status=statuses[number % len(statuses)],
            author_email=f"regular{number % 4}@example.net",
            ip_address=f"192.0.2.{number % 250}",
        )
        if top.status == APPROVED:
            make_comment(post, parent=top, status=[PENDING, APPROVED][number % 2])


@pytest.mark.parametrize("threads", [3, 45])
def test_queue_costs_a_fixed_number_of_queries(
    client, moderator, post, make_comment, django_assert_max_num_queries, threads
):
    """The moderator's queue costs the same number of queries for a few comments or a page."""
    seed_discussion(post, make_comment, threads)
    log_in(client, moderator)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(COMMENTS)
    assert len(listed(response)) == min(Comment.objects.count(), 50)
    assert "History:" in response.content.decode()


@pytest.mark.parametrize("threads", [3, 45])
def test_moderator_post_page_costs_a_fixed_number_of_queries(
    client, moderator, post, make_comment, django_assert_max_num_queries, threads
):
    """The post page with pending comments in place costs the same for a moderator at any size."""
    seed_discussion(post, make_comment, threads)
    log_in(client, moderator)
    with django_assert_max_num_queries(MODERATOR_POST_PAGE_QUERIES):
        response = client.get(post.get_absolute_url())
    html = response.content.decode()
    pending = Comment.objects.filter(status=PENDING)
    assert html.count("is-pending") == pending.count()
    assert f"<span data-pending-count>{pending.count()}</span>" in html
