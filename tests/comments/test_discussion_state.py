"""One owner of discussion state: the operations, their transitions and their events."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from blog.models import Post
from comments import services
from comments.closing import Why, load_state
from comments.models import Comment, Discussion, ModerationEvent

pytestmark = pytest.mark.django_db

Status = Comment.Status
Action = ModerationEvent.Action
POSTS = "/admin/blog/post/"


# --- The transition table ------------------------------------------------------------------------

ALL = list(Status)
EXPECTED = {
    Action.APPROVE: {Status.PENDING, Status.REJECTED, Status.SPAM},
    Action.REJECT: {Status.PENDING, Status.APPROVED},
    Action.SPAM: {Status.PENDING, Status.APPROVED, Status.REJECTED},
    Action.UNAPPROVE: {Status.APPROVED},
    Action.REMOVE: {Status.PENDING, Status.APPROVED, Status.REJECTED, Status.SPAM},
    Action.RESTORE: {Status.TRASH, Status.SPAM},
}


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_action_applies_only_where_the_table_allows(
    post, make_comment, moderator, action, status
):
    """An action outside the table changes nothing and records nothing; inside, one event."""
    comment = make_comment(post, status=status)
    if status not in EXPECTED[action]:
        with pytest.raises(services.NotAllowed):
            services.moderate(comment, action, moderator)
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (status, None)
        assert not ModerationEvent.objects.exists()
        return
    services.moderate(comment, action, moderator)
    event = ModerationEvent.objects.get()
    comment.refresh_from_db()
    assert (event.comment, event.actor, event.action) == (comment, moderator, action)
    assert (event.from_state, event.to_state) == (status, comment.status)
    assert comment.moderated_by == moderator
    assert comment.status_reason == event.reason


def test_the_stored_reason_always_describes_the_latest_decision(
    client, post, comment_data, moderator, settings
):
    """A comment held for its links, then approved, no longer says it is held."""
    settings.COMMENTS_MAX_LINKS = 0
    client.post(f"/posts/{post.slug}/comment/", comment_data(post, body="See https://a.com"))
    comment = Comment.objects.get()
    assert comment.status_reason == "Held: 1 links (limit 0)."
    services.moderate(comment, Action.APPROVE, moderator)
    comment.refresh_from_db()
    assert (comment.status, comment.status_reason) == ("approved", "Approved by Moe.")
    submitted, approved = ModerationEvent.objects.order_by("created_at", "id")
    assert (submitted.action, submitted.to_state, submitted.reason) == (
        "submit",
        "pending",
        "Held: 1 links (limit 0).",
    )
    assert (approved.from_state, approved.to_state, approved.actor) == (
        "pending",
        "approved",
        moderator,
    )


@pytest.mark.parametrize("before", [Status.PENDING, Status.APPROVED])
def test_restore_goes_back_to_where_the_comment_was(post, make_comment, moderator, before):
    """Out of the trash, a comment returns to its status before; from spam, to pending."""
    comment = make_comment(post, status=before)
    services.moderate(comment, Action.REMOVE, moderator)
    assert services.moderate(comment, Action.RESTORE, moderator).status == before
    spam = make_comment(post, status=Status.SPAM)
    assert services.moderate(spam, Action.RESTORE, moderator).status == Status.PENDING


def test_the_same_decision_twice_is_refused(post, make_comment, moderator):
    """Two moderators approving at once: the second is told, and one event is recorded."""
    comment = make_comment(post, status=Status.PENDING)
    services.moderate(comment, Action.APPROVE, moderator)
    stale = Comment.objects.get(pk=comment.pk)
    stale.status = Status.PENDING  # what the second moderator's page still shows
    with pytest.raises(services.NotAllowed, match="approved"):
        services.moderate(stale, Action.APPROVE, moderator)
    assert ModerationEvent.objects.filter(action=Action.APPROVE).count() == 1


def test_posting_records_a_submit_event(client, post, comment_data, moderator):
    """Posting records a submit event: every stored comment has its history from the start."""
    client.post(f"/posts/{post.slug}/comment/", comment_data(post))
    comment = Comment.objects.get()
    event = ModerationEvent.objects.get()
    assert (event.comment, event.action, event.from_state, event.to_state, event.actor) == (
        comment,
        "submit",
        "",
        "pending",
        None,
    )


# --- Closing and reopening -----------------------------------------------------------------------


def test_close_and_reopen_record_who_when_and_why(post, moderator):
    """Closing stores who, when and why on the discussion and in the log; reopening clears it."""
    services.close(post, moderator, "Off topic for days.")
    state = load_state(post)
    assert (state.closed, state.why, state.closed_by, state.reason) == (
        True,
        Why.MODERATOR,
        moderator,
        "Off topic for days.",
    )
    assert "Closed by Moe on" in state.explanation
    assert "Off topic for days." in state.explanation
    with pytest.raises(services.NotAllowed, match="already closed"):
        services.close(post, moderator)
    services.reopen(post, moderator)
    assert not load_state(post).closed
    events = list(ModerationEvent.objects.order_by("created_at", "id"))
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in events] == [
        ("close", "open", "closed", moderator),
        ("reopen", "closed", "open", moderator),
    ]


def test_reopening_a_post_closed_by_age_keeps_it_open(make_post, moderator, settings):
    """A moderator's reopen of an old post is an explicit override that lasts."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_post(published_at=timezone.now() - timedelta(days=90))
    assert load_state(old).why == Why.AGE
    services.reopen(old, moderator)
    assert not load_state(old).closed
    assert Discussion.objects.get(post=old).keep_open
    assert ModerationEvent.objects.get().reason == "Kept open past the age limit."
    services.close(old, moderator)
    assert not Discussion.objects.get(post=old).keep_open  # a close ends the override


