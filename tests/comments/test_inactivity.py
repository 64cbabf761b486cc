"""A discussion closes N days after its last published comment, counting down in plain view."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments import services, tasks
from comments.closing import Why, load_state
from comments.models import Discussion, ModerationEvent

DAYS = 10


@pytest.fixture(autouse=True)
def inactivity_limit(settings):
    settings.COMMENTS_CLOSE_AFTER_INACTIVE_DAYS = DAYS


def went_quiet(post, days_ago):
    """The discussion's last published comment was ``days_ago`` days ago."""
    Discussion.objects.update_or_create(
        post=post, defaults={"last_active_at": timezone.now() - timedelta(days=days_ago)}
    )


def test_readers_see_when_comments_close_under_the_form(client, make_post):
    """ "Comments close in 3 days", with the exact moment, on the cached page as on the first."""
    post = make_post(published_at=timezone.now() - timedelta(days=30))
    went_quiet(post, days_ago=DAYS - 3.1)
    for _ in range(2):  # rendered, then served from the page cache
        html = client.get(post.get_absolute_url()).content.decode()
        assert "Comments close in 3 days, on <time datetime=" in html
        assert html.index('id="respond"') < html.index("Comments close in")


def test_no_countdown_without_a_limit(client, post, settings):
    settings.COMMENTS_CLOSE_AFTER_INACTIVE_DAYS = None
    assert "Comments close in" not in client.get(post.get_absolute_url()).content.decode()


def test_the_discussion_closes_when_the_limit_passes(client, make_post, comment_data):
    """Past the limit readers see "Comments are closed." and a new comment is refused."""
    post = make_post(published_at=timezone.now() - timedelta(days=40))
    went_quiet(post, days_ago=DAYS + 1)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Comments are closed." in html
    assert "Comments close in" not in html
    response = client.post(f"/posts/{post.slug}/comment/", comment_data(post))
    assert response.status_code == 403
    state = load_state(post)
    assert state.why == Why.INACTIVE
    assert state.explanation == f"Closed automatically: no new comment for {DAYS} days."


def test_a_new_post_counts_from_its_publication(client, make_post):
    """With no comment yet, the countdown starts at publication."""
    fresh = make_post(published_at=timezone.now() - timedelta(days=DAYS - 1))
    quiet = make_post(published_at=timezone.now() - timedelta(days=DAYS + 1))
    assert not load_state(fresh).closed
    assert load_state(quiet).why == Why.INACTIVE


def test_a_published_comment_restarts_the_countdown(client, make_post, comment_data, moderator):
    """Approving a held comment is activity: the discussion stays open N more days."""
    post = make_post(published_at=timezone.now() - timedelta(days=40))
    went_quiet(post, days_ago=DAYS - 1)
    client.post(f"/posts/{post.slug}/comment/", comment_data(post))  # held for moderation
    went_quiet(post, days_ago=DAYS - 1)  # a held comment is no activity
    comment = post.comments.get()
    services.moderate(comment, ModerationEvent.Action.APPROVE, moderator)
    discussion = Discussion.objects.get(post=post)
    assert timezone.now() - discussion.last_active_at < timedelta(minutes=1)
    html = client.get(post.get_absolute_url()).content.decode()
    assert f"Comments close in {DAYS} days, on" in html  # 9 days, 23 hours and some


def test_a_post_sets_its_own_limit_in_the_admin(client, make_post, editor):
    """An editor sets this post's limit (0: never) from its admin page; it is logged."""
    post = make_post(published_at=timezone.now() - timedelta(days=40))
    went_quiet(post, days_ago=DAYS + 1)
    client.force_login(editor)
    change = f"/admin/blog/post/{post.pk}/change/"
    page = client.get(change).content.decode()
    assert 'name="inactive_days"' in page
    assert f'placeholder="{DAYS}"' in page
    response = client.post(
        f"/admin/blog/post/{post.pk}/discussion/",
        {"action": "inactive_days", "inactive_days": "0"},
        follow=True,
    )
    assert "Close after days without comments: never." in response.content.decode()
    assert not load_state(post).closed
    client.post(
        f"/admin/blog/post/{post.pk}/discussion/", {"action": "inactive_days", "inactive_days": "5"}
    )
    assert load_state(post).explanation == "Closed automatically: no new comment for 5 days."
    event = ModerationEvent.objects.filter(action=ModerationEvent.Action.TUNE).first()
    assert (event.post_id, event.actor, event.from_state, event.to_state) == (
        post.pk,
        editor,
        "never",
        "5 days",
    )
    client.post(
        f"/admin/blog/post/{post.pk}/discussion/", {"action": "inactive_days", "inactive_days": ""}
    )
    assert Discussion.objects.get(post=post).inactive_days is None


