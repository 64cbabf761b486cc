import ipaddress

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from blog.models import Post

from .sanitize import render_comment_html

# Moderators see what needs them first.
PENDING_FIRST = models.Case(models.When(status="pending", then=0), default=1)


def _visible(own_ids):
    return Q(status=Comment.Status.APPROVED) | Q(pk__in=own_ids, status=Comment.Status.PENDING)


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def visible_to(self, own_ids=()):
        """Approved comments, plus the reader's own comments awaiting moderation."""
        return self.filter(_visible(own_ids))

    def top_level(self):
        return self.filter(parent__isnull=True)

    def threads_visible_to(self, own_ids=()):
        """Top-level comments that open a thread the reader sees.

        A removed comment whose replies are visible still opens its thread (shown as a
        placeholder), so the replies keep their place and their context.
        """
        visible_reply = Comment.objects.filter(_visible(own_ids), root=OuterRef("pk"))
        return self.top_level().filter(_visible(own_ids) | Exists(visible_reply))

    def moderation_queue(self):
        """Pending first, then newest first."""
        return self.order_by(PENDING_FIRST, "-created_at")


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
        max_length=200, blank=True, help_text="Why the moderation rules chose this status."
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
            # "Has this commenter an approved comment?" (emails compare case-insensitively).
            models.Index(
                Upper("author_email"),
                condition=Q(status="approved"),
                name="comment_approved_email_idx",
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
        return f"{self.author_name} on “{self.post}”"

    def save(self, *args, **kwargs):
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

    def is_visible_to(self, own_ids=()):
        """The rule of ``CommentQuerySet.visible_to``, for a comment already loaded."""
        return self.is_approved or (self.status == self.Status.PENDING and self.pk in own_ids)

    def moderate(self, status, user):
        self.status = status
        self.moderated_by = user
        self.moderated_at = timezone.now()


class BlockedTerm(models.Model):
    """A moderator-kept rule: comments matching it go straight to spam."""

    class Kind(models.TextChoices):
        PHRASE = "phrase", "Word or phrase"
        EMAIL = "email", "Email address or @domain"
        IP = "ip", "IP address or network"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PHRASE)
    value = models.CharField(
        max_length=200,
        help_text="A phrase (matched anywhere, any case), an email or @domain, "
        "or an IP address or network such as 203.0.113.0/24.",
    )
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

    def clean(self):
        from django.core.exceptions import ValidationError

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