def test_site_wide_closing_cannot_be_reopened_and_says_why(post, moderator, settings):
    """With comments off site-wide, a reopen is refused with the reason, and nothing changes."""
    settings.COMMENTS_CLOSED = True
    with pytest.raises(services.NotAllowed, match="Closed site-wide"):
        services.reopen(post, moderator)
    assert not ModerationEvent.objects.exists()


def test_a_scheduled_close_happens_at_its_time(post):
    """A discussion with a close date in the past is closed; one in the future is open."""
    discussion = Discussion.objects.create(post=post, closes_at=timezone.now() + timedelta(hours=1))
    assert not load_state(post).closed
    discussion.closes_at = timezone.now() - timedelta(minutes=1)
    discussion.save()
    assert load_state(post).why == Why.SCHEDULE


@pytest.fixture
def every_case(make_post, moderator, settings):
    """One post per way a discussion can be open or closed (site-wide aside)."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    settings.COMMENTS_CLOSE_AFTER_INACTIVE_DAYS = 10
    now = timezone.now()
    posts = {
        "inactive": make_post(published_at=now - timedelta(days=12)),
        "commented lately": make_post(published_at=now - timedelta(days=20)),
        "own limit: never": make_post(published_at=now - timedelta(days=15)),
        "own short limit": make_post(published_at=now - timedelta(days=3)),
        "open": make_post(published_at=now - timedelta(days=1)),
        "moderator": make_post(published_at=now - timedelta(days=2)),
        "age": make_post(published_at=now - timedelta(days=40)),
        "kept open": make_post(published_at=now - timedelta(days=50)),
        "scheduled": make_post(published_at=now - timedelta(days=3)),
        "reopened": make_post(published_at=now - timedelta(days=4)),
        "draft": make_post(status=Post.Status.DRAFT),
    }
    services.close(posts["moderator"], moderator)
    services.reopen(posts["kept open"], moderator)
    Discussion.objects.create(post=posts["scheduled"], closes_at=now - timedelta(hours=1))
    services.close(posts["reopened"], moderator)
    services.reopen(posts["reopened"], moderator)
    Discussion.objects.create(
        post=posts["commented lately"], last_active_at=now - timedelta(days=2)
    )
    Discussion.objects.create(post=posts["own limit: never"], inactive_days=0)
    Discussion.objects.create(post=posts["own short limit"], inactive_days=1)
    return posts


@pytest.mark.parametrize("site_wide", [False, True])
def test_list_column_filter_and_public_page_agree(
    client, every_case, moderator, settings, site_wide
):
    """Whatever closed it, the post list's column, its filter and the post page say the same."""
    settings.COMMENTS_CLOSED = site_wide
    expected_closed = {"moderator", "age", "scheduled", "inactive", "own short limit"} | (
        set(every_case) if site_wide else set()
    )
    client.force_login(moderator)
    closed_listed = {
        p.pk for p in client.get(POSTS, {"discussion": "closed"}).context["cl"].result_list
    }
    open_listed = {
        p.pk for p in client.get(POSTS, {"discussion": "open"}).context["cl"].result_list
    }
    html = client.get(POSTS).content.decode()
    for name, post in every_case.items():
        closed = name in expected_closed
        assert (post.pk in closed_listed, post.pk in open_listed) == (closed, not closed), name
        assert load_state(post).closed is closed, name
        row = html[html.index(f"/admin/blog/post/{post.pk}/change/") :]
        column = row[row.index('class="field-discussion_column"') :][:200]
        assert ("Closed" in column) is closed, name
        if post.is_public:
            page = client.get(post.get_absolute_url()).content.decode()
            assert ("Comments are closed." in page) is closed, name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_closed_switch_migrates_both_ways(post, make_post):
    """The old per-post switch is carried to Discussion and back, losing nothing."""
    other = make_post()
    executor = MigrationExecutor(connection)
    before = [
        ("comments", "0004_discussion_and_moderation_log"),
        ("blog", "0003_discussion_permission"),
    ]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        OldPost = old_apps.get_model("blog", "Post")
        OldPost.objects.filter(pk=post.pk).update(comments_closed=True)
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        assert load_state(post).closed
        assert not load_state(other).closed
        assert ModerationEvent.objects.get(post=post).action == "close"
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        OldPost = executor.loader.project_state(before).apps.get_model("blog", "Post")
        assert set(OldPost.objects.filter(comments_closed=True).values_list("pk", flat=True)) == {
            post.pk
        }
        OldPost.objects.filter(pk=post.pk).update(comments_closed=False)  # switched meanwhile
        OldPost.objects.filter(pk=other.pk).update(comments_closed=True)
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        assert (load_state(post).closed, load_state(other).closed) == (False, True)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_editor_closes_from_the_post_change_page(client, post, editor):
    """The post's admin page has a real switch for those with the discussion permission."""
    client.force_login(editor)
    page = client.get(f"{POSTS}{post.pk}/change/").content.decode()
    assert "Close comments" in page
    client.post(f"{POSTS}{post.pk}/discussion/", {"action": "close", "reason": "Done."})
    state = load_state(post)
    assert (state.closed, state.closed_by, state.reason) == (True, editor, "Done.")
    page = client.get(f"{POSTS}{post.pk}/change/").content.decode()
    assert "Reopen comments" in page
    assert "Reason: Done." in page
    client.post(f"{POSTS}{post.pk}/discussion/", {"action": "reopen"})
    assert not load_state(post).closed


def test_an_author_has_no_discussion_switch(client, post, author):
    """Without the permission there is no switch, and a forged POST is refused."""
    client.force_login(author.user)
    page = client.get(f"{POSTS}{post.pk}/change/").content.decode()
    assert "Close comments" not in page
    assert client.post(f"{POSTS}{post.pk}/discussion/", {"action": "close"}).status_code == 403
    assert not load_state(post).closed


def test_reopen_of_a_site_wide_close_says_why_in_the_admin(client, post, editor, settings):
    """The list action reports plainly why the discussion stays closed."""
    settings.COMMENTS_CLOSED = True
    client.force_login(editor)
    response = client.post(
        POSTS, {"action": "reopen_comments", "_selected_action": [post.pk]}, follow=True
    )
    assert "Closed site-wide" in response.content.decode()
    assert load_state(post).closed
