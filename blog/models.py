import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Func, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import slugify

from . import images
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


@dataclass(frozen=True)
class ImageSource:
    """One stored size of an image: where it is and how many pixels wide and high."""

    url: str
    width: int
    height: int


class ImageManager(models.Manager):
    # How an article's HTML refers to a library image: the editor's data-file attribute.
    REFERENCE = re.compile(r"""\bdata-file\s*=\s*["']?(\d{1,18})\b""")

    def attributes_in(self, html):
        """The ``<img>`` attributes of the library images ``html`` refers to, by id, at the
        width of the article's column; None for an id no image has any more (deleted). One
        query, none when it refers to none."""
        ids = {int(found) for found in self.REFERENCE.findall(html or "")}
        if not ids:
            return {}
        found = {
            str(image.pk): image.img_attributes(images.COLUMN_SIZES)
            for image in self.filter(pk__in=ids)
        }
        return {str(pk): found.get(str(pk)) for pk in ids}

    def upload(self, upload, prepared=None, **fields):
        """A new image of ``upload`` with ``fields`` (alt text…); see ``Image.save_upload``."""
        image = self.model(**fields)
        image.save_upload(upload, prepared)
        return image


class Image(models.Model):
    """A picture uploaded for posts: the kept original (metadata removed, scaled down to
    ``BLOG_IMAGE_MAX_WIDTH``) and smaller copies, so pages offer each screen a fitting size.

    Files go through Django's storage API (``STORAGES["default"]``). A deleted image's files
    are removed by a queued job (``blog/tasks.py``) once the deletion is committed.
    """

    FOLDER = "images/%Y/%m/"

    file = models.ImageField(upload_to=FOLDER, max_length=255, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    # The smaller copies' file names by width ({"480": "images/2026/11/bridge-480w.jpg"}).
    copies = models.JSONField(default=dict, editable=False)
    original_name = models.CharField("file name", max_length=255, editable=False)
    alt = models.CharField(
        "alternative text",
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it (read aloud by "
        "screen readers, shown when it does not load).",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=200, blank=True, help_text='Who made it, e.g. "Photo: Jane Doe / CC BY 4.0".'
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ImageManager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["-uploaded_at", "-id"], name="image_uploaded_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(alt=""), name="image_has_alt"),
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0), name="image_has_size"),
        ]

    def __str__(self):
        return self.alt or self.original_name

    def get_absolute_url(self):
        return self.file.url

    def save_upload(self, upload, prepared=None):
        """Store ``upload`` (``prepared`` by ``blog.images.prepare`` unless given) and its
        smaller copies through the storage API, then save this new image.

        Raises ``ValidationError`` for a file that is no acceptable picture. Files written
        before a failure are deleted again, so a refused upload leaves nothing behind.
        """
        prepared = prepared or images.prepare(upload)
        storage = self._meta.get_field("file").storage
        stem = slugify(os.path.splitext(os.path.basename(upload.name))[0])[:80] or "image"
        self.file.name = None
        self.copies = {}
        try:
            # A random part: a name is never reused, so no upload replaces another's files
            # (object storage overwrites by default) and a cached copy is never stale.
            unique = get_random_string(6, allowed_chars="abcdefghijkmnpqrstuvwxyz23456789")
            self.file.name = storage.save(
                f"{timezone.now().strftime(self.FOLDER)}{stem}-{unique}{prepared.extension}",
                ContentFile(prepared.original.content),
            )
            base, extension = os.path.splitext(self.file.name)
            for width, copy in prepared.copies.items():
                self.copies[str(width)] = storage.save(
                    f"{base}-{width}w{extension}", ContentFile(copy.content)
                )
            self.width, self.height = prepared.original.width, prepared.original.height
            self.original_name = os.path.basename(upload.name)[:255]
            self.save()
        except BaseException:
            for name in self.file_names():
                storage.delete(name)
            raise

    @cached_property
    def sources(self):
        """Every stored size, narrowest first; the original is the widest."""
        storage = self.file.storage
        copies = [
            ImageSource(
                storage.url(name),
                int(width),
                images.scaled_height(self.width, self.height, int(width)),
            )
            for width, name in self.copies.items()
        ]
        original = ImageSource(self.file.url, self.width, self.height)
        return sorted([*copies, original], key=lambda source: source.width)

    def source_for(self, width):
        """The narrowest stored size at least ``width`` pixels wide (else the widest)."""
        return next((s for s in self.sources if s.width >= width), self.sources[-1])

    @property
    def default_source(self):
        """The size a browser that reads no ``srcset`` shows, and the editor inserts."""
        return self.source_for(800)

    def file_names(self):
        return [name for name in [self.file.name, *self.copies.values()] if name]

    def img_attributes(self, sizes, loading="lazy"):
        """The ``<img>`` attributes that let the browser pick a size and keep its space.

        ``sizes`` says how wide the image is shown (CSS lengths, e.g. "(min-width: 42rem)
        38rem, 100vw"); ``loading`` is "lazy" below the fold, "eager" for the page's lead
        image (which is then also fetched first).
        """
        fallback = self.default_source
        attributes = {
            "src": fallback.url,
            "srcset": ", ".join(f"{s.url} {s.width}w" for s in self.sources),
            "sizes": sizes,
            "width": str(fallback.width),
            "height": str(fallback.height),
            "alt": self.alt,
            "loading": loading,
            "decoding": "async",
        }
        if loading == "eager":
            attributes["fetchpriority"] = "high"
        return attributes


