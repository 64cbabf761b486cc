"""Writing the site as a WordPress eXtended RSS (WXR 1.2) file, as WordPress itself writes one.

The layout follows WordPress's own ``export_wp()`` (wp-admin/includes/export.php): the same
RSS 2.0 envelope, element names and order, every text in CDATA, one ``wp:author`` per line.
WordPress's importer and ours (``import_wordpress``) read it back; what WordPress has no
field for travels in the meta keys below, which WordPress keeps as plain meta.

It streams: posts are read in chunks, each with its tags, related media and comments in one
query apiece, and every element is written as soon as it is known, so a site of any size
exports in bounded memory at a fixed number of queries per chunk.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC
from email.utils import format_datetime
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

import django
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import to_locale

from blog.models import Author, Image, Post, Tag
from blog.sanitize import portable_article_html
from comments.closing import state_of
from comments.models import Comment, Discussion

from . import wxr

# Our comment statuses as ``wp:comment_approved``; a rejected comment is WordPress's trash,
# with its true status in wxr.COMMENT_STATUS_META.
COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
    Comment.Status.REJECTED: "trash",
}

NO_DATE = "0000-00-00 00:00:00"  # WordPress's GMT date of a draft that has none

# Characters XML 1.0 cannot carry at all, not even as a character reference.
FORBIDDEN_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# What a comment's export needs (its rendered HTML, the largest column, is not).
COMMENT_FIELDS = (
    "id",
    "post_id",
    "parent_id",
    "in_reply_to_id",
    "user_id",
    "author_name",
    "author_email",
    "author_url",
    "ip_address",
    "created_at",
    "body",
    "status",
    *wxr.COMMENT_FLAGS,
)


@dataclass
class ExportSummary:
    authors: int = 0
    tags: int = 0
    images: int = 0
    posts: int = 0
    comments: int = 0


def clean(text):
    """``text`` without the characters XML 1.0 forbids (control characters), so it parses."""
    return FORBIDDEN_IN_XML.sub("", str(text))


def cdata(text):
    """``text`` in a CDATA section, as WordPress's ``wxr_cdata()`` writes it.

    A "]]>" inside is split across two sections. A carriage return goes between sections as
    a character reference: a parser turns a literal one into a line feed, and a text typed in
    a browser (CRLF line ends) must come back exactly as it was.
    """
    text = clean(text).replace("]]>", "]]]]><![CDATA[>").replace("\r", "]]>&#13;<![CDATA[")
    return f"<![CDATA[{text}]]>"


def element(name, value, *, raw=False, attrs=None):
    """One element on one line: text in CDATA, or as is (``raw``: numbers, escaped text)."""
    content = value if raw else cdata(value)
    attributes = "".join(f" {key}={quoteattr(clean(v))}" for key, v in (attrs or {}).items())
    return f"<{name}{attributes}>{content}</{name}>"


def text(value):
    """Plain escaped text, for the channel's fields WordPress writes without CDATA."""
    return escape(clean(value))


