import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from blog.models import Post

from .sanitize import render_comment_html


def person_name(user):
    """How the site names a member: their full name, else their username."""
    return user.get_full_name() or user.get_username()


# Moderators see what needs them first.
PENDING_FIRST = models.Case(models.When(status="pending", then=0), default=1)


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def visible_to(self, viewer):
        """What ``viewer`` (a ``comments.viewer.Viewer``) may read."""
        return self.filter(viewer.sees_q())

    def threads_visible_to(self, viewer):
        """Top-level comments that open a thread the viewer sees.

        A removed comment whose replies are visible still opens its thread (shown as a
        placeholder), so the replies keep their place and their context; one removed with
        its replies hidden does not.
        """
        visible_reply = Comment.objects.filter(viewer.sees_q(), root=OuterRef("pk"))
        opens = viewer.sees_q() | (Q(replies_hidden=False) & Exists(visible_reply))
        if viewer.revealed:  # a moderator's "View on site", even inside a hidden sub-thread
            opens |= Q(pk=viewer.revealed) | Exists(
                Comment.objects.filter(root=OuterRef("pk"), pk=viewer.revealed)
            )
        return self.top_level().filter(opens)


class CommentManager(models.Manager.from_queryset(CommentQuerySet)):
    def get_queryset(self):
        # A comment's post, when joined, comes without its search vector: as long as the
        # post, and for the search's WHERE clause only (``blog.search``).
        return super().get_queryset().defer("post__search_vector")


class Comment(models.Model):
    """A reader's comment on a post, possibly replying to another comment of the same post.

    ``root`` (the top-level comment of the thread) lets a page of top-level comments
    fetch all their replies in one query, whatever the depth.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    class HoldRule(models.TextChoices):
        """The rule that held a comment for a moderator (comments/moderation.py)."""

        LINKS = "links", "Too many links"
        TOO_FAST = "too_fast", "Sent too fast"
        BLOCKED = "blocked", "Blocklist entry"
        NEW = "new", "New commenter"
        UNSIGNED = "unsigned", "Unsigned form"
        REUSED = "reused", "Form used before"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="thread"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The comment answered, which is not the parent when the deepest level hung the reply
    # beside it (``reply_parent``): the page then says whom it answers.
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    author_name = models.CharField("name", max_length=100)
    author_email = models.EmailField("email")
    author_url = models.URLField("website", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )

    body = models.TextField(max_length=10_000, help_text="As the reader typed it.")
    body_html = models.TextField(editable=False, help_text="Sanitized when saved.")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why the latest decision was made, by the rules or by a moderator.",
    )
    # Which rule held it when it arrived, and its figures ({"links": 3, "limit": 2}, {"term":
    # 7, ...}, {"elapsed": 2, "minimum": 3}): what the moderator's one-click fixes tune.
    hold_rule = models.CharField(max_length=10, choices=HoldRule.choices, blank=True)
    hold_detail = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=False)
    edited_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Its author's latest edit, if any."
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    by_staff = models.BooleanField(
        default=False, editable=False, help_text="Written by a moderator, shown as staff."
    )
    by_post_author = models.BooleanField(
        default=False,
        editable=False,
        help_text="Written by the post's author, logged in: shown with their byline and a badge.",
    )
    replies_hidden = models.BooleanField(
        default=False, editable=False, help_text="Removed with its replies hidden from readers."
    )
    replies_locked = models.BooleanField(
        default=False,
        editable=False,
        help_text="A moderator closed its replies: nobody may answer it or anything below it.",
    )
    removed_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The comment whose removal took this reply to the trash.",
    )
    # Spam defences: the browser that wrote it (a signed cookie), the form it came from and
    # its text, normalised, for duplicate checks. Digests only.
    browser_key = models.CharField(max_length=64, blank=True, editable=False)
    form_token = models.CharField(max_length=64, blank=True, editable=False)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = CommentManager()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("moderate_comment", "Can approve, reject or mark comments as spam")]
        indexes = [
            # Approved comments of a post, in thread order.
            models.Index(
                fields=["post", "root", "created_at", "id"],
                condition=Q(status="approved"),
                name="comment_approved_thread_idx",
            ),
            # The moderation queue, newest first.
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            # Its "All" tab: pending first, then newest (the admin adds the id).
            models.Index(
                PENDING_FIRST,
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="comment_queue_all_idx",
            ),
            # Its "By post" filter: the posts with the most pending comments.
            models.Index(
                fields=["post"], condition=Q(status="pending"), name="comment_pending_post_idx"
            ),
            # A commenter's history in the queue (emails compare case-insensitively).
            models.Index(Upper("author_email"), "status", name="comment_email_status_idx"),
            # "Has this browser an approved comment?"
            models.Index(
                fields=["browser_key"],
                condition=Q(status="approved") & ~Q(browser_key=""),
                name="comment_approved_browser_idx",
            ),
            # Duplicate and reused-form checks look at a post's recent comments.
            models.Index(fields=["post", "-created_at"], name="comment_post_recent_idx"),
            # Emptying the trash.
            models.Index(
                fields=["moderated_at"], condition=Q(status="trash"), name="comment_trash_idx"
            ),
            # Pruning old addresses: only the comments that still carry one.
            models.Index(
                fields=["created_at"],
                condition=Q(ip_address__isnull=False) | ~Q(user_agent=""),
                name="comment_addresses_idx",
            ),
        ]
        constraints = [
            # The target of the composite foreign key "parent is on the same post".
            models.UniqueConstraint(fields=["post", "id"], name="comment_post_id_unique"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, root__isnull=True, depth=0)
                | Q(parent__isnull=False, root__isnull=False, depth__gt=0),
                name="comment_thread_shape",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"\u2068{self.author_name}\u2069 on “{self.post}”"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_comment_html(self.body)
        if self.parent is not None:
            self.root_id = self.parent.root_id or self.parent.pk
            self.depth = self.parent.depth + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    def reply_parent(self):
        """Where a reply to this comment hangs: the deepest level replies as its sibling."""
        return self.parent if self.depth >= settings.COMMENTS_MAX_DEPTH - 1 else self

    @property
    def accepts_replies(self):
        """Replies attach to published comments only (the discussion must be open too)."""
        return self.is_approved


class CommentRevision(models.Model):
    """A version of a comment's text that its author replaced by an edit; kept for good."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField(help_text="Sanitized when it was written.")
    written_at = models.DateTimeField(help_text="When this version was posted or edited in.")
    public = models.BooleanField(
        default=True,
        help_text="Readers saw it: the comment was published when it was replaced. A version "
        "replaced while the comment awaited moderation was never approved: moderators and "
        "its writer alone see it.",
    )

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self):
        return f"Comment #{self.comment_id} as written at {self.written_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("comments:history", kwargs={"pk": self.comment_id})


