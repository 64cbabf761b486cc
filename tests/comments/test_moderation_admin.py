"""The moderation admin: who may do what, what is recorded, and what the queue shows."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db.models.signals import pre_save
from django.utils import timezone

from blog.models import Post
from comments import services
from comments.closing import load_state
from comments.models import BlockedTerm, Comment, Discussion, ModerationEvent

pytestmark = pytest.mark.django_db

COMMENTS = "/admin/comments/comment/"
POSTS = "/admin/blog/post/"
BLOCKLIST = "/admin/comments/blockedterm/"

PENDING = Comment.Status.PENDING
APPROVED = Comment.Status.APPROVED
REJECTED = Comment.Status.REJECTED
SPAM = Comment.Status.SPAM
TRASH = Comment.Status.TRASH
Event = ModerationEvent.Action

ROLES = ["anonymous", "reader", "author", "moderator", "superuser"]
LOGGED_OUT = {"anonymous", "reader"}  # the admin sends both to its login page
MODERATES = {"moderator", "superuser"}
ASK_DELETE = "Are you sure you want to delete the selected comments permanently?"
STATUS_ACTIONS = [("approve", APPROVED), ("reject", REJECTED), ("mark_spam", SPAM)]
# The list action, the status and event it makes, and the reason stored when the moderator
# (conftest's ``moderator``, "Moe") decides.
DECISIONS = [
    ("approve", APPROVED, Event.APPROVE, "Approved by Moe."),
    ("reject", REJECTED, Event.REJECT, "Rejected by Moe."),
    ("mark_spam", SPAM, Event.SPAM, "Marked as spam by Moe."),
]


# --- Helpers -------------------------------------------------------------------------------------


def log_in(client, user):
    """The client as ``user`` would use it; ``None`` stays anonymous."""
    if user is not None:
        client.force_login(user)
    return client


def run_action(client, changelist, action, objects):
    """Submit the changelist's action form for ``objects``, as its "Go" button does."""
    return client.post(
        changelist,
        {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0},
    )


def delete_permanently(client, objects):
    """Choose "Delete permanently", then answer "Yes, delete permanently" on the confirmation."""
    asked = run_action(client, COMMENTS, "delete_permanently", objects)
    confirmed = client.post(
        COMMENTS,
        {
            "action": "delete_permanently",
            "_selected_action": [obj.pk for obj in objects],
            "post": "yes",
        },
    )
    return asked, confirmed


def trash(comments, by):
    """Move comments to the trash as a moderator would (their replies stay in place)."""
    for comment in comments:
        services.moderate(comment, Event.REMOVE, by)
        comment.refresh_from_db()


def offered_actions(client, changelist):
    """The names in the changelist's action menu."""
    form = client.get(changelist).context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


def listed(response):
    """The objects on a changelist page, in order."""
    return list(response.context["cl"].result_list)


def events_of(comment):
    """The moderation log of one comment."""
    return ModerationEvent.objects.filter(comment=comment)


def messages_of(response):
    """The messages a page shows (those the previous request left)."""
    return [str(message) for message in response.context["messages"]]


def filter_choices(response, title):
    """The choices of a changelist filter, as the sidebar lists them."""
    changelist = response.context["cl"]
    (spec,) = [spec for spec in changelist.filter_specs if str(spec.title) == title]
    return list(spec.choices(changelist))


def filter_labels(response, title):
    """A changelist filter's choices as the sidebar shows them, and the chosen ones."""
    choices = filter_choices(response, title)
    labels = [str(choice["display"]) for choice in choices]
    return labels, [
        label for label, choice in zip(labels, choices, strict=True) if choice["selected"]
    ]


def filter_link(response, title, display):
    """The query string of a changelist filter choice, as the sidebar links to it."""
    for choice in filter_choices(response, title):
        if str(choice["display"]) == display:
            return choice["query_string"]
    raise AssertionError(f"No filter choice {title!r} → {display!r}")


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def scene(post, make_post, make_author, make_comment):
    """The author's own post and a colleague's, each with a pending comment."""
    other_post = make_post(title="Notes from a colleague", author=make_author("bob"))
    return SimpleNamespace(
        own_post=post,
        other_post=other_post,
        own=make_comment(post, status=PENDING, body="A comment on the author post."),
        other=make_comment(other_post, status=PENDING, body="A comment on the colleague post."),
    )


# --- 1. Who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "status"), STATUS_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_status_actions_by_role(client, users, scene, role, action, status):
    """Only moderators and superusers approve, reject or mark spam; for others nothing changes."""
    browser = log_in(client, users[role])
    response = run_action(browser, COMMENTS, action, [scene.own, scene.other])
    comments = Comment.objects.all()
    if role in MODERATES:
        assert response.status_code == 302
        assert response["Location"] == COMMENTS
        assert {c.status for c in comments} == {status}
        assert {c.moderated_by for c in comments} == {users[role]}
        return
    if role in LOGGED_OUT:
        assert is_login_redirect(response)
    else:
        assert response.status_code == 200  # the changelist again: no such action for them
        assert action not in offered_actions(browser, COMMENTS)
    assert {(c.status, c.moderated_by, c.moderated_at) for c in comments} == {(PENDING, None, None)}
    assert not ModerationEvent.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_move_to_trash_by_role(client, users, scene, role):
    """Only moderators and superusers move comments to the trash; for others nothing changes."""
    browser = log_in(client, users[role])
    response = run_action(browser, COMMENTS, "move_to_trash", [scene.own, scene.other])
    comments = Comment.objects.all()
    if role in MODERATES:
        assert response.status_code == 302
        assert response["Location"] == COMMENTS
        assert {(c.status, c.moderated_by) for c in comments} == {(TRASH, users[role])}
        return
    if role in LOGGED_OUT:
        assert is_login_redirect(response)
    else:
        assert response.status_code == 200
        assert "move_to_trash" not in offered_actions(browser, COMMENTS)
    assert {(c.status, c.moderated_by) for c in comments} == {(PENDING, None)}
    assert not ModerationEvent.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_delete_permanently_by_role(client, users, moderator, scene, role):
    """Only moderators and superusers delete comments from the trash, and only after confirming."""
    trash([scene.own, scene.other], moderator)
    browser = log_in(client, users[role])
    asked, confirmed = delete_permanently(browser, [scene.own, scene.other])
    if role in MODERATES:
        assert asked.status_code == 200
        assert ASK_DELETE in asked.content.decode()
        assert confirmed.status_code == 302
        assert confirmed["Location"] == COMMENTS
        assert not Comment.objects.exists()
        return
    if role in LOGGED_OUT:
        assert is_login_redirect(asked)
        assert is_login_redirect(confirmed)
    else:
        assert asked.status_code == confirmed.status_code == 200
        assert "delete_permanently" not in offered_actions(browser, COMMENTS)
    assert set(Comment.objects.values_list("pk", "status")) == {
        (scene.own.pk, TRASH),
        (scene.other.pk, TRASH),
    }
    assert not ModerationEvent.objects.filter(action=Event.DELETE).exists()


