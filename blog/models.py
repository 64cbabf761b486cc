from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .embeds import parse_media_url, validate_media_url
from .permissions import sees_all_posts
from .sanitize import sanitize_article_html


class Author(models.Model):
    """The public face of a user who writes: byline, bio and author page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author"
    )
    display_name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    bio = models.TextField(blank=True, max_length=1000, help_text="A few sentences, plain text.")
    website = models.URLField(blank=True)
    avatar_url = models.URLField("avatar URL", blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("blog:author", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slug": self.slug})


class PostQuerySet(models.QuerySet):
    @staticmethod
    def _is_published():
        return Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def published(self):
        """Posts readers may see: published, and not scheduled for later."""
        return self.filter(self._is_published())

    def visible_to(self, user):
        """Readers see published posts; whoever may see a post in the admin may preview it."""
        if sees_all_posts(user):
            return self
        if user.has_perm("blog.view_post"):
            return self.filter(self._is_published() | Q(author__user=user))
        return self.published()

    def for_listing(self):
        """What a list of posts shows, at a fixed number of queries."""
        return (
            self.select_related("author")
            .prefetch_related("tags")
            .with_comment_counts()
            .order_by("-published_at", "-id")  # Aggregation drops Meta.ordering.
        )

    def with_comment_counts(self):
        """Approved (public) and pending comment counts, in the same query."""
        return self.annotate(
            approved_comment_count=Count("comments", filter=Q(comments__status="approved")),
            pending_comment_count=Count("comments", filter=Q(comments__status="pending")),
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="posts")
    standfirst = models.TextField(
        max_length=600, blank=True, help_text="The short summary shown in lists and feeds."
    )
    body = models.TextField(
        help_text="HTML: paragraphs, headings, lists, links, emphasis, quotes, figures, code. "
        "Anything else is removed when the post is saved."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        help_text="A future date schedules the post. Left empty, publishing sets it to now.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="post_published_idx",
            ),
            models.Index(
                fields=["author", "-published_at"],
                condition=Q(status="published"),
                name="post_author_published_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="post_published_has_date",
            ),
        ]
        permissions = [
            ("change_any_post", "Can edit every author's posts"),
            ("change_discussion", "Can open and close a post's discussion"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_article_html(self.body)
        self.clean()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post", kwargs={"slug": self.slug})

    def clean(self):
        # Before the constraint check of forms: publishing without a date means now.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def related_media(self):
        """Related media that can be shown safely (a URL refused by today's rules is skipped)."""
        return [item for item in self.media.all() if item.media is not None]

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class MediaEmbed(models.Model):
    """Related media for a post: a video from an allowlisted provider, or a link card.

    Only the URL is stored; the iframe is built from the parsed video ID at render
    time, so no third-party HTML is ever stored or shown.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.URLField("URL", max_length=500, validators=[validate_media_url])
    title = models.CharField(max_length=200)
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text='E.g. "Related video added by Jane Doe". Left empty, the post\'s author is '
        "credited.",
    )
    caption = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "related media"
        verbose_name_plural = "related media"
        indexes = [models.Index(fields=["post", "position"], name="media_post_position_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#media-{self.pk}"

    @cached_property
    def media(self):
        """How to render the URL, or None for a stored URL today's rules refuse."""
        try:
            return parse_media_url(self.url)
        except ValidationError:
            return None

    @property
    def credit_line(self):
        if self.credit:
            return self.credit
        kind = "video" if self.media.is_video else "link"
        return f"Related {kind} added by {self.post.author.display_name}"
