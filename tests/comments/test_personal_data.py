"""A commenter's data on request: exported, erased, and their addresses pruned with age."""

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import personal_data, services, tasks
from comments.models import (
    BlockedTerm,
    Comment,
    CommentRevision,
    DataRequest,
    Discussion,
    ModerationEvent,
    OptOut,
    Report,
    Subscription,
    TrustedCommenter,
)

pytestmark = pytest.mark.django_db

COMMENTS = "/admin/comments/comment/"
REQUESTS = "/admin/comments/datarequest/"
ADA = "ada@example.net"
ADA_PRIVATE = ["Ada Lovelace", ADA, "https://ada.example", "198.51.100.7", "AdaBrowser/1.0"]


@pytest.fixture
def ada(post, make_post, make_comment, django_user_model, moderator):
    """Ada's comments on two posts (typed in two cases, one from her account), an edited one,
    her subscriptions, opt-out, trust and a report she filed; and Bob's comment beside them."""
    account = django_user_model.objects.create_user("ada", email="Ada@Example.net", password="pw")
    other_post = make_post(title="Another post")
    first = make_comment(
        post,
        author_name="Ada Lovelace",
        author_email=ADA,
        author_url="https://ada.example",
        ip_address="198.51.100.7",
        user_agent="AdaBrowser/1.0",
        browser_key="b" * 64,
        fingerprint="f" * 64,
        body="My first thoughts, edited.",
    )
    CommentRevision.objects.create(
        comment=first,
        body="My first thoughts.",
        body_html="<p>My first thoughts.</p>",
        written_at=first.created_at,
    )
    services.record(
        post_id=post.pk, comment=first, action=ModerationEvent.Action.APPROVE, actor=moderator
    )
    second = make_comment(
        other_post,
        author_name="Ada L.",
        author_email="ADA@example.NET",
        user=account,
        status=Comment.Status.PENDING,
        hold_rule=Comment.HoldRule.BLOCKED,
        hold_detail={"term": 1, "value": ADA},
    )
    bob = make_comment(post, author_name="Bob Builder", author_email="bob@example.net")
    Subscription.objects.create(email=ADA, post=post, comment=first)
    OptOut.objects.create(email=ADA)
    TrustedCommenter.objects.create(email=ADA, browser_key="b" * 64, comment=first)
    Report.objects.create(
        comment=bob,
        reason="off-topic",
        note="Not about the post",
        reporter=account,
        ip_address="198.51.100.7",
    )
    return {
        "account": account,
        "first": first,
        "second": second,
        "bob": bob,
        "other_post": other_post,
    }


def export_from_admin(client, comments):
    return client.post(
        COMMENTS,
        {"action": "export_commenters_data", "_selected_action": [c.pk for c in comments]},
    )


def erase_from_admin(client, comments, confirmed=True):
    data = {"action": "erase_commenters_data", "_selected_action": [c.pk for c in comments]}
    if confirmed:
        data["post"] = "yes"
    return client.post(COMMENTS, data)


# --- Export -------------------------------------------------------------------------------------


def test_a_moderator_exports_everything_stored_about_an_address(client, moderator, ada):
    """The queue's action downloads, as JSON, all of an address's data, and no one else's."""
    client.force_login(moderator)
    response = export_from_admin(client, [ada["first"]])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="commenters-data-')
    (commenter,) = json.loads(response.content)["commenters"]
    assert commenter["email"] == ADA
    assert [a["username"] for a in commenter["accounts"]] == ["ada"]
    first, second = commenter["comments"]
    assert first["post"] == {
        "title": "An open discussion",
        "url": "http://testserver" + ada["first"].post.get_absolute_url(),
    }
    assert first["permalink"] == f"http://testserver/comments/{ada['first'].pk}/"
    assert (first["name"], first["email"], first["website"]) == tuple(ADA_PRIVATE[:3])
    assert (first["ip_address"], first["user_agent"]) == tuple(ADA_PRIVATE[3:])
    assert first["text"] == "My first thoughts, edited."
    assert [v["text"] for v in first["earlier_versions"]] == ["My first thoughts."]
    assert [e["what"] for e in first["history"]] == ["Approved"]
    assert (second["name"], second["status"]) == ("Ada L.", "Pending")  # by her account
    assert commenter["subscriptions"][0]["replies_to"].endswith(f"/comments/{ada['first'].pk}/")
    assert commenter["opted_out_of_email_at"] is not None
    assert commenter["trusted_by_moderators"][0]["what"] == "this address, on one browser"
    (report,) = commenter["reports_filed"]
    assert (report["reason"], report["note"]) == ("Off-topic", "Not about the post")
    assert "Bob Builder" not in response.content.decode()