@pytest.mark.parametrize("role", ["moderator", "superuser"])
def test_only_comments_in_the_trash_are_deleted(client, users, moderator, scene, role):
    """Deleting permanently refuses a comment outside the trash: it stays, as it was."""
    trash([scene.other], moderator)
    browser = log_in(client, users[role])
    asked, confirmed = delete_permanently(browser, [scene.own, scene.other])
    assert asked.status_code == 200
    assert ASK_DELETE in asked.content.decode()
    assert confirmed.status_code == 302
    assert list(Comment.objects.values_list("pk", "status")) == [(scene.own.pk, PENDING)]
    shown = messages_of(browser.get(COMMENTS))
    assert "1 comment(s) deleted." in shown
    assert f"Comment #{scene.own.pk} is not in the trash: move it there first." in shown
    assert not events_of(scene.own).exists()


def test_nothing_is_deleted_before_confirmation(client, moderator, scene):
    """Choosing "Delete permanently" only asks; the comments stay until the moderator confirms."""
    trash([scene.other], moderator)
    log_in(client, moderator)
    response = run_action(client, COMMENTS, "delete_permanently", [scene.other])
    assert response.status_code == 200
    assert ASK_DELETE in response.content.decode()
    assert scene.other.body in response.content.decode()
    assert Comment.objects.filter(pk=scene.other.pk, status=TRASH).exists()
    assert not ModerationEvent.objects.filter(action=Event.DELETE).exists()


def close_as(posts, user):
    """Close each post's discussion, as the services do for any close."""
    for post in posts:
        services.close(post, user)


@pytest.mark.parametrize(
    ("action", "closed_before", "closed_after"),
    [("close_comments", False, True), ("reopen_comments", True, False)],
)
@pytest.mark.parametrize("role", ROLES)
def test_close_and_reopen_by_role(client, users, scene, role, action, closed_before, closed_after):
    """Moderators and superusers close or reopen any post's discussion; nobody else can."""
    posts = [scene.own_post, scene.other_post]
    if closed_before:
        close_as(posts, users["superuser"])
    earlier = list(ModerationEvent.objects.values_list("pk", flat=True))
    browser = log_in(client, users[role])
    response = run_action(browser, POSTS, action, posts)
    states = {load_state(post).closed for post in posts}
    new_events = ModerationEvent.objects.exclude(pk__in=earlier)
    if role in MODERATES:
        assert response.status_code == 302
        assert states == {closed_after}
        assert sorted(new_events.values_list("post", "actor")) == sorted(
            (post.pk, users[role].pk) for post in posts
        )
        return
    if role in LOGGED_OUT:
        assert is_login_redirect(response)
    else:
        assert response.status_code == 200
        assert action not in offered_actions(browser, POSTS)
    assert states == {closed_before}
    assert not new_events.exists()


@pytest.mark.parametrize("role", ROLES)
def test_comment_changelist_by_role(client, users, scene, role):
    """Authors list the comments on their own posts only; moderators and superusers list all."""
    response = log_in(client, users[role]).get(COMMENTS)
    if role in LOGGED_OUT:
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    html = response.content.decode()
    if role == "author":
        assert listed(response) == [scene.own]
        assert scene.other.body not in html
    else:
        assert set(listed(response)) == {scene.own, scene.other}


def test_author_cannot_open_a_comment_on_someone_elses_post(client, author, scene):
    """A comment on a colleague's post is "not found" for an author, by URL too."""
    log_in(client, author.user)
    url = f"{COMMENTS}{scene.other.pk}/change/"
    page = client.get(url)
    assert page.status_code == 302
    assert page["Location"] == "/admin/"
    assert client.post(url, {"status": APPROVED, "_save": "Save"}).status_code == 403
    assert scene.other.body not in client.get("/admin/").content.decode()
    scene.other.refresh_from_db()
    assert scene.other.status == PENDING


def test_author_reads_a_comment_on_their_post_but_cannot_judge_it(client, author, scene):
    """An author's view of a comment on their post is read-only; a forged POST is refused."""
    log_in(client, author.user)
    url = f"{COMMENTS}{scene.own.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert scene.own.body in html
    assert 'name="status"' not in html
    assert client.post(url, {"status": APPROVED, "_save": "Save"}).status_code == 403
    scene.own.refresh_from_db()
    assert (scene.own.status, scene.own.moderated_by) == (PENDING, None)


