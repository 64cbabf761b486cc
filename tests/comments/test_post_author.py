"""The post's author in its discussion (issue 10, point 7): their comments are signed with
their byline, badged and published at once; with COMMENTS_AUTHORS_MODERATE they moderate the
comments on their own posts, on the post page and in the admin's queue, and nowhere else.

Everything goes through HTTP, as each person would use the site and the admin.
"""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import BlockedTerm, Comment, ModerationEvent

pytestmark = pytest.mark.django_db

PENDING = Comment.Status.PENDING
APPROVED = Comment.Status.APPROVED
SPAM = Comment.Status.SPAM
QUEUE = "/admin/comments/comment/"
AUTHOR_BADGE = '<span class="comment-badge is-author">Author</span>'
CONTROLS = ["moderator-bar", "moderation-actions", 'value="approve">Approve</button>']
# The budgets tests/comments/test_workbench_admin.py and test_reading.py hold moderators and
# readers to; an author who moderates costs no more.
MODERATOR_POST_PAGE_QUERIES = 12
QUEUE_QUERIES = 10
READER_COLD_QUERIES = 7


def logged_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def page(browser, post):
    return browser.get(post.get_absolute_url()).content.decode()


def send(browser, post, comment_data, **fields):
    return browser.post(f"/posts/{post.slug}/comment/", comment_data(post, **fields))


def decide_on_page(browser, comment, action="approve"):
    """The button under the comment on the post page."""
    return browser.post(f"/comments/{comment.pk}/moderate/", {"action": action})


def act_in_queue(browser, comment, action="approve"):
    """A row button of the admin's queue."""
    return browser.post(f"{QUEUE}{comment.pk}/act/", {"action": action})


def bulk(browser, action, comments):
    data = {"action": action, "_selected_action": [c.pk for c in comments], "index": 0}
    return browser.post(QUEUE, data)


def status_of(comment):
    comment.refresh_from_db()
    return comment.status


@pytest.fixture
def mara(author):
    """The author of ``post``, whose byline differs from her account's name ("mara")."""
    author.display_name = "Mara Quill"
    author.save()
    return author


@pytest.fixture
def lenas_post(make_author, make_post):
    return make_post(title="Lena's post", author=make_author("lena", display_name="Lena Stone"))


@pytest.fixture
def authors_moderate(settings):
    settings.COMMENTS_AUTHORS_MODERATE = True


# --- The author's own comments -------------------------------------------------------------------


def test_the_authors_comment_is_published_at_once_with_byline_and_badge(
    client, mara, post, comment_data
):
    """Logged in, the post's author comments under their byline, badged, published at once."""
    response = send(logged_in(mara.user), post, comment_data, body="Thanks for reading.")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.status_reason) == (APPROVED, "Written by the post's author.")
    assert comment.by_post_author
    assert comment.author_name == "Mara Quill"
    html = page(client, post)  # an anonymous reader's (shared, cached) page
    assert "Thanks for reading." in html
    assert f"<bdi>Mara Quill</bdi></span>\n      {AUTHOR_BADGE}" in html
    assert "<bdi>mara</bdi>" not in html


def test_the_form_says_the_author_comments_as_the_author(mara, post, lenas_post):
    """On their post the form names the author's byline; elsewhere they are a member."""
    browser = logged_in(mara.user)
    own = "Commenting as <strong><bdi>Mara Quill</bdi></strong> (author of this post)."
    assert own in page(browser, post)
    elsewhere = page(browser, lenas_post)
    assert "Commenting as <strong><bdi>mara</bdi></strong>." in elsewhere
    assert "(author of this post)" not in elsewhere


def test_other_staff_comments_are_not_badged_as_the_author(
    client, mara, post, lenas_post, moderator, comment_data
):
    """Another author waits for moderation like anyone; a moderator is published, unbadged;
    the author on someone else's post is a commenter like the others."""
    send(logged_in(lenas_post.author.user), post, comment_data, body="Lena here.")
    send(logged_in(moderator), post, comment_data, body="Moe here.")
    send(logged_in(mara.user), lenas_post, comment_data, body="Mara elsewhere.")
    lena, moe, elsewhere = Comment.objects.order_by("pk")
    assert (lena.status, lena.by_post_author) == (PENDING, False)
    assert (moe.status, moe.status_reason, moe.by_post_author) == (
        APPROVED,
        "Written by a moderator.",
        False,
    )
    assert (elsewhere.status, elsewhere.by_post_author) == (PENDING, False)
    assert AUTHOR_BADGE not in page(client, post)


def test_a_spam_entry_still_catches_the_author_hold_rules_do_not(mara, post, comment_data):
    """A blocklist spam entry wins (a stolen account's spam); a hold entry and the link
    limit, which ask a moderator to read a stranger, let the author through."""
    BlockedTerm.objects.create(value="cheap pills", action=BlockedTerm.Action.SPAM)
    BlockedTerm.objects.create(value="politics", action=BlockedTerm.Action.HOLD)
    browser = logged_in(mara.user)
    send(browser, post, comment_data, body="Buy cheap pills.")
    links = " ".join(f'<a href="https://example.org/{n}">{n}</a>' for n in range(4))
    send(browser, post, comment_data, body=f"On politics, see {links}.")
    spam, held_elsewhere = Comment.objects.order_by("pk")
    assert (spam.status, spam.status_reason) == (SPAM, "Spam: blocked phrase “cheap pills”.")
    assert held_elsewhere.status == APPROVED