def wp_dates(moment):
    """WordPress's pair of dates: in the site's time zone, and in UTC."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return f"{local:%Y-%m-%d %H:%M:%S}", f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S}"


def discussion_switches(discussion):
    """The moderators' decisions on a discussion (the clock's closes follow from them)."""
    discussion = discussion or Discussion()  # none yet: the defaults
    return {
        "closed": discussion.closed_at is not None,
        "closed_at": _iso(discussion.closed_at),
        "close_reason": discussion.close_reason,
        "keep_open": discussion.keep_open,
        "closes_at": _iso(discussion.closes_at),
        "inactive_days": discussion.inactive_days,
        "last_active_at": _iso(discussion.last_active_at),
    }


def _iso(moment):
    return moment and moment.isoformat()


def post_status(post, now):
    """publish, future (published with a date to come: scheduled) or draft."""
    if post.status != Post.Status.PUBLISHED:
        return "draft"
    return "future" if post.published_at > now else "publish"


class WxrWriter:
    """Writes one WXR file, as it goes, through ``write`` (a function taking a string)."""

    def __init__(self, write, site_url, *, chunk_size=100):
        self.write = write
        self.site_url = site_url.rstrip("/")
        self.chunk_size = chunk_size
        self.now = timezone.now()
        self.summary = ExportSummary()
        self.author_ids = set()  # accounts listed as wp:author, whose comments keep their id
        self.originals = {}  # library image id -> its original's address, for the bodies

    def line(self, depth, content):
        self.write("\t" * depth + content + "\n")

    def export(self):
        """Everything, read in one transaction: authors, tags, then posts with comments."""
        with transaction.atomic():
            self.write_head()
            self.write_channel_header()
            self.write_authors()
            self.write_tags()
            self.write_images()
            for post in self.posts():
                self.write_post(post)
            self.write("</channel>\n</rss>\n")
        return self.summary

    def write_head(self):
        self.write('<?xml version="1.0" encoding="UTF-8" ?>\n')
        for comment in (
            f"This is a WordPress eXtended RSS file generated by {settings.SITE_NAME}",
            "as an export of its posts, authors, tags and comments.",
            "To import it into WordPress: Tools > Import > WordPress, then upload this file.",
        ):
            self.write(f"<!-- {clean(comment).replace('--', '- -')} -->\n")
        self.write(
            f'<!-- generator="Django/{django.get_version()}" '
            f'created="{self.now.astimezone(UTC):%Y-%m-%d %H:%M}" -->\n'
        )
        self.write('<rss version="2.0"\n')
        for prefix, uri in (
            ("excerpt", wxr.EXCERPT),
            ("content", wxr.CONTENT),
            ("wfw", wxr.WFW),
            ("dc", wxr.DC),
            ("wp", wxr.WP),
        ):
            self.write(f'\txmlns:{prefix}="{uri}"\n')
        self.write(">\n\n<channel>\n")

    def write_channel_header(self):
        for content in (
            element("title", text(settings.SITE_NAME), raw=True),
            element("link", text(self.site_url), raw=True),
            element("description", text(settings.SITE_DESCRIPTION), raw=True),
            element("pubDate", format_datetime(self.now.astimezone(UTC)), raw=True),
            element(
                "language", text(to_locale(settings.LANGUAGE_CODE).replace("_", "-")), raw=True
            ),
            element("wp:wxr_version", wxr.WXR_VERSION, raw=True),
            element("wp:base_site_url", text(self.site_url), raw=True),
            element("wp:base_blog_url", text(self.site_url), raw=True),
        ):
            self.line(1, content)
        self.write("\n")

    def write_authors(self):
        """Every author profile, each on one line as WordPress writes them."""
        for author in Author.objects.select_related("user").order_by("user_id").iterator():
            user = author.user
            self.author_ids.add(user.pk)
            self.summary.authors += 1
            self.line(
                1,
                "<wp:author>"
                + element("wp:author_id", user.pk, raw=True)
                + element("wp:author_login", user.get_username())
                + element("wp:author_email", user.email)
                + element("wp:author_display_name", author.display_name)
                + element("wp:author_first_name", user.first_name)
                + element("wp:author_last_name", user.last_name)
                + "</wp:author>",
            )
        self.write("\n")

    def write_tags(self):
        for tag in Tag.objects.order_by("pk").iterator():
            self.summary.tags += 1
            self.line(1, "<wp:tag>")
            self.line(2, element("wp:term_id", tag.pk, raw=True))
            self.line(2, element("wp:tag_slug", tag.slug))
            self.line(2, element("wp:tag_name", tag.name))
            self.line(1, "</wp:tag>")
        self.write("\n")

    def attachment_id(self, image_id):
        """A library image's WordPress id: WordPress numbers posts and attachments together,
        so images are numbered after the last post."""
        return self.last_post_id + image_id

    def as_attachment(self, image_id):
        """A body's library picture as WordPress writes an attachment's: the original's
        address and ``wp-image-<id>`` (WordPress and our importer map it to the attachment,
        WordPress adds its own srcset), not this site's resized copies."""
        if (address := self.originals.get(int(image_id))) is None:
            return None  # deleted from the library since: left as it was
        return {"src": address, "class": f"wp-image-{self.attachment_id(int(image_id))}"}

    @cached_property
    def last_post_id(self):
        return Post.objects.aggregate(last=Max("pk"))["last"] or 0

    def write_images(self):
        """The image library as WordPress attachments, before the posts that use them (so a
        reader of the file knows a featured image when it meets it): the original's address,
        alt text, caption (excerpt) and credit (description)."""
        images = Image.objects.select_related("uploaded_by").order_by("pk")
        for image in images.iterator(chunk_size=self.chunk_size):
            self.summary.images += 1
            date, date_gmt = wp_dates(image.uploaded_at)
            self.originals[image.pk] = original = urljoin(f"{self.site_url}/", image.file.url)
            address = text(original)
            uploader = image.uploaded_by.get_username() if image.uploaded_by else ""
            self.line(1, "<item>")
            for content in (
                element("title", image.alt),
                element("link", address, raw=True),
                element("pubDate", format_datetime(image.uploaded_at.astimezone(UTC)), raw=True),
                element("dc:creator", uploader),
                element("guid", address, raw=True, attrs={"isPermaLink": "false"}),
                "<description></description>",
                element("content:encoded", image.credit),
                element("excerpt:encoded", image.caption),
                element("wp:post_id", self.attachment_id(image.pk), raw=True),
                element("wp:post_date", date),
                element("wp:post_date_gmt", date_gmt),
                element("wp:comment_status", "closed"),
                element("wp:ping_status", "closed"),
                element("wp:post_name", slugify(image.alt)[:200]),
                element("wp:status", "inherit"),
                element("wp:post_parent", 0, raw=True),
                element("wp:menu_order", 0, raw=True),
                element("wp:post_type", "attachment"),
                element("wp:post_password", ""),
                element("wp:is_sticky", 0, raw=True),
                element("wp:attachment_url", address, raw=True),
            ):
                self.line(2, content)
            self.write_meta("wp:postmeta", wxr.IMAGE_ALT_META, image.alt, depth=2)
            self.line(1, "</item>")
        self.write("\n")

    def posts(self):
        """Every post, whatever its status, by id; prefetched a chunk at a time."""
        comments = Comment.objects.only(*COMMENT_FIELDS).order_by("pk")
        return (
            Post.objects.order_by("pk")
            .select_related("author__user", "discussion")
            .prefetch_related(
                "tags", "media", Prefetch("comments", queryset=comments, to_attr="all_comments")
            )
            .iterator(chunk_size=self.chunk_size)
        )

    def write_post(self, post):
        self.summary.posts += 1
        moment = post.published_at
        post_date, post_date_gmt = wp_dates(moment or post.created_at)
        if moment is None:
            post_date_gmt = NO_DATE
        modified, modified_gmt = wp_dates(post.updated_at)
        discussion = getattr(post, "discussion", None)
        # What readers see now (closed by age or schedule too), as WordPress will show it.
        closed = state_of(post, discussion, self.now).closed

        self.line(1, "<item>")
        self.line(2, element("title", post.title))
        self.line(2, element("link", text(self.site_url + post.get_absolute_url()), raw=True))
        if moment:  # a draft without a date has none
            self.line(2, element("pubDate", format_datetime(moment.astimezone(UTC)), raw=True))
        for content in (
            element("dc:creator", post.author.user.get_username()),
            element(
                "guid",
                text(f"{self.site_url}/?p={post.pk}"),
                raw=True,
                attrs={"isPermaLink": "false"},
            ),
            "<description></description>",
            element(
                "content:encoded",
                portable_article_html(post.body, f"{self.site_url}/", self.as_attachment),
            ),
            element("excerpt:encoded", post.standfirst),
            element("wp:post_id", post.pk, raw=True),
            element("wp:post_date", post_date),
            element("wp:post_date_gmt", post_date_gmt),
            element("wp:post_modified", modified),
            element("wp:post_modified_gmt", modified_gmt),
            element("wp:comment_status", "closed" if closed else "open"),
            element("wp:ping_status", "closed"),
            element("wp:post_name", post.slug),
            element("wp:status", post_status(post, self.now)),
            element("wp:post_parent", 0, raw=True),
            element("wp:menu_order", 0, raw=True),
            element("wp:post_type", "post"),
            element("wp:post_password", ""),
            element("wp:is_sticky", 0, raw=True),
        ):
            self.line(2, content)
        for tag in post.tags.all():
            attrs = {"domain": "post_tag", "nicename": tag.slug}
            self.line(2, element("category", tag.name, attrs=attrs))
        self.write_meta("wp:postmeta", wxr.BODY_FORMAT_META, "html", depth=2)
        if post.featured_image_id:
            featured = str(self.attachment_id(post.featured_image_id))
            self.write_meta("wp:postmeta", wxr.FEATURED_IMAGE_META, featured, depth=2)
        self.write_meta(
            "wp:postmeta", wxr.DISCUSSION_META, json.dumps(discussion_switches(discussion)), depth=2
        )
        media = [
            {"url": m.url, "title": m.title, "credit": m.credit, "caption": m.caption}
            for m in post.media.all()
        ]
        if media:
            self.write_meta(
                "wp:postmeta",
                wxr.RELATED_MEDIA_META,
                json.dumps(media, ensure_ascii=False),
                depth=2,
            )
        for comment in post.all_comments:
            self.write_comment(comment)
        self.line(1, "</item>")

    def write_comment(self, comment):
        self.summary.comments += 1
        date, date_gmt = wp_dates(comment.created_at)
        answers = comment.in_reply_to_id or comment.parent_id or 0
        user_id = comment.user_id if comment.user_id in self.author_ids else 0
        self.line(2, "<wp:comment>")
        for content in (
            element("wp:comment_id", comment.pk, raw=True),
            element("wp:comment_author", comment.author_name),
            element("wp:comment_author_email", comment.author_email),
            element("wp:comment_author_url", comment.author_url),
            element("wp:comment_author_IP", comment.ip_address or ""),
            element("wp:comment_date", date),
            element("wp:comment_date_gmt", date_gmt),
            element("wp:comment_content", comment.body),
            element("wp:comment_approved", COMMENT_APPROVED[comment.status]),
            element("wp:comment_type", "comment"),
            element("wp:comment_parent", answers, raw=True),
            element("wp:comment_user_id", user_id, raw=True),
        ):
            self.line(3, content)
        if comment.status == Comment.Status.REJECTED:
            self.write_meta("wp:commentmeta", wxr.COMMENT_STATUS_META, comment.status, depth=3)
        if flags := [flag for flag in wxr.COMMENT_FLAGS if getattr(comment, flag)]:
            self.write_meta("wp:commentmeta", wxr.COMMENT_FLAGS_META, json.dumps(flags), depth=3)
        self.line(2, "</wp:comment>")

    def write_meta(self, name, key, value, *, depth):
        self.line(depth, f"<{name}>")
        self.line(depth + 1, element("wp:meta_key", key))
        self.line(depth + 1, element("wp:meta_value", value))
        self.line(depth, f"</{name}>")