def test_authors_never_see_commenters_emails_or_network_origins(
    client, author, moderator, scene, make_comment
):
    """Emails, IP addresses and user agents are shared with moderators, not with authors."""
    comment = make_comment(
        scene.own_post,
        author_email="private@reader.example",
        ip_address="198.51.100.77",
        user_agent="ProbeBrowser/1.0",
    )
    private = ["private@reader.example", "198.51.100.77", "ProbeBrowser/1.0"]
    page = log_in(client, author.user).get(f"{COMMENTS}{comment.pk}/change/")
    assert page.status_code == 200
    assert comment.body in page.content.decode()
    assert not [value for value in private if value in page.content.decode()]
    for probe in ["private@reader.example", "198.51.100.77"]:
        assert listed(client.get(COMMENTS, {"q": probe})) == []
    for lookup in [
        {"author_email__startswith": "private"},
        {"ip_address": "198.51.100.77"},
        {"user_agent__contains": "Probe"},
    ]:
        assert client.get(COMMENTS, lookup).status_code == 400, lookup
    moderated = log_in(client, moderator).get(f"{COMMENTS}{comment.pk}/change/")
    assert all(value in moderated.content.decode() for value in private)
    assert listed(client.get(COMMENTS, {"ip_address": "198.51.100.77"})) == [comment]


@pytest.mark.parametrize("role", ROLES)
def test_comment_change_page_by_role(client, users, scene, role):
    """Only moderators and superusers get the status field and can save a new status."""
    browser = log_in(client, users[role])
    url = f"{COMMENTS}{scene.other.pk}/change/"
    page = browser.get(url)
    saved = browser.post(url, {"status": REJECTED, "_save": "Save"})
    scene.other.refresh_from_db()
    if role in MODERATES:
        assert page.status_code == 200
        assert 'name="status"' in page.content.decode()
        assert saved.status_code == 302
        assert saved["Location"] == COMMENTS
        assert scene.other.status == REJECTED
        return
    if role in LOGGED_OUT:
        assert is_login_redirect(page)
        assert is_login_redirect(saved)
    else:  # the author: a comment on a colleague's post does not exist for them
        assert page.status_code == 302
        assert page["Location"] == "/admin/"
        assert saved.status_code == 403
    assert (scene.other.status, scene.other.moderated_by) == (PENDING, None)


def test_moderator_cannot_rewrite_what_a_reader_said(client, moderator, scene):
    """The comment's text and name are read-only, even for a moderator sending a forged form."""
    log_in(client, moderator)
    url = f"{COMMENTS}{scene.other.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="body"' not in html
    assert 'name="author_name"' not in html
    client.post(
        url,
        {"status": APPROVED, "body": "Edited", "author_name": "Someone", "_save": "Save"},
    )
    scene.other.refresh_from_db()
    assert scene.other.status == APPROVED
    assert scene.other.body == "A comment on the colleague post."
    assert scene.other.author_name != "Someone"


def test_moderator_sees_posts_read_only(client, moderator, scene):
    """Moderators see every post read-only, with the discussion switch as their only control."""
    log_in(client, moderator)
    changelist = client.get(POSTS)
    assert set(listed(changelist)) == {scene.own_post, scene.other_post}
    page = client.get(f"{POSTS}{scene.other_post.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert scene.other_post.title in html
    for field in ("title", "body", "author", "status", "published_at_0"):
        assert f'name="{field}"' not in html
    assert f'action="{POSTS}{scene.other_post.pk}/discussion/"' in html
    assert '<button type="submit" name="action" value="close" class="button">' in html


def test_moderator_cannot_change_a_post_with_a_forged_form(
    client, moderator, make_author, scene, post_change_form
):
    """A forged POST to a post's change page is refused and changes nothing."""
    log_in(client, moderator)
    post = scene.other_post
    before = Post.objects.values().get(pk=post.pk)
    response = client.post(
        f"{POSTS}{post.pk}/change/",
        post_change_form(
            post,
            title="Rewritten",
            body="<p>Rewritten.</p>",
            author=make_author("mallory").pk,
        ),
    )
    assert response.status_code == 403
    assert Post.objects.values().get(pk=post.pk) == before


def test_superuser_edits_any_post(admin_client, scene, post_change_form):
    """Superusers can still edit every field of any post."""
    post = scene.other_post
    response = admin_client.post(
        f"{POSTS}{post.pk}/change/",
        post_change_form(post, title="Retitled", author=scene.own_post.author_id),
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.author) == ("Retitled", scene.own_post.author)


@pytest.mark.parametrize("closed", [False, True])
@pytest.mark.parametrize("role", ["author", "superuser"])
def test_the_post_form_never_flips_the_discussion_switch(
    client, users, scene, role, closed, post_change_form
):
    """The post form has no discussion field; saving it (forged field or not) keeps the state."""
    post = scene.own_post
    if closed:
        services.close(post, users["moderator"], "Off topic")
    events_before = ModerationEvent.objects.count()
    log_in(client, users[role])
    page = client.get(f"{POSTS}{post.pk}/change/").content.decode()
    assert 'name="comments_closed"' not in page
    assert f'<p class="discussion-state" data-closed="{str(closed).lower()}">' in page
    form = post_change_form(post, author=None if role == "author" else post.author_id)
    # An open post gets a forged "close" checkbox; a closed one the form as it was before.
    sent = form if closed else {**form, "comments_closed": "on"}
    saved = client.post(f"{POSTS}{post.pk}/change/", sent)
    assert saved.status_code == 302
    assert load_state(post).closed is closed
    assert Discussion.objects.filter(post=post, closed_at__isnull=False).exists() is closed
    assert ModerationEvent.objects.count() == events_before


def test_saving_a_post_keeps_a_close_made_while_the_form_was_saved(
    admin_client, moderator, scene, post_change_form
):
    """A moderator's close landing between the admin loading the post and saving it stays."""
    post = scene.own_post

    def moderator_closes_meanwhile(sender, instance, **kwargs):
        services.close(instance, moderator, "Closing while you edit")

    pre_save.connect(moderator_closes_meanwhile, sender=Post)
    try:
        form = post_change_form(post, title="Edited during the close")
        assert admin_client.post(f"{POSTS}{post.pk}/change/", form).status_code == 302
    finally:
        pre_save.disconnect(moderator_closes_meanwhile, sender=Post)
    post.refresh_from_db()
    state = load_state(post)
    assert post.title == "Edited during the close"
    assert (state.closed, state.closed_by) == (True, moderator)
    assert state.reason == "Closing while you edit"


def test_author_queue_filters_do_not_reveal_other_posts(client, author, scene, make_post):
    """The "By post" filter offers an author only the posts whose comments they may see."""
    secret = make_post(title="Unannounced draft", author=scene.other_post.author, status="draft")
    html = log_in(client, author.user).get(COMMENTS).content.decode()
    assert scene.own_post.title in html
    assert secret.title not in html
    assert scene.other_post.title not in html
    for post in (secret, scene.other_post):  # nor when chosen in the URL
        chosen = client.get(f"{COMMENTS}?post__id__exact={post.pk}")
        assert listed(chosen) == []
        assert post.title not in chosen.content.decode()


# --- 2. Who and when -----------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "status", "event", "reason"), DECISIONS)
def test_status_actions_record_who_when_and_why(
    client, moderator, scene, action, status, event, reason
):
    """Each judged comment records its moderator, time and reason, with one event per comment."""
    untouched = Comment.objects.create(
        post=scene.other_post, author_name="Left alone", author_email="a@example.net", body="Hi"
    )
    before = timezone.now()
    run_action(log_in(client, moderator), COMMENTS, action, [scene.own, scene.other])
    after = timezone.now()
    for comment in (scene.own, scene.other):
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by, comment.status_reason) == (
            status,
            moderator,
            reason,
        )
        assert before <= comment.moderated_at <= after
        logged = events_of(comment).get()
        assert (
            logged.post_id,
            logged.comment_number,
            logged.action,
            logged.from_state,
            logged.to_state,
            logged.actor,
            logged.reason,
        ) == (comment.post_id, comment.pk, event, PENDING, status, moderator, reason)
        assert before <= logged.created_at <= after
    untouched.refresh_from_db()
    assert (
        untouched.status,
        untouched.moderated_by,
        untouched.moderated_at,
        untouched.status_reason,
    ) == (PENDING, None, None, "")
    assert not events_of(untouched).exists()