class BlockedTerm(models.Model):
    """A moderator-kept rule: comments matching it are held for review or go to spam."""

    class Kind(models.TextChoices):
        PHRASE = "phrase", "Word or phrase"
        EMAIL = "email", "Email address or @domain"
        IP = "ip", "IP address or network"

    class Action(models.TextChoices):
        HOLD = "hold", "Hold for review"
        SPAM = "spam", "Send to spam"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PHRASE)
    value = models.CharField(
        max_length=200,
        help_text="A word or phrase (matched as whole words, any case), an email or @domain, "
        "or an IP address or network such as 203.0.113.0/24.",
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.SPAM)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="blockedterm_kind_value_unique"),
            # An empty entry would catch every comment with no email (erased, imported).
            models.CheckConstraint(
                condition=~Q(value="") & (~Q(kind="email") | Q(value__contains="@")),
                name="blockedterm_value_names_something",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def get_absolute_url(self):
        return reverse("admin:comments_blockedterm_change", args=[self.pk])

    def clean(self):
        self.value = self.value.strip()
        if self.kind == self.Kind.IP:
            try:
                ipaddress.ip_network(self.value, strict=False)
            except ValueError:
                raise ValidationError({"value": "Enter an IP address or a network."}) from None
        elif self.kind == self.Kind.EMAIL:
            self.value = self.value.lower()
            if "@" not in self.value:
                raise ValidationError({"value": "Enter an email address or @domain."})
        elif not self.value:
            raise ValidationError({"value": "Enter a word or phrase."})


class Threshold(models.Model):
    """A moderation threshold tuned by a moderator; without a row, its setting applies."""

    class Name(models.TextChoices):
        MAX_LINKS = "max_links", "Link limit"
        MIN_SECONDS = "min_seconds", "Minimum seconds before a form is sent"

    name = models.CharField(max_length=20, choices=Name.choices, primary_key=True)
    value = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.get_name_display()}: {self.value}"

    @staticmethod
    def default(name):
        """The setting a threshold starts from (read now: tests and deployments change it)."""
        return {
            Threshold.Name.MAX_LINKS: settings.COMMENTS_MAX_LINKS,
            Threshold.Name.MIN_SECONDS: settings.COMMENTS_MIN_SECONDS,
        }[name]


