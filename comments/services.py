"""Every change of discussion state, one operation each.

Views, admin actions, forms, commands and (later) importers call only these. Each operation
is one transaction that checks the table of allowed transitions and appends a
``ModerationEvent`` (who, when, from, to, why); side effects (emails) run after commit.

Each operation starts by taking its discussion's lock (``begin_change``), so operations on
one discussion follow each other: no comment is accepted after a close has returned, and the
discussion's version counts the changes in the order they commit.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from blog.models import Post

from . import editing, personal_data, subscriptions, tasks
from .closing import Why, closed_q, state_of
from .forms import fingerprint
from .models import (
    Comment,
    CommentRevision,
    DataRequest,
    Discussion,
    ModerationEvent,
    Report,
    Subscription,
    TrustedCommenter,
    person_name,
)
from .moderation import Verdict, judge, judge_edit
from .post_authors import signature

Status = Comment.Status
Action = ModerationEvent.Action
OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class Transition:
    label: str  # what the button says
    sources: frozenset
    target: str | None  # None: back to the status before the one it is in


# What a moderator may do to a comment in each status.
TRANSITIONS = {
    Action.APPROVE: Transition(
        "Approve", frozenset({Status.PENDING, Status.REJECTED, Status.SPAM}), Status.APPROVED
    ),
    Action.REJECT: Transition(
        "Reject", frozenset({Status.PENDING, Status.APPROVED}), Status.REJECTED
    ),
    Action.SPAM: Transition(
        "Spam", frozenset({Status.PENDING, Status.APPROVED, Status.REJECTED}), Status.SPAM
    ),
    Action.UNAPPROVE: Transition("Unapprove", frozenset({Status.APPROVED}), Status.PENDING),
    Action.REMOVE: Transition(
        "Trash",
        frozenset({Status.PENDING, Status.APPROVED, Status.REJECTED, Status.SPAM}),
        Status.TRASH,
    ),
    Action.RESTORE: Transition("Restore", frozenset({Status.TRASH, Status.SPAM}), None),
}
RESTORABLE = {Status.PENDING, Status.APPROVED}
OUT_OF_VIEW = {Status.TRASH, Status.SPAM, Status.REJECTED}


class NotAllowed(Exception):
    """The operation does not apply to the object's current state; nothing was changed."""


class DiscussionClosed(NotAllowed):
    pass


class Duplicate(Exception):
    """The same commenter already posted this text here; ``comment`` is the stored one."""

    def __init__(self, comment, same_form):
        super().__init__(comment)
        self.comment = comment
        self.same_form = same_form


class AlreadyReported(NotAllowed):
    """This reader has reported this comment before; nothing was added."""


class RepliesFate:
    KEEP = "keep"  # replies stay, under a "This comment was removed." placeholder
    HIDE = "hide"  # the whole sub-thread is hidden while the comment is in the trash
    DELETE = "delete"  # the sub-thread goes to the trash with it

    choices = [
        (KEEP, "Keep the replies in place, under “This comment was removed.”"),
        (HIDE, "Hide the whole sub-thread from readers"),
        (DELETE, "Move the replies to the trash too"),
    ]


def allowed_actions(comment):
    """The moderation actions that apply to ``comment`` now, in display order."""
    return [action for action, rule in TRANSITIONS.items() if comment.status in rule.sources]


def record(*, post_id, action, actor, reason="", comment=None, before="", after="", at=None):
    """Append one event to the moderation log: within an operation, under its lock. For the
    operations here and their siblings (``tuning.py``), never for views."""
    return ModerationEvent.objects.create(
        created_at=at or timezone.now(),
        post_id=post_id,
        comment=comment,
        comment_number=comment.pk if comment else None,
        action=action,
        from_state=before,
        to_state=after,
        actor=actor,
        reason=reason[:300],
    )


def begin_change(post_id, seen=True):
    """Take the discussion's lock for a change; count it if readers will see it (``seen``).

    The lock is the Discussion row (made on first use), held to the end of the transaction.
    One upsert takes it, moves ``version`` on and reads the row as it is now, after any
    change that held the lock before. A comment held for moderation changes nothing
    readers see, so a flood of them leaves cached pages in place.
    """
    return Discussion.objects.raw(BEGIN_CHANGE, {"post": post_id, "step": int(seen)})[0]