def test_the_stored_reason_describes_the_latest_decision(client, moderator, users, scene):
    """A held comment's "Held: …" reason gives way to the decision that followed it."""
    Comment.objects.filter(pk=scene.other.pk).update(status_reason="Held: 3 links (more than 2).")
    run_action(log_in(client, moderator), COMMENTS, "approve", [scene.other])
    run_action(log_in(client, users["superuser"]), COMMENTS, "mark_spam", [scene.other])
    scene.other.refresh_from_db()
    assert (scene.other.status, scene.other.moderated_by) == (SPAM, users["superuser"])
    assert scene.other.status_reason == "Marked as spam by root."
    assert list(
        events_of(scene.other).values_list("action", "from_state", "to_state", "actor", "reason")
    ) == [
        (Event.SPAM, APPROVED, SPAM, users["superuser"].pk, "Marked as spam by root."),
        (Event.APPROVE, PENDING, APPROVED, moderator.pk, "Approved by Moe."),
    ]


def test_single_comment_action_is_logged_once(client, moderator, scene):
    """Judging one comment makes exactly one event."""
    run_action(log_in(client, moderator), COMMENTS, "reject", [scene.other])
    logged = ModerationEvent.objects.get()
    assert (logged.comment, logged.action, logged.actor, logged.reason) == (
        scene.other,
        Event.REJECT,
        moderator,
        "Rejected by Moe.",
    )


def test_trashing_and_deleting_are_logged_per_comment(client, moderator, scene):
    """Trashed, then deleted comments leave a "remove" and a "delete" event each."""
    pks = sorted([scene.own.pk, scene.other.pk])
    log_in(client, moderator)
    before = timezone.now()
    run_action(client, COMMENTS, "move_to_trash", [scene.own, scene.other])
    delete_permanently(client, [scene.own, scene.other])
    assert not Comment.objects.exists()
    logged = ModerationEvent.objects.order_by("comment_number", "id")
    assert [
        (e.comment_number, e.comment_id, e.action, e.from_state, e.to_state, e.actor, e.reason)
        for e in logged
    ] == [
        row
        for pk in pks
        for row in [
            (pk, None, Event.REMOVE, PENDING, TRASH, moderator, "Moved to the trash by Moe."),
            (pk, None, Event.DELETE, TRASH, "", moderator, "Deleted by Moe."),
        ]
    ]
    assert all(before <= e.created_at <= timezone.now() for e in logged)


def test_trashing_a_comment_with_replies_asks_their_fate(client, moderator, scene, make_comment):
    """Moving a comment with replies to the trash first asks what becomes of the replies."""
    reply = make_comment(scene.other_post, parent=scene.other, body="A reply to it.")
    log_in(client, moderator)
    asked = run_action(client, COMMENTS, "move_to_trash", [scene.other])
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "1 of them has replies. What becomes of the replies?" in html
    for fate in ("keep", "hide", "delete"):
        assert f'value="{fate}"' in html
    assert set(Comment.objects.values_list("status", flat=True)) == {PENDING, APPROVED}
    assert not ModerationEvent.objects.exists()
    reply.refresh_from_db()
    assert reply.status == APPROVED