def test_an_export_is_logged_without_the_address_and_found_by_it(client, moderator, ada):
    """Who exported whose data and when is kept as a digest; the log's search finds it."""
    client.force_login(moderator)
    export_from_admin(client, [ada["first"], ada["second"], ada["bob"]])
    requests = DataRequest.objects.filter(kind=DataRequest.Kind.EXPORT)
    assert requests.count() == 2  # one per address, Ada's two comments one address
    logged = requests.get(email_digest=personal_data.digest("ADA@example.net"))
    assert (logged.actor, logged.comments, logged.via) == (moderator, 2, "the admin")
    assert ADA not in str(DataRequest.objects.values_list())
    page = client.get(REQUESTS, {"q": " Ada@Example.NET "}).content.decode()
    assert "1 commenter data request" in page
    assert "Exported" in page


@pytest.mark.parametrize("role", ["editor", "author"])
def test_only_moderators_of_every_post_reach_commenters_data(client, settings, users, ada, role):
    """An editor, or an author moderating their own posts, gets no action and no log."""
    settings.COMMENTS_AUTHORS_MODERATE = True
    client.force_login(users[role])
    page = client.get(COMMENTS).content.decode()
    assert "export_commenters_data" not in page
    assert "erase_commenters_data" not in page
    for response in (
        export_from_admin(client, [ada["first"]]),
        erase_from_admin(client, [ada["first"]]),
    ):
        assert not response.get("Content-Type", "").startswith("application/json")
    assert not DataRequest.objects.exists()
    ada["first"].refresh_from_db()
    assert ada["first"].author_email == ADA
    assert client.get(REQUESTS).status_code == 403


def test_the_command_exports_to_a_file(ada, tmp_path):
    """``commenter_data export EMAIL --output F`` writes the same JSON, with absolute links."""
    target = tmp_path / "ada.json"
    call_command(
        "commenter_data",
        "export",
        "Ada@example.net",
        "--output",
        str(target),
        "--base-url",
        "https://blog.example/",
    )
    (commenter,) = json.loads(target.read_text())["commenters"]
    assert len(commenter["comments"]) == 2
    assert commenter["comments"][0]["permalink"].startswith("https://blog.example/comments/")
    assert DataRequest.objects.get().via.startswith("manage.py commenter_data")


def test_the_command_writes_a_file_only_its_owner_can_read(ada, tmp_path):
    """The export holds someone's addresses: like export_wordpress's file, owner only."""
    target = tmp_path / "ada.json"
    target.write_text("an older, world-readable file")
    target.chmod(0o644)
    call_command("commenter_data", "export", ADA, "--output", str(target))
    assert target.stat().st_mode & 0o777 == 0o600
    assert json.loads(target.read_text())["commenters"][0]["email"] == ADA


def test_the_command_refuses_what_is_not_an_address(db):
    """A typo is a clear error, not an empty export."""
    with pytest.raises(CommandError, match="is not an email address"):
        call_command("commenter_data", "export", "ada-at-example.net")


# --- Erase --------------------------------------------------------------------------------------