class PostQuerySet(models.QuerySet):
    @staticmethod
    def _is_published():
        return Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def published(self):
        """Posts readers may see: published, and not scheduled for later."""
        return self.filter(self._is_published())

    def scheduled(self):
        """Published with a date still to come: readers see them from that date."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def visible_to(self, user):
        """Readers see published posts; whoever may see a post in the admin may preview it."""
        if sees_all_posts(user):
            return self
        if user.has_perm("blog.view_post"):
            return self.filter(self._is_published() | Q(author__user=user))
        return self.published()

    def showing(self, images):
        """Posts that show any of ``images``: as their featured image or in their text."""
        ids = [image.pk for image in images]
        in_text = Q()
        for pk in ids:
            in_text |= Q(body__contains=f'data-file="{pk}"')
        return self.filter(Q(featured_image__in=ids) | in_text)

    def at_slug(self, slug):
        """The post at ``slug``: the post whose slug it is, or the post that had it before.

        The post page, its preview and the comment form find a post this way, so a renamed
        post keeps its old addresses (the page redirects to the new one). A slug some post
        has now always means that post, even where the caller cannot see it: a former slug
        never leads a reader anywhere else, and a draft's former slugs are as hidden as the
        draft, since this queryset decides what the caller sees. The current slug is looked
        up first, on its unique index; former slugs only when that finds nothing.
        Raises ``Post.DoesNotExist``.
        """
        try:
            return self.get(slug=slug)
        except Post.DoesNotExist:
            if Post.objects.filter(slug=slug).exists():
                raise
            return self.get(pk__in=FormerSlug.objects.filter(slug=slug).values("post"))

    def for_listing(self):
        """What a list of posts shows, at a fixed number of queries."""
        return (
            self.select_related("author", "featured_image")
            .prefetch_related("tags")
            .with_comment_counts()
        )

    def with_comment_counts(self):
        """Approved (public) and pending comment counts, in the same query.

        Counted by a subquery per row, so a page of posts costs the same however many
        comments other posts have (a join would count them all before the limit).
        """
        comments = self.model._meta.get_field("comments").related_model.objects

        def count(status):
            of_post = comments.filter(post=OuterRef("pk"), status=status).order_by()
            return Subquery(of_post.annotate(n=Func("pk", function="COUNT")).values("n"))

        return self.annotate(
            approved_comment_count=count("approved"), pending_comment_count=count("pending")
        )


class PostManager(models.Manager.from_queryset(PostQuerySet)):
    def get_queryset(self):
        # The search vector is for the search's WHERE clause only: no page shows it, and
        # it is as long as the post.
        return super().get_queryset().defer("search_vector")


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
    featured_image = models.ForeignKey(
        Image,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="featured_in",
        help_text="Shown above the post, beside it in lists, and when the post is shared.",
    )
    # Written by the database's triggers (blog/search_index.py), never by Python.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostManager()

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
            GinIndex(fields=["search_vector"], name="post_search_idx"),
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
        self.body = sanitize_article_html(self.body, Image.objects.attributes_in(self.body))
        self.clean()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "slug" not in update_fields:
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            previous = None
            if not self._state.adding:
                # Locked, so two renames of the same post record each other's slugs.
                previous = (
                    Post.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("slug", flat=True)
                    .first()
                )
            super().save(*args, **kwargs)
            self._remember_former_slug(previous)

    def get_absolute_url(self):
        return reverse("blog:post", kwargs={"slug": self.slug})

    def _remember_former_slug(self, previous):
        """Keep the slug a save replaced, so its links still lead here; see ``FormerSlug``.

        Every save goes through here (the admin's included). The current slug is never a
        former one: renaming back to an old slug takes it out of the history, and a save
        that skipped validation to take another post's former slug takes it over (its old
        links now lead to the post that has the slug).
        """
        FormerSlug.objects.filter(slug=self.slug).delete()
        if previous and previous != self.slug:
            FormerSlug.objects.update_or_create(
                slug=previous, defaults={"post": self, "retired_at": timezone.now()}
            )

    def validate_unique(self, exclude=None):
        """A slug that another post had before stays that post's: its old links lead there."""
        super().validate_unique(exclude=exclude)
        if exclude and "slug" in exclude:
            return
        others = FormerSlug.objects.filter(slug=self.slug)
        if self.pk is not None:
            others = others.exclude(post=self.pk)
        if others.exists():
            raise ValidationError({"slug": FormerSlug.TAKEN_MESSAGE})

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