def test_a_moderator_who_wrote_the_post_replies_from_the_admin_as_its_author(
    client, mara, post, make_comment
):
    """A staff reply on one's own post is signed with the byline and badged "Author"."""
    mara.user.groups.add(Group.objects.get(name="Moderators"))
    question = make_comment(post)
    browser = logged_in(mara.user)
    browser.post(f"{QUEUE}{question.pk}/reply/", {"body": "Good question."})
    reply = Comment.objects.get(parent=question)
    assert (reply.author_name, reply.by_post_author, reply.by_staff) == ("Mara Quill", True, True)
    html = page(client, post)
    assert AUTHOR_BADGE in html
    assert '<span class="comment-badge">Staff</span>' not in html


# --- Authors moderate their own posts (COMMENTS_AUTHORS_MODERATE) -------------------------------


@pytest.mark.parametrize("author_first", [True, False], ids=["author-first", "reader-first"])
def test_the_author_moderates_on_their_post_page(
    client, mara, post, make_comment, authors_moderate, author_first
):
    """The author gets the pending comment and the controls on a page of their own (never
    the readers' cached one), approves, and readers see it at once; the log names them."""
    held = make_comment(post, status=PENDING, body="A reader's doubt.")
    browser = logged_in(mara.user)
    if not author_first:
        page(client, post)
    mine = page(browser, post)
    theirs = page(client, post)
    for control in CONTROLS:
        assert control in mine
        assert control not in theirs
    assert "A reader's doubt." in mine
    assert "A reader's doubt." not in theirs
    assert "Close comments now" not in mine  # closing stays with moderators and editors

    response = decide_on_page(browser, held)
    assert response.status_code == 302
    assert status_of(held) == APPROVED
    event = ModerationEvent.objects.get(action=ModerationEvent.Action.APPROVE)
    assert (event.actor, event.comment) == (mara.user, held)
    assert "A reader's doubt." in page(client, post)


def test_the_author_reveals_a_spam_comment_of_their_post(
    mara, post, make_comment, authors_moderate
):
    """ "View on site" of a spam comment shows it in place to the post's author."""
    spam = make_comment(post, status=SPAM, body="Spammy words.")
    response = logged_in(mara.user).get(spam.get_absolute_url(), follow=True)
    assert "Spammy words." in response.content.decode()


def test_the_author_works_the_queue_of_their_own_posts(
    mara, post, lenas_post, make_comment, authors_moderate
):
    """In the admin, the author lists, decides on and bulk-decides their posts' comments,
    without the commenters' email or IP address, the blocklist or the staff reply."""
    held = make_comment(post, status=PENDING, author_email="doubt@example.net")
    other = make_comment(post, status=PENDING)
    elsewhere = make_comment(lenas_post, status=PENDING)
    browser = logged_in(mara.user)

    queue = browser.get(QUEUE)
    assert {c.pk for c in queue.context["cl"].result_list} == {held.pk, other.pk}
    html = queue.content.decode()
    assert f'{QUEUE}{held.pk}/act/?from=pending"' in html
    assert "doubt@example.net" not in html
    assert "Block this commenter" not in html

    assert act_in_queue(browser, held).status_code == 302
    assert status_of(held) == APPROVED
    assert ModerationEvent.objects.get(comment=held, action="approve").actor == mara.user
    bulk(browser, "reject", [other])
    assert status_of(other) == Comment.Status.REJECTED

    change = browser.get(f"{QUEUE}{held.pk}/change/").content.decode()
    assert 'name="action" value="unapprove"' in change
    assert "doubt@example.net" not in change
    assert "Block this commenter" not in change
    assert "staff-reply" not in change
    assert browser.get(f"{QUEUE}{held.pk}/block/").status_code == 403
    assert browser.post(f"{QUEUE}{held.pk}/reply/", {"body": "Hi."}).status_code == 403
    assert status_of(elsewhere) == PENDING


def test_the_author_is_refused_on_another_authors_post(
    mara, lenas_post, make_comment, authors_moderate
):
    """Another author's post: no controls on its page, 403 from the endpoint, and nothing
    reachable in the admin by URL or by a forged bulk action."""
    held = make_comment(lenas_post, status=PENDING, body="Lena's reader.")
    browser = logged_in(mara.user)
    html = page(browser, lenas_post)
    assert "Lena's reader." not in html
    for control in CONTROLS:
        assert control not in html

    assert decide_on_page(browser, held).status_code == 403
    assert act_in_queue(browser, held).status_code == 404
    assert browser.get(f"{QUEUE}{held.pk}/remove/").status_code == 404
    assert browser.get(f"{QUEUE}{held.pk}/change/").status_code == 302  # "does not exist"
    changed = browser.post(f"{QUEUE}{held.pk}/change/", {"status": APPROVED})
    assert changed.status_code == 302
    bulk(browser, "approve", [held])
    assert status_of(held) == PENDING
    assert not ModerationEvent.objects.filter(comment=held).exists()