BEGIN_CHANGE = f"""
INSERT INTO {Discussion._meta.db_table} AS discussion
    (post_id, keep_open, close_reason, version)
VALUES (%(post)s, false, '', %(step)s)
ON CONFLICT (post_id) DO UPDATE SET version = discussion.version + %(step)s
RETURNING *
"""


# --- Comments ----------------------------------------------------------------------------------


def submit(comment, *, trap=None, elapsed=None, base_url="", wants=""):
    """Judge and store a new comment, unless its discussion is closed or it is a duplicate.

    ``trap`` is a tripped bot check (a ``Verdict``), ``elapsed`` the seconds the form was
    open, ``base_url`` the site's address for the emails, ``wants`` the notifications the
    commenter asked for (``Subscription.Wants``). Raises ``DiscussionClosed``,
    ``Duplicate``, or ``NotAllowed`` when the comment answered no
    longer takes replies.
    """
    # Judged first: the moderation rules' queries need not hold the lock.
    if trap and trap.status == Status.SPAM:
        verdict = trap
    else:
        verdict = judge(comment, elapsed)
        if trap and verdict.status != Status.SPAM:
            verdict = trap  # a suspicious form waits for a moderator, whoever sent it
    return _insert(comment, verdict, base_url, wants)


def reply_as_staff(parent, user, body, base_url=""):
    """A moderator's reply, published at once and marked as staff (as the author on their
    own post)."""
    name, by_post_author = signature(user, parent.post)
    comment = Comment(
        post=parent.post,
        parent=parent,
        user=user,
        author_name=name[: Comment._meta.get_field("author_name").max_length],
        author_email=user.email,
        body=body,
        by_staff=True,
        by_post_author=by_post_author,
    )
    return _insert(comment, Verdict(Status.APPROVED, f"Reply from staff ({name})."), base_url)


def import_comment(comment, reason):
    """Store a comment brought from elsewhere with the status it had there; nobody is emailed.

    One that arrives out of view (trash, spam, rejected) counts as decided now: the trash
    keeps it ``COMMENTS_TRASH_DAYS`` from the import, as any other."""
    with transaction.atomic():
        begin_change(comment.post_id, seen=False)  # counted by _store_new if published
        comment.status_reason = reason
        if comment.status in OUT_OF_VIEW and comment.moderated_at is None:
            comment.moderated_at = timezone.now()
        _hang(comment)
        _store_new(comment, actor=None)
    return comment


def _insert(comment, verdict, base_url, wants=""):
    comment.status, comment.status_reason = verdict.status, verdict.reason
    comment.hold_rule, comment.hold_detail = verdict.rule, verdict.detail
    with transaction.atomic():
        # Counted by _store_new if published: the state is read as it was before this comment.
        discussion = begin_change(comment.post_id, seen=False)
        if state_of(comment.post, discussion).closed:
            raise DiscussionClosed("Comments are closed on this post.")
        if comment.parent_id:
            _check_parent(comment.parent, staff=comment.by_staff)
        _hang(comment)
        duplicate = _duplicate_of(comment)
        if duplicate is not None:
            raise Duplicate(
                duplicate,
                same_form=bool(comment.form_token) and (duplicate.form_token == comment.form_token),
            )
        _store_new(comment, actor=comment.user)
        subscriptions.request(comment, wants)
        if comment.status == Status.PENDING:
            # Queued in this transaction: sent by the worker once, and only if this commits.
            tasks.email_pending_comment.defer(comment_id=comment.pk, base_url=base_url)
        elif comment.status == Status.APPROVED:
            tasks.announce_comment.defer(comment_id=comment.pk, base_url=base_url)
    return comment


def _hang(comment):
    """Hang a reply where the thread takes it, remembering the comment it answers: a reply to
    the deepest level becomes that comment's sibling (``Comment.reply_parent``)."""
    if comment.parent_id:
        comment.in_reply_to = comment.parent
        comment.parent = comment.parent.reply_parent()


def _store_new(comment, actor):
    """Save a new comment and log its arrival, with the reason for its status."""
    comment.save()
    if comment.status == Status.APPROVED:
        _count_seen(comment.post_id, active_at=comment.created_at)
    record(
        post_id=comment.post_id,
        comment=comment,
        action=Action.SUBMIT,
        actor=actor,
        after=comment.status,
        reason=comment.status_reason,
    )