def test_deleting_a_comment_trashed_with_its_replies_deletes_them(
    client, moderator, scene, make_comment
):
    """Replies sent to the trash with their comment are deleted with it, and only those."""
    reply = make_comment(scene.other_post, parent=scene.other, body="A reply to delete too.")
    log_in(client, moderator)
    client.post(
        COMMENTS,
        {"action": "move_to_trash", "_selected_action": [scene.other.pk], "replies": "delete"},
    )
    reply.refresh_from_db()
    assert (reply.status, reply.removed_with) == (TRASH, scene.other)
    assert reply.status_reason == f"Removed with comment #{scene.other.pk} by Moe."
    delete_permanently(client, [scene.other])
    assert not Comment.objects.filter(pk__in=[scene.other.pk, reply.pk]).exists()
    assert Comment.objects.filter(pk=scene.own.pk).exists()


def test_a_trashed_comment_whose_replies_stay_is_not_deleted(
    client, moderator, scene, make_comment
):
    """A comment holding up replies outside the trash stays in the trash, as their placeholder."""
    reply = make_comment(scene.other_post, parent=scene.other, body="A reply that stays.")
    log_in(client, moderator)
    client.post(
        COMMENTS,
        {"action": "move_to_trash", "_selected_action": [scene.other.pk], "replies": "keep"},
    )
    _, confirmed = delete_permanently(client, [scene.other])
    assert confirmed.status_code == 302
    assert dict(Comment.objects.values_list("pk", "status")) == {
        scene.own.pk: PENDING,
        scene.other.pk: TRASH,
        reply.pk: APPROVED,
    }
    assert (
        f"Comment #{scene.other.pk} still holds up replies; it stays as their placeholder."
    ) in messages_of(client.get(COMMENTS))
    assert not ModerationEvent.objects.filter(action=Event.DELETE).exists()


@pytest.mark.parametrize(
    ("action", "closed_before", "event", "states"),
    [
        ("close_comments", False, Event.CLOSE, ("open", "closed")),
        ("reopen_comments", True, Event.REOPEN, ("closed", "open")),
    ],
)
def test_close_and_reopen_are_logged_per_post(
    client, moderator, users, scene, make_post, action, closed_before, event, states
):
    """Closing or reopening leaves one event per post, naming the moderator."""
    untouched = make_post(title="Not selected")
    if closed_before:
        close_as([scene.own_post, scene.other_post, untouched], users["superuser"])
    before = timezone.now()
    run_action(log_in(client, moderator), POSTS, action, [scene.own_post, scene.other_post])
    after = timezone.now()
    for post in (scene.own_post, scene.other_post):
        state = load_state(post)
        assert state.closed is not closed_before
        assert (state.closed_by, state.closed_at is not None) == (
            (moderator, True) if state.closed else (None, False)
        )
        logged = ModerationEvent.objects.get(post=post, actor=moderator)
        assert (logged.comment, logged.action, (logged.from_state, logged.to_state)) == (
            None,
            event,
            states,
        )
        assert logged.reason == ""
        assert before <= logged.created_at <= after
    assert load_state(untouched).closed is closed_before
    assert not ModerationEvent.objects.filter(post=untouched, actor=moderator).exists()


def test_reopening_an_open_discussion_is_refused_and_not_logged(client, moderator, scene):
    """Reopening what is already open says so, and records nothing."""
    response = run_action(log_in(client, moderator), POSTS, "reopen_comments", [scene.own_post])
    assert response.status_code == 302
    assert f"“{scene.own_post}” is already open." in messages_of(client.get(POSTS))
    assert not ModerationEvent.objects.exists()


def test_change_page_records_who_changed_the_status(client, moderator, scene):
    """Saving a new status on the change page records the moderator, time, reason and event."""
    before = timezone.now()
    log_in(client, moderator).post(
        f"{COMMENTS}{scene.other.pk}/change/", {"status": SPAM, "_save": "Save"}
    )
    scene.other.refresh_from_db()
    assert (scene.other.status, scene.other.moderated_by, scene.other.status_reason) == (
        SPAM,
        moderator,
        "Marked as spam by Moe.",
    )
    assert before <= scene.other.moderated_at <= timezone.now()
    logged = events_of(scene.other).get()
    assert (logged.action, logged.from_state, logged.to_state, logged.actor, logged.reason) == (
        Event.SPAM,
        PENDING,
        SPAM,
        moderator,
        "Marked as spam by Moe.",
    )
    assert before <= logged.created_at <= timezone.now()


def test_change_page_shows_the_moderation_log(client, settings, moderator, scene):
    """A comment's page lists its events: when (the site's local time), who, what, from, to, why."""
    settings.TIME_ZONE = "Pacific/Auckland"  # far from UTC, whatever the date
    services.moderate(scene.other, Event.APPROVE, moderator)
    logged = events_of(scene.other).get()
    when = timezone.localtime(logged.created_at)
    html = log_in(client, moderator).get(f"{COMMENTS}{scene.other.pk}/change/").content.decode()
    assert '<table class="moderation-log">' in html
    assert (
        f"<tr><td>{when:%Y-%m-%d %H:%M}</td><td>moe</td>"
        f"<td>Approved (comment #{scene.other.pk})</td><td>pending</td><td>approved</td>"
        "<td>Approved by Moe.</td></tr>"
    ) in html


def test_saving_without_a_new_status_keeps_the_earlier_decision(client, moderator, users, scene):
    """Saving the change page unchanged does not claim the decision for the current user."""
    earlier = timezone.now() - timedelta(days=3)
    Comment.objects.filter(pk=scene.other.pk).update(
        status=APPROVED,
        moderated_by=users["superuser"],
        moderated_at=earlier,
        status_reason="Approved by root.",
    )
    log_in(client, moderator).post(
        f"{COMMENTS}{scene.other.pk}/change/", {"status": APPROVED, "_save": "Save"}
    )
    scene.other.refresh_from_db()
    assert (scene.other.moderated_by, scene.other.moderated_at, scene.other.status_reason) == (
        users["superuser"],
        earlier,
        "Approved by root.",
    )
    assert not ModerationEvent.objects.exists()