class TrustedCommenter(models.Model):
    """A commenter a moderator vouched for: an account, or an email on one browser.

    A typed email alone proves nothing (anyone can type it), so an anonymous commenter is
    trusted together with the browser that wrote (``Comment.browser_key``, a digest).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    browser_key = models.CharField(max_length=64, blank=True, editable=False)
    email = models.EmailField(blank=True, help_text="Stored in lower case.")
    comment = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The held comment the trust was given from.",
    )
    trusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trusted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-trusted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, browser_key="", email="")
                | (Q(user__isnull=True) & ~Q(browser_key="") & ~Q(email="")),
                name="trustedcommenter_account_or_browser",
            ),
            models.UniqueConstraint(
                fields=["browser_key", "email"],
                condition=Q(user__isnull=True),
                name="trustedcommenter_browser_unique",
            ),
        ]

    def __str__(self):
        if self.user_id:
            return f"Account \u2068{person_name(self.user)}\u2069"
        return f"\u2068{self.email}\u2069 on one browser"


class Discussion(models.Model):
    """Whether a post takes comments, and who decided. A post without one is open.

    Closing by age (``COMMENTS_CLOSE_AFTER_DAYS``), after inactivity
    (``COMMENTS_CLOSE_AFTER_INACTIVE_DAYS``) and site-wide (``COMMENTS_CLOSED``) are settings;
    this row records what moderators decided (an explicit close, an override that keeps an old
    post open, a scheduled close, this post's own inactivity limit) and when the discussion
    was last active.
    """

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="discussion"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(max_length=200, blank=True)
    keep_open = models.BooleanField(
        default=False, help_text="A moderator reopened it: it stays open past the age limit."
    )
    closes_at = models.DateTimeField(
        null=True, blank=True, help_text="A scheduled close; empty for none."
    )
    inactive_days = models.PositiveSmallIntegerField(
        "close after days without comments",
        null=True,
        blank=True,
        help_text="Empty: the site's setting (COMMENTS_CLOSE_AFTER_INACTIVE_DAYS); 0: never.",
    )
    last_active_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The last comment published, or the last reopening: inactivity counts from here.",
    )
    clock_close_logged = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The close by the clock (schedule, age, inactivity) last written to the log.",
    )
    # Counts the changes readers see (a comment held for moderation is none), under the
    # discussion's lock: cached pages carry the version they show (comments/page_parts.py).
    version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(keep_open=False),
                name="discussion_closed_is_not_kept_open",
            )
        ]

    def __str__(self):
        return f"Discussion of “{self.post}”"

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#comments"


class ModerationEvent(models.Model):
    """One change of discussion state: who, when, from, to and why. Appended, never edited."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted"
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        SPAM = "spam", "Marked as spam"
        UNAPPROVE = "unapprove", "Sent back to pending"
        REMOVE = "remove", "Moved to the trash"
        RESTORE = "restore", "Restored"
        DELETE = "delete", "Deleted permanently"
        CLOSE = "close", "Closed the discussion"
        REOPEN = "reopen", "Reopened the discussion"
        EDIT = "edit", "Edited by its author"
        REPORT = "report", "Reported by a reader"
        HOLD = "hold", "Held for review"
        LOCK = "lock", "Closed its replies"
        UNLOCK = "unlock", "Reopened its replies"
        TUNE = "tune", "Tuned a moderation rule"
        DISMISS = "dismiss", "Dismissed its reports"
        ERASE = "erase", "Erased on request"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    comment_number = models.BigIntegerField(
        null=True, blank=True, help_text="Kept when the comment is deleted."
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    from_state = models.CharField("from", max_length=10, blank=True)
    to_state = models.CharField("to", max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the site's rules, or an anonymous reader.",
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["comment", "-created_at"], name="event_comment_idx"),
            models.Index(fields=["post", "-created_at"], name="event_post_idx"),
        ]

    def __str__(self):
        subject = f"comment #{self.comment_number}" if self.comment_number else f"“{self.post}”"
        return f"{self.get_action_display()}: {subject}"

    def get_absolute_url(self):
        if self.comment_id:
            return self.comment.get_absolute_url()
        return self.post.get_absolute_url()


class RateCounter(models.Model):
    """Attempts counted per key in a time window, shared by every worker (see ratelimit.py)."""

    key = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField()
    window_ends = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.hits} until {self.window_ends:%H:%M:%S}"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    """An address that asked to be emailed about a discussion: replies to one comment, or
    (``comment`` empty) every new comment on the post. Nothing is sent before ``confirmed_at``.

    The confirmation request goes out only once ``requested_with``, the comment whose form
    asked for it, is published: a held or spam comment makes nobody's inbox a target.
    """

    class Wants(models.TextChoices):
        NOTHING = "", "Nothing"
        REPLIES = "replies", "Replies to my comment"
        ALL = "all", "Every new comment on this post"

    email = models.EmailField(help_text="Lower-cased.")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        help_text="Whose replies are wanted; empty for the whole discussion.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_with = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The comment whose publication sends the confirmation request.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "post", "comment"],
                nulls_distinct=False,  # one subscription to a whole discussion per address
                name="subscription_unique",
            )
        ]
        indexes = [
            # Who is told about a new comment on a post.
            models.Index(
                fields=["post", "comment"],
                condition=Q(confirmed_at__isnull=False),
                name="subscription_confirmed_idx",
            )
        ]

    def __str__(self):
        what = f"replies to comment #{self.comment_id}" if self.comment_id else "every comment"
        return f"{self.email}: {what} on “{self.post}”"

    def get_absolute_url(self):
        return self.comment.get_absolute_url() if self.comment_id else self.post.get_absolute_url()


class OptOut(models.Model):
    """An address that asked for no more email from the site, of any kind."""

    email = models.EmailField(unique=True, help_text="Lower-cased.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]
        verbose_name = "opt-out"

    def __str__(self):
        return self.email


class ReportQuerySet(models.QuerySet):
    def open(self):
        """Reports no moderator has dealt with yet."""
        return self.filter(resolved_at__isnull=True)

    def by(self, user, browser_key):
        """Reports from this account, else (``user`` None) from this browser."""
        if user is not None:
            return self.filter(reporter=user)
        return self.filter(reporter__isnull=True, browser_key=browser_key)


class Report(models.Model):
    """A reader's request that moderators look at a published comment, with a reason.

    One per reader and comment: an account, else a browser (the digest of its long-lived
    ``commenter`` cookie). A moderator's decision on the comment, or a dismissal, resolves it.
    """

    class Reason(models.TextChoices):
        # The values, short, also name the reasons in a hold's reason and in the queue.
        SPAM = "spam", "Spam or advertising"
        ABUSIVE = "abusive", "Abusive or harassing"
        OFF_TOPIC = "off-topic", "Off-topic"
        MISINFORMATION = "misinformation", "Misinformation"
        OTHER = "other", "Something else (please say what in the note)"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: an anonymous reader, known by their browser.",
    )
    browser_key = models.CharField(max_length=64, blank=True, editable=False)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The open reports of a comment, and the queue's Reported tab.
            models.Index(
                fields=["comment"], condition=Q(resolved_at__isnull=True), name="report_open_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(reporter__isnull=False),
                name="report_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["comment", "browser_key"],
                condition=Q(reporter__isnull=True),
                name="report_once_per_browser",
            ),
            models.CheckConstraint(
                condition=Q(reporter__isnull=False) | ~Q(browser_key=""),
                name="report_has_a_reporter",
            ),
        ]

    def __str__(self):
        return f"{self.reason} report on comment #{self.comment_id}"

    def get_absolute_url(self):
        return reverse("admin:comments_comment_change", args=[self.comment_id])


class DataRequest(models.Model):
    """A commenter's data, exported or erased on request: who did it, when, how much.

    The address is kept as a keyed digest (``comments.personal_data.digest``), never in
    clear: the log proves the request was answered without keeping what an erasure removed.
    The admin finds a request by the address typed in its search box.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", "Exported"
        ERASE = "erase", "Erased"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    email_digest = models.CharField(max_length=64, db_index=True, editable=False)
    comments = models.PositiveIntegerField(help_text="How many comments it covered.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=100, help_text="The admin, or the command and who ran it.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "commenter data request"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.comments} comment(s), {self.created_at:%Y-%m-%d}"
