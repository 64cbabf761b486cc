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

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="thread"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

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
    created_at = models.DateTimeField(default=timezone.now, db_index=False)
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
    replies_hidden = models.BooleanField(
        default=False, editable=False, help_text="Removed with its replies hidden from readers."
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

    objects = CommentQuerySet.as_manager()

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
            models.UniqueConstraint(fields=["kind", "value"], name="blockedterm_kind_value_unique")
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


class Discussion(models.Model):
    """Whether a post takes comments, and who decided. A post without one is open.

    Closing by age (``COMMENTS_CLOSE_AFTER_DAYS``) and site-wide (``COMMENTS_CLOSED``) are
    settings; this row records what moderators decided: an explicit close, an override that
    keeps an old post open, a scheduled close.
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