def _check_parent(answered, staff=False):
    """The comment answered must still take replies (it may have changed since the form):
    published, and with no moderator's lock on it or on a comment above it (which staff may
    answer still: a lock often wants a last word)."""
    root = answered.root_id or answered.pk
    thread = Comment.objects.filter(Q(pk=root) | Q(root=root)).only("status", "parent_id")
    found = {c.pk: c for c in thread.filter(Q(pk=answered.pk) | Q(replies_locked=True))}
    parent = found.get(answered.pk)
    if parent is None or parent.status in (Status.TRASH, Status.SPAM, Status.REJECTED):
        raise NotAllowed("The comment you are replying to is no longer available.")
    if not parent.accepts_replies:
        raise NotAllowed("Only a published comment can be answered: approve it first.")
    locked = {pk for pk, comment in found.items() if comment.replies_locked}
    if locked and not staff and locked & _ancestry(parent, thread):
        raise NotAllowed(REPLIES_CLOSED)


REPLIES_CLOSED = "Replies to this comment are closed."


def _ancestry(comment, thread):
    """``comment`` and every comment above it (read only when a lock in the thread may apply)."""
    parents = dict(thread.values_list("pk", "parent_id"))
    chain, pk = set(), comment.pk
    while pk is not None:
        chain.add(pk)
        pk = parents.get(pk)
    return chain


def _duplicate_of(comment):
    """The same text from the same commenter on this post, within the duplicate window."""
    if not comment.fingerprint:
        return None
    since = timezone.now() - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW)
    recent = Comment.objects.filter(
        post=comment.post_id, created_at__gte=since, fingerprint=comment.fingerprint
    )
    if comment.user_id:
        recent = recent.filter(user=comment.user_id)
    else:
        recent = recent.filter(user__isnull=True, author_email__iexact=comment.author_email)
    return recent.order_by("-created_at").first()


def edit(comment, body, by=None, base_url=""):
    """Its author's new text for ``comment``, within the edit window (``comments.editing``).

    The text replaced is kept as a ``CommentRevision``. An edit that adds links or a blocked
    phrase holds the comment for review again, saying so; a published one leaves the page
    until a moderator approves it. ``by`` is the author's account (None: an anonymous
    author, proved by their browser). Raises ``NotAllowed`` past the window, or once the
    comment is no longer pending or published. The same text again changes nothing. A held
    edit is emailed to moderators, as a new held comment is (``base_url``: the site's address).
    """
    with transaction.atomic():
        begin_change(comment.post_id, seen=False)  # counted below if readers see it
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        refusal = editing.refusal(locked)
        if refusal:
            raise NotAllowed(refusal)
        if body == locked.body:
            return locked
        held = judge_edit(locked, body)
        CommentRevision.objects.create(
            comment=locked,
            body=locked.body,
            body_html=locked.body_html,
            written_at=locked.edited_at or locked.created_at,
            public=_was_published(locked),
        )
        locked.body, locked.fingerprint = body, fingerprint(body)
        locked.edited_at = timezone.now()
        locked.save(update_fields=["body", "body_html", "fingerprint", "edited_at"])
        record(
            post_id=locked.post_id,
            comment=locked,
            action=Action.EDIT,
            actor=by,
            before=locked.status,
            after=locked.status,
        )
        if held:
            _change(locked, Status.PENDING, Action.HOLD, None, held)  # counted if it was public
            tasks.email_pending_comment.defer(comment_id=locked.pk, base_url=base_url)
        elif locked.status == Status.APPROVED:
            _count_seen(locked.post_id)
    return locked


def _was_published(comment):
    """Did readers see ``comment``'s text as it is now (at any time since it was written)?"""
    if comment.status == Status.APPROVED:
        return True
    since = comment.edited_at or comment.created_at
    return comment.events.filter(to_state=Status.APPROVED, created_at__gte=since).exists()