# --- 3. The queue --------------------------------------------------------------------------------


@pytest.fixture
def queue(scene, make_comment):
    """Comments of every status and age, on both posts."""
    Comment.objects.all().delete()
    now = timezone.now()

    def comment(post, status, age, **fields):
        fields.setdefault("created_at", now - age)
        return make_comment(post, status=status, **fields)

    return SimpleNamespace(
        approved=comment(scene.own_post, APPROVED, timedelta(hours=1)),
        old_pending=comment(scene.other_post, PENDING, timedelta(hours=3)),
        new_pending=comment(scene.own_post, PENDING, timedelta(hours=2)),
        spam=comment(scene.other_post, SPAM, timedelta(minutes=10)),
        rejected=comment(scene.own_post, REJECTED, timedelta(hours=5)),
        ancient=comment(
            scene.other_post,
            APPROVED,
            timedelta(0),
            created_at=datetime(2020, 3, 14, 12, tzinfo=UTC),
        ),
    )


def test_queue_lists_pending_first_then_newest(client, moderator, queue):
    """Pending comments come first, newest first; then the rest, newest first."""
    response = log_in(client, moderator).get(COMMENTS)
    assert listed(response) == [
        queue.new_pending,
        queue.old_pending,
        queue.spam,
        queue.approved,
        queue.rejected,
        queue.ancient,
    ]


def test_queue_filters_by_status_post_and_date(client, moderator, scene, queue):
    """The status, post and date filters (with a link per year of comments) narrow the queue."""
    log_in(client, moderator)
    pending = client.get(f"{COMMENTS}?status__exact=pending")
    assert listed(pending) == [queue.new_pending, queue.old_pending]
    on_post = client.get(f"{COMMENTS}?post__id__exact={scene.other_post.pk}")
    assert listed(on_post) == [queue.old_pending, queue.spam, queue.ancient]
    both = client.get(f"{COMMENTS}?post__id__exact={scene.other_post.pk}&status__exact=pending")
    assert listed(both) == [queue.old_pending]
    first_page = client.get(COMMENTS)
    recent = client.get(COMMENTS + filter_link(first_page, "created at", "Past 7 days"))
    assert queue.ancient not in listed(recent)
    assert len(listed(recent)) == 5
    newest_year = timezone.localtime(queue.spam.created_at).year
    ranges = ["Any date", "Today", "Past 7 days", "This month", "This year"]
    years = [str(year) for year in range(newest_year, 2019, -1)]
    assert filter_labels(first_page, "created at") == ([*ranges, *years], ["Any date"])
    assert filter_link(first_page, "created at", "2020") == "?created_at__year=2020"
    in_2020 = client.get(f"{COMMENTS}?created_at__year=2020")
    assert listed(in_2020) == [queue.ancient]
    assert filter_labels(in_2020, "created at")[1] == ["2020"]


POST_FILTER = "post with pending comments"


def test_post_filter_offers_the_posts_awaiting_moderation(
    client, moderator, make_post, make_comment
):
    """The "By post" filter lists the posts with pending comments, most first, with their
    number; a post chosen in the URL (as the post list links) is listed too, chosen."""
    busy, quiet, done = (make_post(title=title) for title in ("Busy", "Quiet", "Done"))
    for post, statuses in {
        busy: [PENDING, PENDING, PENDING, APPROVED],
        quiet: [SPAM, PENDING],
        done: [APPROVED, REJECTED],
    }.items():
        for status in statuses:
            make_comment(post, status=status)
    first_page = log_in(client, moderator).get(COMMENTS)
    offered = ["All", "Busy (3)", "Quiet (1)"]
    assert filter_labels(first_page, POST_FILTER) == (offered, ["All"])
    on_quiet = client.get(COMMENTS + filter_link(first_page, POST_FILTER, "Quiet (1)"))
    assert {comment.post for comment in listed(on_quiet)} == {quiet}
    assert filter_labels(on_quiet, POST_FILTER) == (offered, ["Quiet (1)"])
    on_done = client.get(f"{COMMENTS}?post__id__exact={done.pk}")
    assert {comment.post for comment in listed(on_done)} == {done}
    assert len(listed(on_done)) == 2
    assert filter_labels(on_done, POST_FILTER) == ([*offered, "Done"], ["Done"])


def test_a_chosen_post_narrows_the_queue_whatever_the_filter_offers(client, moderator, scene):
    """With one post awaiting moderation, or none, a post chosen in the URL still narrows it."""
    log_in(client, moderator)
    Comment.objects.filter(pk=scene.other.pk).update(status=APPROVED)  # one post awaits
    on_own = client.get(f"{COMMENTS}?post__id__exact={scene.own_post.pk}")
    assert listed(on_own) == [scene.own]
    own = f"{scene.own_post.title} (1)"
    assert filter_labels(on_own, POST_FILTER) == (["All", own], [own])
    Comment.objects.update(status=APPROVED)  # none does
    on_other = client.get(f"{COMMENTS}?post__id__exact={scene.other_post.pk}")
    assert listed(on_other) == [scene.other]
    other = scene.other_post.title
    assert filter_labels(on_other, POST_FILTER) == (["All", other], [other])


def test_post_filter_lists_the_twenty_busiest_posts(client, moderator, make_post, make_comment):
    """However many posts await moderation, the filter lists twenty: those with the most."""
    for number in range(22):
        post = make_post(title=f"Post {number:02}")
        for _ in range(2 if number == 21 else 1):
            make_comment(post, status=PENDING)
    labels, _ = filter_labels(log_in(client, moderator).get(COMMENTS), POST_FILTER)
    assert labels == ["All", "Post 21 (2)", *(f"Post {number:02} (1)" for number in range(19))]


