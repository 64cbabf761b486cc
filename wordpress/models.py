"""What the importer brought from WordPress, keyed by the ids WordPress gave it.

These rows make the import idempotent: a second run of the same export (or of a later one)
finds what it brought before and leaves it as it is here, where editors may have changed it.
A key outlives what it brought (``SET_NULL``): a post or comment deleted here is a tombstone,
so the next import of the same file leaves it out instead of bringing it back.
``source`` names the WordPress site without its scheme (``example.org/blog``), so an export
taken after the site moved to https keys the same items.
"""

from django.db import models
from django.utils import timezone

from blog.models import Author, Image, Post, Tag
from comments.models import Comment

PATH_LENGTH = 500
PICTURE_URL_LENGTH = 1000
TERM_SLUG_LENGTH = 200  # WordPress's own limit


class ImportedAuthor(models.Model):
    """The author profile a WordPress login (``wp:author_login``) became."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=200)
    login = models.CharField(max_length=150)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "login"]
        constraints = [
            models.UniqueConstraint(fields=["source", "login"], name="importedauthor_unique")
        ]

    def __str__(self):
        return f"{self.login} from {self.source}"


class ImportedPost(models.Model):
    """The post a WordPress item became; found again by its id, or by its guid."""

    post = models.OneToOneField(Post, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.CharField(max_length=200)
    wp_id = models.PositiveBigIntegerField("WordPress id")
    guid = models.CharField(max_length=255, blank=True, db_index=True)
    # Where the post was on WordPress (``old_links.old_path``): its old links lead here.
    path = models.CharField(max_length=PATH_LENGTH, blank=True, db_index=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "wp_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "wp_id"], name="importedpost_unique")
        ]
        # ``/?p=<id>`` finds a post by its id alone, whatever the site.
        indexes = [models.Index(fields=["wp_id"], name="importedpost_wp_id_idx")]

    def __str__(self):
        return f"Post {self.wp_id} from {self.source}"


class ImportedComment(models.Model):
    """The comment a WordPress comment became (keyed by the site of its post's import)."""

    comment = models.OneToOneField(Comment, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.CharField(max_length=200)
    wp_id = models.PositiveBigIntegerField("WordPress id")

    class Meta:
        ordering = ["source", "wp_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "wp_id"], name="importedcomment_unique")
        ]

    def __str__(self):
        return f"Comment {self.wp_id} from {self.source}"


class ImportedTag(models.Model):
    """The tag a WordPress category or tag (by its slug, ``nicename``) became.

    Two WordPress terms may become one tag here (a category and a tag both named “Markup”,
    ``markup`` and ``markup-2``), or a tag that was here before: each term's own slug is kept
    so that its old address (``/tag/markup-2/``) still finds the tag.
    """

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=200)
    slug = models.CharField(max_length=TERM_SLUG_LENGTH, db_index=True)

    class Meta:
        ordering = ["source", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["source", "slug"], name="importedtag_unique")
        ]

    def __str__(self):
        return f"Term {self.slug} from {self.source}"


class ImportedImage(models.Model):
    """The library image a picture of the old site (its address) became: copied once, reused
    by every post and run that shows it; a tombstone once the image is deleted here."""

    image = models.ForeignKey(Image, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.CharField(max_length=200)
    url = models.URLField(max_length=PICTURE_URL_LENGTH)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "url"]
        constraints = [
            models.UniqueConstraint(fields=["source", "url"], name="importedimage_unique")
        ]

    def __str__(self):
        return f"Picture {self.url} from {self.source}"