def moderate(comment, action, by, reason="", replies=RepliesFate.KEEP, expected=None, base_url=""):
    """Apply one moderation ``action`` (a ``ModerationEvent.Action``) to ``comment``.

    Raises ``NotAllowed`` when the comment's status does not allow it, or is no longer the
    ``expected`` one the moderator's screen showed (someone else decided meanwhile). The stored
    ``status_reason`` always describes this latest decision. ``base_url``: the site's address,
    for the emails a first publication sends.
    """
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise NotAllowed(f"Unknown action “{action}”.")
    with transaction.atomic():
        discussion = begin_change(comment.post_id, seen=False)  # counted by _change if seen
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if expected and locked.status != expected:
            raise NotAllowed(
                f"Comment #{locked.pk} was {locked.get_status_display().lower()} meanwhile "
                f"(by {person_name(locked.moderated_by) if locked.moderated_by else 'the site'}): "
                "nothing was changed."
            )
        if locked.status not in rule.sources:
            raise NotAllowed(
                f"Comment #{locked.pk} is {locked.get_status_display().lower()}: "
                f"“{rule.label}” does not apply."
            )
        target = rule.target or _status_before(locked)
        reason = reason or f"{ModerationEvent.Action(action).label} by {person_name(by)}."
        if action == Action.RESTORE:
            _restore_removed_with(locked, by)
        removing = action == Action.REMOVE
        _change(
            locked,
            target,
            action,
            by,
            reason,
            replies_hidden=removing and replies == RepliesFate.HIDE,
            # Publishing is activity while the discussion is open; approving a late comment
            # does not silently reopen a discussion the clock closed.
            activity=action == Action.APPROVE and not state_of(locked.post, discussion).closed,
        )
        if removing and replies == RepliesFate.DELETE:
            _trash_replies(locked, by)
        if target == Status.APPROVED:
            _announce_first_publication(locked, action, base_url)
    comment.refresh_from_db()
    return comment


def _change(comment, target, action, by, reason, **fields):
    before, hidden = comment.status, comment.replies_hidden
    comment.status, comment.status_reason = target, reason[:200]
    comment.moderated_by, comment.moderated_at = by, timezone.now()
    comment.replies_hidden = fields.get("replies_hidden", False)
    comment.removed_with = fields.get("removed_with")
    comment.save(
        update_fields=[
            "status",
            "status_reason",
            "moderated_by",
            "moderated_at",
            "replies_hidden",
            "removed_with",
        ]
    )
    if Status.APPROVED in (before, target) or comment.replies_hidden != hidden:
        _count_seen(comment.post_id, comment.moderated_at if fields.get("activity") else None)
    if by is not None:  # a moderator's decision answers the readers' reports
        _resolve_reports(comment, by)
    record(
        post_id=comment.post_id,
        comment=comment,
        action=action,
        actor=by,
        before=before,
        after=target,
        reason=reason,
    )


def _announce_first_publication(comment, action, base_url):
    """Queue the emails of a comment published for the first time (its author is told when a
    moderator approved it); published again after being taken down, it is old news."""
    if ModerationEvent.objects.filter(comment=comment, to_state=Status.APPROVED).count() == 1:
        tasks.announce_comment.defer(
            comment_id=comment.pk, base_url=base_url, held=action == Action.APPROVE
        )


def _count_seen(post_id, active_at=None):
    """A change readers see, within an operation that holds the lock (``begin_change``):
    moving between states hidden from them (pending, spam, the trash) is none.

    ``active_at``: a comment was published then; inactivity counts from the latest one.
    """
    changes = {"version": F("version") + 1}
    if active_at is not None:
        changes["last_active_at"] = Greatest(F("last_active_at"), Value(active_at))
    Discussion.objects.filter(post_id=post_id).update(**changes)


def _status_before(comment):
    """Where a restored comment goes back to: its status before this one, if public-able."""
    event = (
        ModerationEvent.objects.filter(comment=comment, to_state=comment.status)
        .exclude(from_state="")
        .order_by("-created_at", "-id")
        .first()
    )
    return event.from_state if event and event.from_state in RESTORABLE else Status.PENDING


def _descendants(comment, lock=False):
    """Every reply below ``comment``, at any depth (one query for the thread)."""
    thread = Comment.objects.filter(root=comment.root_id or comment.pk)
    if lock:
        thread = thread.select_for_update()
    children = {}
    for reply in thread:
        children.setdefault(reply.parent_id, []).append(reply)
    found, stack = [], list(children.get(comment.pk, []))
    while stack:
        reply = stack.pop()
        found.append(reply)
        stack.extend(children.get(reply.pk, []))
    return found


def _trash_replies(comment, by):
    reason = f"Removed with comment #{comment.pk} by {person_name(by)}."
    for reply in _descendants(comment, lock=True):
        if reply.status != Status.TRASH:
            _change(reply, Status.TRASH, Action.REMOVE, by, reason, removed_with=comment)


def _restore_removed_with(comment, by):
    for reply in Comment.objects.select_for_update().filter(removed_with=comment):
        target = _status_before(reply)
        _change(reply, target, Action.RESTORE, by, f"Restored with comment #{comment.pk}.")