@pytest.mark.parametrize(
    ("q", "match"),
    [
        ("Zelda Quux", "author_name"),
        ("zq@nowhere.example", "author_email"),
        ("198.51.100.77", "ip_address"),
        ("198.51.100", "ip_address"),
        ("aardvarks", "body"),
    ],
)
def test_queue_search(client, moderator, scene, make_comment, q, match):
    """Moderators find comments by name, email, IP address or text."""
    target = make_comment(
        scene.other_post,
        author_name="Zelda Quux",
        author_email="zq@nowhere.example",
        ip_address="198.51.100.77",
        body="I adore aardvarks.",
    )
    make_comment(scene.own_post, ip_address="203.0.113.5", body="Something else.")
    response = log_in(client, moderator).get(COMMENTS, {"q": q})
    assert response.status_code == 200
    assert listed(response) == [target], match


def test_queue_shows_the_full_sanitized_text(client, moderator, scene, make_comment):
    """The queue shows a comment's whole text, sanitized, with a link to its post."""
    long_paragraph = " ".join(["Rivers under the city were buried for reasons of health."] * 8)
    comment = make_comment(
        scene.other_post, body=f"{long_paragraph}\n\nSee <script>alert(1)</script> and <b>this</b>."
    )
    html = log_in(client, moderator).get(COMMENTS).content.decode()
    assert (
        f'<div class="queue-body"><p>{long_paragraph}</p>'
        "<p>See &lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;this&lt;/b&gt;.</p></div>"
    ) in html
    assert "<script>alert(1)" not in html
    post = scene.other_post
    assert f'on <a href="{POSTS}{post.pk}/change/">{post.title}</a>' in html
    assert f'<a href="{comment.get_absolute_url()}">View on site</a>' in html


def test_change_page_shows_the_post_and_the_comment_replied_to(
    client, moderator, scene, make_comment
):
    """A reply is judged in context: a link to its post and the text it answers."""
    parent = make_comment(
        scene.other_post, author_name="Parent Person", body="Bridges are underrated."
    )
    reply = make_comment(scene.other_post, parent=parent, body="No they are not.")
    html = log_in(client, moderator).get(f"{COMMENTS}{reply.pk}/change/").content.decode()
    post = scene.other_post
    assert f'<a href="{post.get_absolute_url()}">{post.title}</a>' in html
    assert "<bdi>Parent Person</bdi> wrote: “<bdi>Bridges are underrated.</bdi>”" in html


@pytest.mark.parametrize("role", ["author", "moderator", "superuser"])
def test_comments_cannot_be_added_in_the_admin(client, users, scene, role):
    """Comments come from readers: there is no "Add comment" button or page."""
    browser = log_in(client, users[role])
    html = browser.get(COMMENTS).content.decode()
    assert f"{COMMENTS}add/" not in html
    assert browser.get(f"{COMMENTS}add/").status_code == 403
    assert Comment.objects.count() == 2


# --- 4. The admin index --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "superuser"])
def test_index_shows_pending_count_to_moderators(client, users, scene, make_comment, role):
    """Moderators see how many comments await them, linking to the pending queue."""
    make_comment(scene.own_post, status=PENDING)
    make_comment(scene.own_post, status=APPROVED)
    make_comment(scene.own_post, status=SPAM)
    html = log_in(client, users[role]).get("/admin/").content.decode()
    assert (
        f'<a href="{COMMENTS}?status__exact=pending">'
        "<strong>3 comments awaiting moderation</strong></a>"
    ) in html


def test_index_says_when_nothing_awaits(client, moderator, scene):
    """With nothing pending, the summary says so, in the singular too."""
    log_in(client, moderator)
    Comment.objects.filter(pk=scene.own.pk).update(status=APPROVED)
    assert "1 comment awaiting moderation" in client.get("/admin/").content.decode()
    Comment.objects.update(status=APPROVED)
    assert "No comments awaiting moderation." in client.get("/admin/").content.decode()


def test_index_hides_pending_count_from_authors(client, author, scene):
    """Authors do not moderate, so the index does not show them the queue."""
    html = log_in(client, author.user).get("/admin/").content.decode()
    assert "awaiting moderation" not in html
    assert 'id="moderation-summary"' not in html


# --- 5. Constant query counts --------------------------------------------------------------------

# Measured, and the same for a few rows or a full page. Both pages pay: the session, the user,
# their own and their groups' permissions, the filtered count and the page itself.
# The post list adds the total count, the date drill-down (2) and the author and tag filters'
# choices (the Discussion column and its explanation come with the page's query). The queue
# adds the status tabs' counts (two: the statuses moderators work through, then all comments
# up to 10,001), the first and last dates of its year links and the "By post" filter's busiest
# posts (the commenter's history is in the page's query).
POST_CHANGELIST_QUERIES = 11
COMMENT_CHANGELIST_QUERIES = 10


def seed_posts(make_post, make_comment, closer, posts, comments_per_post):
    """Posts, every other one closed by ``closer``, with comments of every status."""
    statuses = [APPROVED, PENDING, APPROVED, SPAM, REJECTED]
    created = []
    for number in range(posts):
        post = make_post()
        if number % 2 == 1:
            services.close(post, closer, f"Reason {number}")
        for index in range(comments_per_post):
            make_comment(post, status=statuses[index % len(statuses)])
        created.append(post)
    return created