def test_erasing_leaves_nothing_of_the_commenter(ada, moderator):
    """Every field that says who they are goes, with earlier versions, subscriptions and trust;
    the opt-out stays so the address is never emailed again; each comment's event names nobody."""
    assert services.erase_commenter(ADA, moderator, "the admin") == 2
    for comment in (ada["first"], ada["second"]):
        comment.refresh_from_db()
        assert comment.author_name == personal_data.ERASED_NAME
        assert (comment.author_email, comment.author_url, comment.user) == ("", "", None)
        assert (comment.ip_address, comment.user_agent) == (None, "")
        assert (comment.browser_key, comment.fingerprint, comment.hold_detail) == ("", "", {})
        assert comment.body == personal_data.ERASED_TEXT
    assert ada["second"].status == Comment.Status.PENDING  # its place in the queue is kept
    assert not CommentRevision.objects.exists()
    assert not Subscription.objects.exists()
    assert not TrustedCommenter.objects.exists()
    assert OptOut.objects.filter(email=ADA).exists()
    report = Report.objects.get()  # the report her account filed: her words and address go
    assert (report.ip_address, report.note) == (None, "")
    events = ModerationEvent.objects.filter(action=ModerationEvent.Action.ERASE)
    assert {e.comment_id for e in events} == {ada["first"].pk, ada["second"].pk}
    assert all(e.actor == moderator and e.reason == "Erased on request." for e in events)
    logged = str(list(ModerationEvent.objects.values_list())) + str(
        list(Comment.objects.values_list())
    )
    for private in [*ADA_PRIVATE, "Ada L."]:
        assert private not in logged
    assert DataRequest.objects.get(kind=DataRequest.Kind.ERASE).comments == 2
    assert ada["bob"].author_name == Comment.objects.get(pk=ada["bob"].pk).author_name


def test_the_post_page_shows_the_erased_comment_neutrally(client, post, ada, moderator):
    """The cached page changes at once: a neutral name and initial, no name, email or website."""
    before = client.get(post.get_absolute_url()).content.decode()
    assert "Ada Lovelace" in before
    assert "https://ada.example" in before
    version = Discussion.objects.get(post=post).version
    services.erase_commenter(ADA, moderator, "the admin")
    assert Discussion.objects.get(post=post).version > version
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{ada["first"].pk}"' in page
    assert "Removed by request." in page
    for private in [*ADA_PRIVATE, "My first thoughts"]:
        assert private not in page
    assert "Bob Builder" in page


def test_keep_leaves_the_text_and_removes_the_writer(ada, moderator, settings):
    """COMMENTS_ERASED_TEXT=keep: WordPress's way, the words stay without a name."""
    settings.COMMENTS_ERASED_TEXT = "keep"
    services.erase_commenter(ADA, moderator, "the admin")
    ada["first"].refresh_from_db()
    assert (ada["first"].author_name, ada["first"].body) == (
        "Removed",
        "My first thoughts, edited.",
    )
    assert not CommentRevision.objects.exists()


def test_delete_spares_only_comments_others_answered(post, make_comment, moderator, settings):
    """COMMENTS_ERASED_TEXT=delete: a comment others replied to (at any depth) keeps their
    replies' place, replaced; one answered only by its own writer goes with that answer."""
    settings.COMMENTS_ERASED_TEXT = "delete"
    answered = make_comment(post, author_email=ADA)
    own_reply = make_comment(post, parent=answered, author_email=ADA)
    bobs = make_comment(post, parent=own_reply, author_name="Bob Builder")
    alone = make_comment(post, author_email=ADA)
    self_answered = make_comment(post, author_email=ADA)
    make_comment(post, parent=self_answered, author_email=ADA)
    assert services.erase_commenter(ADA, moderator, "the admin") == 5
    left = Comment.objects.filter(author_name="Removed")
    assert set(left.values_list("pk", flat=True)) == {answered.pk, own_reply.pk}
    assert set(left.values_list("body", flat=True)) == {"Removed by request."}
    assert Comment.objects.get(pk=bobs.pk).author_name == "Bob Builder"
    assert not Comment.objects.filter(pk__in=[alone.pk, self_answered.pk]).exists()
    gone = ModerationEvent.objects.filter(comment_number=alone.pk).get()
    assert (gone.action, gone.to_state, gone.comment) == (ModerationEvent.Action.ERASE, "", None)