def lock_replies(comment, by, reason=""):
    """Close one sub-thread: nobody may answer ``comment`` or anything below it."""
    return _switch_replies(comment, by, reason, locked=True)


def unlock_replies(comment, by, reason=""):
    return _switch_replies(comment, by, reason, locked=False)


def _switch_replies(comment, by, reason, locked):
    with transaction.atomic():
        begin_change(comment.post_id)  # readers see the sub-thread's new state
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if current.replies_locked == locked:
            state = "closed" if locked else "open"
            raise NotAllowed(f"Replies to comment #{current.pk} are already {state}.")
        current.replies_locked = locked
        current.save(update_fields=["replies_locked"])
        action = Action.LOCK if locked else Action.UNLOCK
        record(
            post_id=current.post_id,
            comment=current,
            action=action,
            actor=by,
            before=OPEN if locked else CLOSED,
            after=CLOSED if locked else OPEN,
            reason=reason or f"{action.label} by {person_name(by)}.",
        )
    comment.replies_locked = locked
    return comment


def _hold_up(replies, cutoff=None):
    """Replies outside the trash, or trashed after ``cutoff``, keep their parent in place."""
    return any(r.status != Status.TRASH or (cutoff and r.moderated_at >= cutoff) for r in replies)


def holds_up(comment):
    return _hold_up(_descendants(comment))


def delete_permanently(comment, by, cutoff=None):
    """Delete a comment from the trash, for good, with its trashed replies (each logged).

    A comment still holding up replies (see ``holds_up``) stays, as their placeholder.
    """
    with transaction.atomic():
        # Readers see nothing of it: a comment in the trash that holds up no reply.
        begin_change(comment.post_id, seen=False)
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Status.TRASH:
            raise NotAllowed(f"Comment #{locked.pk} is not in the trash: move it there first.")
        replies = _descendants(locked, lock=True)
        if _hold_up(replies, cutoff):
            raise NotAllowed(
                f"Comment #{locked.pk} still holds up replies; it stays as their placeholder."
            )
        reason = f"Deleted by {person_name(by)}." if by else "Emptied from the trash."
        for gone in [locked, *replies]:
            record(
                post_id=gone.post_id,
                comment=gone,
                action=Action.DELETE,
                actor=by,
                before=Status.TRASH,
                reason=reason if gone is locked else f"Deleted with comment #{locked.pk}.",
            )
        locked.delete()


def empty_trash(older_than_days=None):
    """Delete comments trashed longer ago than the retention period; return (deleted, kept)."""
    days = settings.COMMENTS_TRASH_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, kept = 0, 0
    expired = Comment.objects.filter(status=Status.TRASH, moderated_at__lt=cutoff)
    for comment in expired.order_by("-depth"):  # replies before the comments they answer
        try:
            delete_permanently(comment, None, cutoff)
            deleted += 1
        except NotAllowed:
            kept += 1
        except Comment.DoesNotExist:
            pass  # deleted meanwhile
    return deleted, kept


# --- Reports ----------------------------------------------------------------------------------


def report(comment, reason, *, note="", user=None, browser_key="", ip=None, base_url=""):
    """A reader asks moderators to look at a published comment; return True if it was held.

    Readers see nothing of a report, until the open reports reach
    ``COMMENTS_REPORTS_TO_HOLD``: the comment then goes back to pending until a moderator
    decides (and they are emailed, as for any comment awaiting them). Raises
    ``AlreadyReported`` for a second report from the same account or browser, and
    ``NotAllowed`` when the comment is no longer published.
    """
    reporter = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        begin_change(comment.post_id, seen=False)  # counted by _change if it is held
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Status.APPROVED:
            raise NotAllowed("This comment is no longer published: moderators have seen it.")
        try:
            with transaction.atomic():  # a savepoint: the constraint is the last word on twice
                Report.objects.create(
                    comment=locked,
                    reason=reason,
                    note=note,
                    reporter=reporter,
                    browser_key="" if reporter else browser_key,
                    ip_address=ip,
                )
        except IntegrityError:
            raise AlreadyReported("You have already reported this comment.") from None
        # Who reported, and their note, are for moderators (the Reported tab), not the log
        # that authors and editors read too.
        record(
            post_id=locked.post_id,
            comment=locked,
            action=Action.REPORT,
            actor=None,
            before=locked.status,
            after=locked.status,
            reason=Report.Reason(reason).label,
        )
        threshold = settings.COMMENTS_REPORTS_TO_HOLD
        if not threshold or locked.by_staff or locked.by_post_author:
            return False  # staff and the post's author answer to moderators, not to a count
        readers = _distinct_reporters(locked)
        if readers < threshold:
            return False
        counts = open_report_counts(locked)
        why = f"Held: reported by {readers} readers ({reasons_summary(counts)})"
        _change(locked, Status.PENDING, Action.HOLD, None, why)
        tasks.email_pending_comment.defer(comment_id=locked.pk, base_url=base_url)
    return True