@pytest.mark.parametrize("junk", ["-1", "ten", "99999999", "٣"])
def test_a_junk_limit_is_refused_with_a_message(client, post, editor, junk):
    client.force_login(editor)
    response = client.post(
        f"/admin/blog/post/{post.pk}/discussion/",
        {"action": "inactive_days", "inactive_days": junk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Enter a number of days from 0 to" in response.content.decode()
    assert not ModerationEvent.objects.filter(action=ModerationEvent.Action.TUNE).exists()


def test_an_author_cannot_set_the_limit(client, post, author):
    client.force_login(author.user)
    response = client.post(
        f"/admin/blog/post/{post.pk}/discussion/", {"action": "inactive_days", "inactive_days": "1"}
    )
    assert response.status_code == 403


def test_the_scheduled_job_logs_the_close_when_it_happened(client, make_post, editor):
    """The job writes the close to the moderation log, dated at the moment shown, once."""
    post = make_post(published_at=timezone.now() - timedelta(days=40))
    went_quiet(post, days_ago=DAYS + 2)
    tasks.log_clock_closes(timestamp=0)
    tasks.log_clock_closes(timestamp=0)  # a second run finds nothing new
    event = ModerationEvent.objects.get(post=post, action=ModerationEvent.Action.CLOSE)
    assert event.actor is None
    assert event.reason == f"Closed automatically: no new comment for {DAYS} days."
    closed_at = Discussion.objects.get(post=post).last_active_at + timedelta(days=DAYS)
    assert abs(event.created_at - closed_at) < timedelta(seconds=1)
    client.force_login(editor)
    log = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Closed automatically: no new comment for" in log


def test_reopening_restarts_the_clock_and_a_later_close_is_logged_again(make_post, moderator):
    """A moderator's reopening is activity; the next quiet spell closes and is logged anew."""
    post = make_post(published_at=timezone.now() - timedelta(days=40))
    went_quiet(post, days_ago=DAYS + 2)
    services.log_clock_closes()
    services.reopen(post, moderator)
    assert not load_state(post).closed
    assert services.log_clock_closes() == 0
    went_quiet(post, days_ago=DAYS + 1)
    assert services.log_clock_closes() == 1
    assert ModerationEvent.objects.filter(post=post, action="close").count() == 2


def test_the_job_leaves_open_and_hand_closed_discussions_alone(make_post, moderator, settings):
    """Only closes by the clock are the job's to log; a moderator's close is logged already."""
    make_post(published_at=timezone.now() - timedelta(days=1))
    closed_by_hand = make_post(published_at=timezone.now() - timedelta(days=40))
    services.close(closed_by_hand, moderator)
    assert services.log_clock_closes() == 0
    settings.COMMENTS_CLOSED = True
    assert services.log_clock_closes() == 0


def test_approving_a_late_comment_does_not_silently_reopen(make_post, comment_data, moderator):
    """A comment held before the close and approved after it leaves the discussion closed:
    only a moderator's reopening (logged) brings it back."""
    post = make_post(published_at=timezone.now() - timedelta(days=40))
    went_quiet(post, days_ago=DAYS - 1)
    Client().post(f"/posts/{post.slug}/comment/", comment_data(post))  # held
    went_quiet(post, days_ago=DAYS + 1)
    services.moderate(post.comments.get(), ModerationEvent.Action.APPROVE, moderator)
    assert load_state(post).why == Why.INACTIVE


def test_a_second_close_after_a_new_limit_is_logged_too(make_post, editor):
    """Raising the limit reopens the discussion; when the new limit passes, that close is
    written to the log as the first was."""
    post = make_post(published_at=timezone.now() - timedelta(days=40))
    went_quiet(post, days_ago=DAYS + 2)
    assert services.log_clock_closes() == 1
    services.set_inactive_days(post, DAYS + 5, editor)
    assert not load_state(post).closed
    services.set_inactive_days(post, DAYS + 1, editor)
    assert services.log_clock_closes() == 1
    assert ModerationEvent.objects.filter(post=post, action="close").count() == 2


def test_closes_long_past_are_marked_but_not_logged(make_post, settings):
    """The first run after an upgrade meets old posts closed long ago: no flood of events."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    make_post(published_at=timezone.now() - timedelta(days=400))
    assert services.log_clock_closes() == 0
    assert Discussion.objects.get().clock_close_logged is not None
    assert not ModerationEvent.objects.filter(action="close").exists()


def test_moderators_see_the_close_date_beside_the_state(client, make_post, moderator):
    """The moderator's bar says when the clock closes the discussion, not only "Open"."""
    post = make_post(published_at=timezone.now() - timedelta(days=30))
    went_quiet(post, days_ago=DAYS - 3.1)
    client.force_login(moderator)
    html = client.get(post.get_absolute_url()).content.decode()
    bar = html[
        html.index('class="moderator-bar"') : html.index("</div>", html.index("moderator-bar"))
    ]
    assert "Comments close in 3 days, on" in bar