def test_delete_spares_a_comment_answered_beside_it_at_the_deepest_level(post, moderator, settings):
    """A reply to the deepest level hangs beside the comment it answers: that comment stays,
    so the reply still says whom it answers."""
    settings.COMMENTS_ERASED_TEXT = "delete"
    settings.COMMENTS_MAX_DEPTH = 2

    def add(parent, name, email):
        comment = Comment(post=post, parent=parent, author_name=name, author_email=email, body="Hi")
        return services.import_comment(comment, "For the test.")

    top = add(None, "Ada", ADA)
    deepest = add(top, "Ada", ADA)
    bobs = add(deepest, "Bob Builder", "bob@example.net")
    assert (bobs.parent, bobs.in_reply_to) == (top, deepest)  # hung beside what it answers
    services.erase_commenter(ADA, moderator, "the admin")
    assert set(Comment.objects.filter(author_name="Removed")) == {top, deepest}
    bobs.refresh_from_db()
    assert bobs.in_reply_to == deepest


def test_an_erased_commenter_cannot_be_blocked_by_an_empty_address(client, moderator, ada):
    """Their comments have no email left: the queue says so and the block page offers only
    their IP address, so no entry catches every comment without an email."""
    services.erase_commenter(ADA, moderator, "the admin")
    client.force_login(moderator)
    queue = client.get("/admin/comments/comment/?status__exact=pending").content.decode()
    assert "no email address" in queue
    assert "History:" not in queue
    block = f"/admin/comments/comment/{ada['second'].pk}/block/"
    assert 'value="email"' not in client.get(block).content.decode()
    assert client.post(block, {"kind": "email", "block_action": "spam"}).status_code == 403
    assert not BlockedTerm.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.EMAIL, value="")


def test_the_admin_asks_before_erasing(client, moderator, ada):
    """The action lists each address with its comments everywhere, the names they were signed
    with and the account that has it, then erases on Yes; No goes back to the queue as it was."""
    client.force_login(moderator)
    data = {"action": "erase_commenters_data", "_selected_action": [ada["first"].pk]}
    response = client.post(f"{COMMENTS}?status__exact=approved", data)
    page = response.content.decode()
    assert ADA in page
    assert "2 comments on 2 posts, signed" in page
    assert "“<bdi>Ada Lovelace</bdi>”" in page
    assert "“<bdi>Ada L.</bdi>”" in page
    assert "The account <strong><bdi>ada</bdi></strong> has this address" in page
    assert f'href="{COMMENTS}?status__exact=approved" class="button cancel-link"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'name="post" value="yes"' in page
    assert Comment.objects.filter(author_email__iexact=ADA).count() == 2  # nothing yet
    response = erase_from_admin(client, [ada["first"]])
    assert response.status_code == 302
    assert not Comment.objects.filter(author_email__iexact=ADA).exists()
    request = DataRequest.objects.get(kind=DataRequest.Kind.ERASE)
    assert (request.actor, request.email_digest) == (moderator, personal_data.digest(ADA))


def test_the_command_erases_only_once_confirmed(ada, monkeypatch):
    """Without --yes it asks; anything but yes erases nothing."""
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("commenter_data", "erase", ADA)
    assert Comment.objects.filter(author_email=ADA).exists()
    call_command("commenter_data", "erase", ADA, "--yes")
    assert not Comment.objects.filter(author_email__iexact=ADA).exists()