class FormerSlug(models.Model):
    """A slug a post had before it was renamed: its old links redirect to the post.

    ``Post.save`` writes these (every save, the admin's included, goes through it), so the
    history needs no other code. A rename a → b → c keeps a and b, both pointing at the
    post, and renaming back to a former slug takes it out of the history.

    Collisions: a former slug stays reserved for its post. A new post (or another rename)
    may not take it: model validation refuses it with ``TAKEN_MESSAGE``, so the admin form
    says so next to the slug. Freeing a former slug means deleting the post that had it.
    """

    TAKEN_MESSAGE = (
        "Another post had this slug before and its old links still lead to it. Choose another slug."
    )

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField(max_length=200, unique=True)
    retired_at = models.DateTimeField(
        default=timezone.now, help_text="When the post stopped using this slug."
    )

    class Meta:
        ordering = ["-retired_at", "-id"]

    def __str__(self):
        return self.slug


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


class PostRevision(models.Model):
    """A saved version of a post's text, who saved it and when (``blog/revisions.py``).

    Written by every save from the admin that changes the title, standfirst or body, and by
    a restore; the first such save of an older post also keeps the version it replaces.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    standfirst = models.TextField(blank=True)
    body = models.TextField()
    author_of_change = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Not auto_now_add: the version kept from before revisions existed has its own date.
    created_at = models.DateTimeField(default=timezone.now)
    # What this version changed from the one before it, worked out once on save.
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["post", "-created_at"], name="post_revision_idx")]

    def __str__(self):
        when = date_format(timezone.localtime(self.created_at), "j M Y, H:i T")
        return f"“{self.title}”, {when}"

    def get_absolute_url(self):
        return reverse("admin:blog_post_revision", args=[self.post_id, self.pk])