def _distinct_reporters(comment):
    """Accounts, and addresses for readers without one: a browser can shed its cookie and
    report again, but not its address, so one person cannot hold a comment alone."""
    return (
        Report.objects.open()
        .filter(comment=comment)
        .aggregate(
            n=Count("reporter", distinct=True)
            + Count("ip_address", distinct=True, filter=Q(reporter__isnull=True))
            + Count("pk", filter=Q(reporter__isnull=True, ip_address__isnull=True))
        )["n"]
    )


def open_report_counts(comment):
    """How many open reports ``comment`` has for each reason."""
    open_reports = Report.objects.open().filter(comment=comment)
    return dict(open_reports.values_list("reason").annotate(n=Count("*")).order_by())


def reports_label(count, noun):
    """ "1 report", "3 reports"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def reasons_summary(counts):
    """``{"spam": 2, "off-topic": 1}`` as moderators read it, most given first:
    "spam ×2, off-topic ×1"."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{reason} ×{n}" for reason, n in ranked)


def dismiss_reports(comment, by):
    """A moderator keeps a reported comment as it is: its open reports are resolved.

    A comment held by its reports stays pending: approving it is the decision that
    publishes it again (and resolves its reports too).
    """
    with transaction.atomic():
        begin_change(comment.post_id, seen=False)
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        resolved = _resolve_reports(locked, by)
        if not resolved:
            raise NotAllowed(f"Comment #{locked.pk} has no open reports.")
        record(
            post_id=locked.post_id,
            comment=locked,
            action=Action.DISMISS,
            actor=by,
            before=locked.status,
            after=locked.status,
            reason=f"{reports_label(resolved, 'report')} dismissed by {person_name(by)}.",
        )
    return resolved


def _resolve_reports(comment, by):
    return (
        Report.objects.open()
        .filter(comment=comment)
        .update(resolved_at=timezone.now(), resolved_by=by)
    )


# --- Discussions -------------------------------------------------------------------------------


# What closing and reopening write; ``version`` is only counted up, never saved.
SWITCH_FIELDS = [
    "closed_at",
    "closed_by",
    "close_reason",
    "keep_open",
    "closes_at",
    "last_active_at",
    "clock_close_logged",
]


def _lock_discussion(post):
    """Take the discussion's lock; return its row and its state before this change."""
    discussion = begin_change(post.pk)
    return discussion, state_of(post, discussion)


def close(post, by, reason=""):
    """Close a post's discussion; its thread stays readable."""
    with transaction.atomic():
        discussion, before = _lock_discussion(post)
        if discussion.closed_at:
            raise NotAllowed(f"The discussion of “{post}” is already closed.")
        discussion.closed_at, discussion.closed_by = timezone.now(), by
        discussion.close_reason, discussion.keep_open = reason[:200], False
        discussion.save(update_fields=SWITCH_FIELDS)
        record(
            post_id=post.pk,
            action=Action.CLOSE,
            actor=by,
            before=CLOSED if before.closed else OPEN,
            after=CLOSED,
            reason=reason,
        )
    return state_of(post, discussion)


def reopen(post, by, reason=""):
    """Reopen a discussion; one closed by age or schedule is kept open by this decision.

    Site-wide closing is a setting: reopening then is refused, saying so.
    """
    with transaction.atomic():
        discussion, before = _lock_discussion(post)
        if not before.can_reopen:
            raise NotAllowed(before.explanation if before.closed else f"“{post}” is already open.")
        discussion.closed_at, discussion.closed_by, discussion.close_reason = None, None, ""
        now = timezone.now()
        if discussion.closes_at and discussion.closes_at <= now:
            discussion.closes_at = None
        # Reopening is activity: the inactivity limit counts again from now.
        discussion.last_active_at, discussion.clock_close_logged = now, None
        discussion.keep_open = state_of(post, discussion).closed
        discussion.save(update_fields=SWITCH_FIELDS)
        after = state_of(post, discussion)
        record(
            post_id=post.pk,
            action=Action.REOPEN,
            actor=by,
            before=CLOSED,
            after=OPEN,
            reason=reason or ("Kept open past the age limit." if discussion.keep_open else ""),
        )
    return after