@pytest.mark.parametrize(("posts", "comments_per_post"), [(2, 2), (10, 30)])
def test_post_changelist_shows_discussion_state_at_fixed_cost(
    client,
    moderator,
    make_post,
    make_comment,
    django_assert_num_queries,
    posts,
    comments_per_post,
):
    """Each post shows Open/Closed and its comment counts, however many comments there are."""
    created = seed_posts(make_post, make_comment, moderator, posts, comments_per_post)
    log_in(client, moderator)
    with django_assert_num_queries(POST_CHANGELIST_QUERIES):
        response = client.get(POSTS)
    html = response.content.decode()
    rows = {post.pk: post for post in listed(response)}
    for post in created:
        expected = Comment.objects.filter(post=post)
        assert rows[post.pk].approved_comment_count == expected.filter(status=APPROVED).count()
        assert rows[post.pk].pending_comment_count == expected.filter(status=PENDING).count()
    column = '<td class="field-discussion_column">'
    assert html.count(column) == posts
    assert html.count(f"{column}Open</td>") == posts - posts // 2
    for post in created[1::2]:  # closed, each saying by whom, when and why
        explanation = load_state(post).explanation
        assert explanation.startswith("Closed by Moe on ")
        assert explanation.endswith(f". Reason: Reason {created.index(post)}")
        assert f'{column}<span title="{explanation}">Closed</span></td>' in html
    first = created[0]  # its pending count links to its pending comments
    assert rows[first.pk].pending_comment_count >= 1
    assert (
        f'{COMMENTS}?post__id__exact={first.pk}&amp;status__exact=pending">'
        f"{rows[first.pk].pending_comment_count}</a>"
    ) in html


def test_post_changelist_counts(client, moderator, make_post, make_comment):
    """The counts are exact: approved and pending only, per post."""
    quiet, busy = make_post(title="Quiet"), make_post(title="Busy")
    services.close(busy, moderator)
    for status in [APPROVED, APPROVED, PENDING, SPAM, REJECTED, PENDING, PENDING]:
        make_comment(busy, status=status)
    response = log_in(client, moderator).get(POSTS)
    rows = {post.pk: post for post in listed(response)}
    assert (rows[busy.pk].approved_comment_count, rows[busy.pk].pending_comment_count) == (2, 3)
    assert (rows[quiet.pk].approved_comment_count, rows[quiet.pk].pending_comment_count) == (0, 0)


@pytest.mark.parametrize("comments", [5, 60])
def test_comment_changelist_at_fixed_cost(
    client, moderator, make_post, make_comment, django_assert_num_queries, comments
):
    """The queue costs the same number of queries for a few comments or a full page."""
    posts = [make_post() for _ in range(3)]
    made = []
    for number in range(comments):
        status = [PENDING, APPROVED, SPAM][number % 3]
        made.append(
            make_comment(
                posts[number % 3],
                parent=made[number - 3] if number >= 3 else None,  # replies, with context
                status=status,
                ip_address=f"192.0.2.{number % 250}",
                moderated_by=None if status == PENDING else moderator,
            )
        )
    log_in(client, moderator)
    with django_assert_num_queries(COMMENT_CHANGELIST_QUERIES):
        response = client.get(COMMENTS)
    assert len(listed(response)) == min(comments, 50)
    html = response.content.decode()
    replies = [comment for comment in listed(response) if comment.parent_id]
    assert replies
    assert html.count('<p class="queue-parent">In reply to') == len(replies)
    assert '<span class="queue-by">by <bdi>moe</bdi></span>' in html


# --- 6. The blocklist ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "stored", "action"),
    [
        ("ip", "203.0.113.0/24", "203.0.113.0/24", "spam"),
        ("ip", "2001:db8::1", "2001:db8::1", "hold"),
        ("email", "@Spam.Example", "@spam.example", "spam"),
        ("email", "pest@example.com", "pest@example.com", "hold"),
        ("phrase", "cheap watches", "cheap watches", "spam"),
        ("phrase", "free money", "free money", "hold"),
    ],
)
def test_moderator_adds_blocklist_entries(client, moderator, users, kind, value, stored, action):
    """Moderators add entries of every kind, held or spam; the entry records who added it."""
    response = log_in(client, moderator).post(
        f"{BLOCKLIST}add/",
        {
            "kind": kind,
            "value": f" {value} ",
            "action": action,
            "note": "Seen today",
            "created_by": users["superuser"].pk,
        },
    )
    assert response.status_code == 302
    term = BlockedTerm.objects.get()
    assert (term.kind, term.value, term.action, term.note) == (kind, stored, action, "Seen today")
    assert term.created_by == moderator


def test_blocklist_entry_needs_an_action(client, moderator):
    """The add form asks whether matches are held for review or sent to spam."""
    response = log_in(client, moderator).post(
        f"{BLOCKLIST}add/", {"kind": "phrase", "value": "casino", "note": ""}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["action"] == ["This field is required."]
    assert not BlockedTerm.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        ("ip", "203.0.113.0/99", "Enter an IP address or a network."),
        ("ip", "not-an-address", "Enter an IP address or a network."),
        ("email", "example.com", "Enter an email address or @domain."),
    ],
)
def test_invalid_blocklist_entry_shows_a_form_error(client, moderator, kind, value, error):
    """An entry that cannot match anything is refused beside the field, and nothing is saved."""
    response = log_in(client, moderator).post(
        f"{BLOCKLIST}add/", {"kind": kind, "value": value, "action": "spam", "note": ""}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"value": [error]}
    assert not BlockedTerm.objects.exists()


def test_editing_an_entry_keeps_who_added_it(client, moderator, users):
    """Another moderator editing an entry does not become its creator."""
    term = BlockedTerm.objects.create(kind="phrase", value="casino", created_by=moderator)
    response = log_in(client, users["superuser"]).post(
        f"{BLOCKLIST}{term.pk}/change/",
        {"kind": "phrase", "value": "online casino", "action": "hold", "note": ""},
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.value, term.action, term.created_by) == ("online casino", "hold", moderator)


def test_authors_cannot_see_the_blocklist(client, author):
    """The blocklist is for moderators only."""
    log_in(client, author.user)
    assert client.get(BLOCKLIST).status_code == 403
    entry = {"kind": "phrase", "value": "x", "action": "spam"}
    assert client.post(f"{BLOCKLIST}add/", entry).status_code == 403
    assert not BlockedTerm.objects.exists()