def test_an_authors_approval_vouches_on_their_own_posts_only(
    authors_moderate, mara, post, lenas_post, comment_data, moderator, make_author, make_post
):
    """Approved by Mara, a newcomer is known on Mara's posts; on Lena's they still wait, until a
    moderator's approval (site-wide) makes them known everywhere."""
    newcomer = Client()
    send(newcomer, post, comment_data)
    decide_on_page(logged_in(mara.user), Comment.objects.get())
    send(newcomer, post, comment_data)
    assert Comment.objects.latest("pk").status == APPROVED
    send(newcomer, lenas_post, comment_data)
    on_lenas = Comment.objects.latest("pk")
    assert on_lenas.status == PENDING
    decide_on_page(logged_in(moderator), on_lenas)
    ottos_post = make_post(title="Otto's post", author=make_author("otto"))
    send(newcomer, ottos_post, comment_data)
    assert Comment.objects.latest("pk").status == APPROVED


def test_an_editor_who_writes_acts_only_on_their_own_posts(
    make_author, make_post, post, make_comment, authors_moderate
):
    """An editor sees every comment in the queue; as an author, they act on their posts' only."""
    writer = make_author("ed")
    writer.user.groups.add(Group.objects.get(name="Editors"))
    own = make_comment(make_post(author=writer), status=PENDING)
    others = make_comment(post, status=PENDING)
    browser = logged_in(writer.user)

    html = browser.get(QUEUE).content.decode()
    assert f"{QUEUE}{own.pk}/act/" in html
    assert f"{QUEUE}{others.pk}/act/" not in html
    assert f"{QUEUE}{others.pk}/change/" in html  # listed, read only
    assert act_in_queue(browser, others).status_code == 403
    response = bulk(browser, "approve", [own, others])
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"Comment #{others.pk} is on another author's post: not changed." in notes
    assert (status_of(own), status_of(others)) == (APPROVED, PENDING)
    form = browser.get(f"{QUEUE}{others.pk}/change/").content.decode()
    assert 'name="action" value="approve"' not in form


def test_with_the_setting_off_authors_moderate_nowhere(mara, post, make_comment):
    """By default the author reads their post's comments and decides on none of them."""
    held = make_comment(post, status=PENDING, body="A reader's doubt.")
    browser = logged_in(mara.user)
    html = page(browser, post)
    assert "A reader's doubt." not in html
    for control in CONTROLS:
        assert control not in html
    assert decide_on_page(browser, held).status_code == 403
    assert act_in_queue(browser, held).status_code == 403
    assert browser.get(f"{QUEUE}{held.pk}/remove/").status_code == 403
    queue = browser.get(QUEUE)
    assert queue.context["action_form"] is None
    assert f"{QUEUE}{held.pk}/act/" not in queue.content.decode()
    bulk(browser, "approve", [held])
    assert status_of(held) == PENDING


# --- Budgets -------------------------------------------------------------------------------------


def seed(post, make_comment, threads):
    """``threads`` top-level comments of mixed status, the approved ones with a reply."""
    statuses = [PENDING, APPROVED, SPAM, APPROVED]
    for number in range(threads):
        top = make_comment(post, status=statuses[number % len(statuses)])
        if top.status == APPROVED:
            make_comment(post, parent=top, status=[PENDING, APPROVED][number % 2])


@pytest.mark.parametrize("threads", [3, 45])
def test_an_authors_pages_cost_what_a_moderators_do(
    mara, post, make_comment, settings, django_assert_max_num_queries, threads
):
    """The author's post page stays within the moderator's budget at any size; their queue
    costs what it did before they moderated (the moderator's, and the admin's sidebar asking
    whether they may write a post)."""
    seed(post, make_comment, threads)
    browser = logged_in(mara.user)
    with CaptureQueriesContext(connection) as reading:
        browser.get(QUEUE)
    assert len(reading) <= QUEUE_QUERIES + 1
    settings.COMMENTS_AUTHORS_MODERATE = True
    with django_assert_max_num_queries(MODERATOR_POST_PAGE_QUERIES):
        html = page(browser, post)
    assert html.count("is-pending") == Comment.objects.filter(status=PENDING).count()
    with django_assert_max_num_queries(len(reading)):
        moderating = browser.get(QUEUE).content.decode()
    assert moderating.count('class="queue-actions"') == min(Comment.objects.count(), 50)


def test_readers_pages_cost_the_same_with_authors_moderating(
    client, mara, post, make_comment, comment_data, authors_moderate, django_assert_num_queries
):
    """With the setting on and the author's comments in the thread, an anonymous reader's
    page costs 7 queries cold and 1 warm."""
    seed(post, make_comment, 5)
    send(logged_in(mara.user), post, comment_data)
    with django_assert_num_queries(READER_COLD_QUERIES):
        page(client, post)
    with django_assert_num_queries(1):
        html = page(client, post)
    assert AUTHOR_BADGE in html