def import_discussion(
    post,
    *,
    reason,
    closed_at=None,
    close_reason="",
    keep_open=False,
    closes_at=None,
    inactive_days=None,
    last_active_at=None,
):
    """Give an imported post the discussion it had where it comes from, as it was there.

    Set, not replayed: a close or a reopening replayed now would depend on today's clock
    (a discussion reopened there is not closed by inactivity here). The last activity is
    the later of the imported comments' and the export's; one event records the result.
    """
    with transaction.atomic():
        discussion, before = _lock_discussion(post)
        discussion.closed_at, discussion.closed_by = closed_at, None
        discussion.close_reason, discussion.keep_open = close_reason[:200], keep_open
        discussion.closes_at, discussion.inactive_days = closes_at, inactive_days
        if last_active_at and (
            discussion.last_active_at is None or last_active_at > discussion.last_active_at
        ):
            discussion.last_active_at = last_active_at
        discussion.save(update_fields=[*SWITCH_FIELDS, "inactive_days"])
        after = state_of(post, discussion)
        record(
            post_id=post.pk,
            action=Action.CLOSE if closed_at else Action.TUNE,
            actor=None,
            before=CLOSED if before.closed else OPEN,
            after=CLOSED if after.closed else OPEN,
            reason=reason,
        )
    return after


def set_inactive_days(post, days, by):
    """Give ``post`` its own inactivity limit (None: the site's setting; 0: never)."""
    with transaction.atomic():
        discussion = begin_change(post.pk, seen=False)
        if discussion.inactive_days == days:
            return state_of(post, discussion)
        before, discussion.inactive_days = discussion.inactive_days, days
        if not state_of(post, discussion).closed:
            discussion.clock_close_logged = None  # open again: its next close is logged too
        discussion.save(update_fields=["inactive_days", "clock_close_logged"])
        _count_seen(post.pk)  # the countdown, and maybe the state, change
        record(
            post_id=post.pk,
            action=Action.TUNE,
            actor=by,
            before=days_label(before),
            after=days_label(days),
            reason=f"Close after days without comments: {days_label(days)}.",
        )
    return state_of(post, discussion)


def days_label(days):
    return "default" if days is None else "never" if days == 0 else f"{days} days"


def log_clock_close(post):
    """Write a close by the clock (schedule, age, inactivity) to the moderation log, dated
    when it happened; readers saw it then already (the state is computed on read).

    Returns whether anything was written: the scheduled job calls this for each such post.
    """
    with transaction.atomic():
        discussion = begin_change(post.pk, seen=False)
        state = state_of(post, discussion)
        if state.why not in Why.BY_CLOCK or discussion.clock_close_logged == state.closed_at:
            return False
        discussion.clock_close_logged = state.closed_at
        discussion.save(update_fields=["clock_close_logged"])
        if state.closed_at < timezone.now() - CLOCK_LOG_HORIZON:
            return False  # long closed (an old post, met on the first run): marked, not logged
        record(
            post_id=post.pk,
            action=Action.CLOSE,
            actor=None,
            before=OPEN,
            after=CLOSED,
            reason=state.explanation,
            at=state.closed_at,
        )
    return True


# Closes older than this are past news: the first run after an upgrade marks them, silently.
CLOCK_LOG_HORIZON = timedelta(days=30)


def log_clock_closes(limit=500):
    """Log the closes by the clock not logged yet, oldest first; return how many were."""
    if settings.COMMENTS_CLOSED:
        return 0  # one setting, not a close per post
    unlogged = (
        Post.objects.published()
        .filter(closed_q(), discussion__closed_at__isnull=True)
        .filter(Q(discussion__isnull=True) | Q(discussion__clock_close_logged__isnull=True))
        .select_related("discussion")
        .order_by("published_at")
    )
    return sum(log_clock_close(post) for post in unlogged[:limit])


# --- A commenter's data ------------------------------------------------------------------------


ERASED_REASON = "Erased on request."