def test_the_command_without_anyone_to_answer_erases_nothing(ada, monkeypatch):
    """Run from a script with no --yes (input at its end): a clear error, nothing erased."""

    def no_answer(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_answer)
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("commenter_data", "erase", ADA)
    assert Comment.objects.filter(author_email=ADA).exists()


# --- Pruning ------------------------------------------------------------------------------------


@pytest.fixture
def aged(post, make_comment):
    """Comments and reports from 100 days and from 10 days ago, each with their addresses."""

    def comment(days):
        return make_comment(
            post,
            ip_address="203.0.113.9",
            user_agent="Agent",
            created_at=timezone.now() - timedelta(days=days),
        )

    old, recent = comment(100), comment(10)
    for days, reported in ((100, recent), (10, old)):
        Report.objects.create(
            comment=reported,
            reason="spam",
            browser_key=f"{days:064}",
            ip_address="203.0.113.10",
            created_at=timezone.now() - timedelta(days=days),
        )
    return old, recent


def updates_run(action):
    with CaptureQueriesContext(connection) as queries:
        result = action()
    return result, [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_addresses_older_than_the_limit_are_dropped_in_one_update_per_table(aged, settings):
    """Past COMMENTS_KEEP_ADDRESSES_DAYS, IP addresses and user agents go; recent ones stay."""
    settings.COMMENTS_KEEP_ADDRESSES_DAYS = 90
    old, recent = aged
    result, updates = updates_run(services.prune_addresses)
    assert result == (1, 1)
    assert len(updates) == 2  # one per table, whatever the number of rows
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.9", "Agent")
    ips = dict(Report.objects.values_list("comment", "ip_address"))
    assert ips == {recent.pk: None, old.pk: "203.0.113.10"}
    assert services.prune_addresses() == (0, 0)


def test_many_old_addresses_are_dropped_a_batch_at_a_time(post, make_comment, settings):
    """Each UPDATE takes at most a batch of rows, and the batches go on until none is left."""
    settings.COMMENTS_KEEP_ADDRESSES_DAYS = 90
    for _ in range(5):
        make_comment(post, ip_address="203.0.113.9", created_at=timezone.now() - timedelta(100))
    result, updates = updates_run(lambda: services.prune_addresses(batch=2))
    assert result == (5, 0)
    assert len([sql for sql in updates if "comments_comment" in sql]) == 3  # 2 + 2 + 1
    assert not Comment.objects.filter(ip_address__isnull=False).exists()


def test_zero_keeps_addresses(aged, settings):
    """COMMENTS_KEEP_ADDRESSES_DAYS=0 turns pruning off."""
    settings.COMMENTS_KEEP_ADDRESSES_DAYS = 0
    assert services.prune_addresses() == (0, 0)
    assert not Comment.objects.filter(ip_address__isnull=True).exists()


def test_pruning_is_a_daily_scheduled_job(aged, settings):
    """The worker runs the job once a day; it prunes as the operation does."""
    periodic = tasks.app.periodic_registry.periodic_tasks
    (job,) = [p for (name, _), p in periodic.items() if name == "comments.prune_addresses"]
    fields = job.cron.split()
    assert len(fields) == 5
    assert "*" not in fields[:2]
    assert fields[2:] == ["*", "*", "*"]
    settings.COMMENTS_KEEP_ADDRESSES_DAYS = 30
    tasks.prune_addresses(timestamp=0)
    assert Comment.objects.filter(ip_address__isnull=True).count() == 1


def test_an_empty_address_erases_nothing(ada, moderator):
    """Erased comments share an empty address: erasing "" must not touch them or anyone."""
    services.erase_commenter(ADA, moderator, "the admin")
    with pytest.raises(services.NotAllowed):
        services.erase_commenter(" ", moderator, "the admin")
    assert Comment.objects.get(pk=ada["bob"].pk).author_name == "Bob Builder"