def erase_commenter(email, by, via):
    """Erase what is stored about ``email`` (and about the account with that address).

    Each of their comments loses its name, email, website, account, IP address, user agent,
    digests and earlier versions; its text is replaced, kept or deleted as
    ``COMMENTS_ERASED_TEXT`` says (deleting spares a comment others' replies hang from: it
    keeps its place, replaced, or they would go with it). Their subscriptions and trust go
    too; an opt-out stays, so the site never emails the address again. One transaction per
    post, an event per comment (its reason names nobody); the request is logged
    (``DataRequest``, ``via`` says where from). Returns how many comments were erased.
    """
    email = personal_data.normalise(email)
    if "@" not in email:  # an empty address would match every erased comment
        raise NotAllowed(f"“{email}” is not an email address.")
    posts = personal_data.comments_of(email).order_by().values_list("post_id", flat=True)
    erased = sum(_erase_on_post(post_id, email, by) for post_id in set(posts))
    with transaction.atomic():
        users = personal_data.accounts(email)
        Subscription.objects.filter(Q(email=email) | Q(user__in=users)).delete()
        TrustedCommenter.objects.filter(Q(email=email) | Q(user__in=users)).delete()
        Report.objects.filter(reporter__in=users).update(ip_address=None, note="")
        personal_data.log(DataRequest.Kind.ERASE, email, erased, by, via)
    return erased


def _erase_on_post(post_id, email, by):
    with transaction.atomic():
        begin_change(post_id)  # readers see names and texts change
        theirs = list(
            Comment.objects.select_for_update(of=("self",))
            .filter(personal_data.comments_q(email), post_id=post_id)
            .order_by("-depth", "-created_at", "-id")
        )
        mode = settings.COMMENTS_ERASED_TEXT
        gone = _unanswered(post_id, theirs) if mode == "delete" else set()
        for comment in theirs:
            record(
                post_id=post_id,
                comment=comment,
                action=Action.ERASE,
                actor=by,
                before=comment.status,
                after="" if comment.pk in gone else comment.status,
                reason=ERASED_REASON,
            )
        kept = [comment.pk for comment in theirs if comment.pk not in gone]
        CommentRevision.objects.filter(comment__in=kept).delete()
        Comment.objects.filter(pk__in=kept).update(
            status_reason=ERASED_REASON, **personal_data.erased_fields(mode != "keep")
        )
        Comment.objects.filter(pk__in=gone).delete()
    return len(theirs)


def _unanswered(post_id, theirs):
    """Of ``theirs`` (deepest, then latest first), the comments no one else's reply hangs from
    or answers (a reply flattened at the deepest level answers a sibling), at any depth."""
    answers = {}
    replies = Comment.objects.filter(post_id=post_id, parent__isnull=False)
    for pk, *above in replies.values_list("pk", "parent_id", "in_reply_to_id"):
        for comment_id in set(above) - {None}:
            answers.setdefault(comment_id, []).append(pk)
    gone = set()
    for comment in theirs:  # a reply is decided before the comment it answers
        if all(reply in gone for reply in answers.get(comment.pk, ())):
            gone.add(comment.pk)
    return gone


PRUNE_BATCH = 5_000


def prune_addresses(days=None, batch=PRUNE_BATCH):
    """Drop the IP addresses and user agents of comments and reports older than ``days``
    (``COMMENTS_KEEP_ADDRESSES_DAYS``; 0: keep them). Readers see nothing of it, so no version
    moves and no event is written. Returns (comments, reports).

    An UPDATE per ``batch`` rows, each its own transaction: the first run after importing a
    decade of comments never holds the locks moderation waits on for long.
    """
    days = settings.COMMENTS_KEEP_ADDRESSES_DAYS if days is None else days
    if not days:
        return 0, 0
    cutoff = timezone.now() - timedelta(days=days)
    old_comments = Comment.objects.filter(created_at__lt=cutoff).filter(
        Q(ip_address__isnull=False) | ~Q(user_agent="")
    )
    old_reports = Report.objects.filter(created_at__lt=cutoff, ip_address__isnull=False)
    return (
        _update_in_batches(old_comments, batch, ip_address=None, user_agent=""),
        _update_in_batches(old_reports, batch, ip_address=None),
    )


def _update_in_batches(rows, batch, **values):
    done = 0
    while True:
        with transaction.atomic():
            changed = rows.model.objects.filter(pk__in=rows.values("pk")[:batch]).update(**values)
        done += changed
        if changed < batch:
            return done
