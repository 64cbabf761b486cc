"""``--fetch-images``: the old site's pictures copied into the image library.

Once the whole file is read (WordPress writes attachments before or after the posts using
them), each post this run created gets its featured image (``_thumbnail_id``), the pictures
of its body that are on the old site (an attachment, a size variant of one as its original,
or any picture under the site's address) and its galleries (``[gallery ids=...]``, or the
post's attached pictures) as figures. Pictures are downloaded (``download.py``) only over
http(s), only from the old site's host and port and the hosts named with
``--fetch-images-from``, at most ``BLOG_IMAGE_MAX_BYTES``; the library refuses what is no
acceptable picture. A picture that cannot be copied is a warning and stays where it was.
Each address is copied once: ``ImportedImage`` remembers it for later posts and runs.
"""

import html
import os
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import format_html

from blog.models import Image, Post
from blog.sanitize import refer_to_library

from . import wxr
from .content import _attributes, plain_text
from .download import NotCopied, download, origin_text, url_origin
from .models import PICTURE_URL_LENGTH, ImportedImage

ALT_LENGTH = Image._meta.get_field("alt").max_length
CAPTION_LENGTH = Image._meta.get_field("caption").max_length
CREDIT_LENGTH = Image._meta.get_field("credit").max_length
# WordPress's resized copies of an upload: photo-300x200.jpg, photo-scaled.jpg for photo.jpg;
# and this site's own (bridge-x8k2m1-800w.jpg), met when importing its export.
_SIZE_VARIANT = re.compile(r"-(?:\d+x\d+|\d+w|scaled)(?=\.\w+$)", re.IGNORECASE)
# How many other hosts the report names, the most used first.
OTHER_HOSTS_NAMED = 10
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_GALLERY = re.compile(r"(?:<p>\s*)?\[gallery\b([^\]]*)\](?:\s*</p>)?", re.IGNORECASE)
_GALLERY_IDS = re.compile(r"""\bids\s*=\s*["']?([\d,\s]+)""", re.IGNORECASE)


@dataclass
class Attachment:
    """An attachment item of the export: a file uploaded to WordPress."""

    wp_id: int
    url: str
    parent: int
    title: str
    caption: str
    credit: str
    alt: str


@dataclass
class _CreatedPost:
    """What the copy needs of a post created by this run (not its whole item)."""

    pk: int
    wp_id: int
    featured: int  # the attachment id of its featured image, 0 for none
    classes: dict  # src of a body <img> -> the attachment its wp-image-N class names
    label: str
    earlier: bool = False  # imported by an earlier run: only what still loads from the old site


@dataclass
class _Failure:
    """A picture that could not be copied: why, and the posts that show it."""

    reason: str
    labels: list


def _address(url):
    """An address as pictures are matched: no scheme or ``www.``."""
    parts = urlsplit(html.unescape(url.strip()))
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path}"


def _key(url):
    """The address of the original a size variant was made from: no size suffix either."""
    return _SIZE_VARIANT.sub("", _address(url))


def _is_variant(url):
    return bool(_SIZE_VARIANT.search(urlsplit(url).path))


def _file_words(url):
    """A file name as words: ``/2014/06/red-kite_02.jpg`` → ``red kite 02``."""
    stem = os.path.splitext(os.path.basename(unquote(urlsplit(url).path)))[0]
    return " ".join(re.sub(r"[-_.+]+", " ", _SIZE_VARIANT.sub("", stem + ".x")[:-2]).split())


class _Pictures(HTMLParser):
    """The (src, alt) of each ``<img>`` of a saved body not already from the library."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            if values.get("src") and "data-file" not in values:
                self.found.append((values["src"], (values.get("alt") or "").strip()))


def pictures_in(body):
    parser = _Pictures()
    parser.feed(body)
    return parser.found


class PictureCopier:
    """Collects attachments and created posts while the file is read; ``copy`` then copies
    their pictures. Counts and warnings go to ``report``."""

    def __init__(self, report, trusted=()):
        self.report = report
        self.trusted = set(trusted)  # origins named with --fetch-images-from: may be private
        self.allowed = set(self.trusted)  # and the site's own
        self.source = ""
        self.attachments = {}  # wp_id -> Attachment
        self.by_address = {}  # _address(url) -> Attachment
        self.by_key = {}  # _key(url) -> the Attachment a size variant is taken for
        self.posts = []  # _CreatedPost, in file order
        self.copied = {}  # url -> Image, or the NotCopied reason, for this run
        self.failed = {}  # url -> _Failure, for the report
        self.elsewhere = {}  # url of a picture on an origin not allowed -> that origin
        self.downloaded = set()  # urls this run copied into the library

    def add_channel(self, channel):
        self.source = channel.source
        for url in (channel.base_site_url, channel.base_blog_url, channel.link):
            if urlsplit(url).hostname:
                self.allowed.add(url_origin(url))

    def add_attachment(self, item):
        if not item.attachment_url:
            return
        attachment = Attachment(
            wp_id=item.wp_id,
            url=html.unescape(item.attachment_url),
            parent=item.parent,
            title=plain_text(item.title, ALT_LENGTH),
            caption=plain_text(item.excerpt, CAPTION_LENGTH),
            credit=plain_text(item.content, CREDIT_LENGTH),
            alt=plain_text(item.meta.get(wxr.IMAGE_ALT_META, ""), ALT_LENGTH),
        )
        self.attachments[item.wp_id] = attachment
        self.by_address.setdefault(_address(attachment.url), attachment)
        # Among attachments whose files look alike (a-580x300.jpg uploaded as such, a.jpg),
        # a variant is taken for the one whose own file has no size suffix.
        known = self.by_key.get(key := _key(attachment.url))
        if known is None or (_is_variant(known.url) and not _is_variant(attachment.url)):
            self.by_key[key] = attachment

    def add_post(self, post, item, converted_html, label, earlier=False):
        """Note a post created by this run (or, ``earlier``, imported before), with the
        attachment each of its images' classes name (``wp-image-123``; the sanitiser drops
        classes)."""
        classes = {}
        for tag in _IMG.findall(converted_html):
            attributes = _attributes(tag)
            if (found := _WP_IMAGE_CLASS.search(attributes.get("class", ""))) and attributes.get(
                "src"
            ):
                classes[html.unescape(attributes["src"])] = int(found[1])
        featured = item.meta.get(wxr.FEATURED_IMAGE_META, "").strip()
        featured = int(featured) if featured.isdigit() else 0
        self.posts.append(_CreatedPost(post.pk, item.wp_id, featured, classes, label, earlier))

    def copy(self):
        """Copy the pictures of every created post, one transaction per post."""
        for created in self.posts:
            try:
                _PostPictures(self, created).run()
            except Exception as error:  # the post stays as imported; the others go on
                self.report.warnings.append(
                    f"{created.label}: its pictures were not copied: {error}"
                )
        self.report_failures()
        self.report_other_hosts()

    def report_failures(self):
        """One warning per picture not copied, naming the posts that show it."""
        for url, failure in self.failed.items():
            first, *others = failure.labels
            more = f" and {len(others)} more" if others else ""
            self.report.warnings.append(
                f"{first}{more}: the picture {url} was not copied: {failure.reason.rstrip('.')}."
            )
        self.report.media["not copied"] += len(self.failed)

    def report_other_hosts(self):
        """The hosts of the pictures left where they were, with the option to copy them."""
        if not self.elsewhere:
            return
        hosts = Counter(self.elsewhere.values()).most_common()
        self.report.media["other hosts"] += len(self.elsewhere)
        named = ", ".join(f"{host} ({count})" for host, count in hosts[:OTHER_HOSTS_NAMED])
        more = (
            f" and {len(hosts) - OTHER_HOSTS_NAMED} more hosts" if hosts[OTHER_HOSTS_NAMED:] else ""
        )
        self.report.warnings.append(
            f"Pictures on other hosts were left where they are (distinct addresses): {named}"
            f"{more}. To copy those of a host too (the old site's own, such as its "
            f"WordPress.com files), add --fetch-images-from {hosts[0][0]}"
        )

    def note_failure(self, url, error, label):
        failure = self.failed.setdefault(url, _Failure(str(error), []))
        if label not in failure.labels:
            failure.labels.append(label)

    # --- One picture -----------------------------------------------------------------------

    def attachment_for(self, src, created):
        """The attachment a body picture shows: the one its class names, else the one at
        that very address, else the original of a size variant."""
        return (
            self.attachments.get(created.classes.get(src))
            or self.by_address.get(_address(src))
            or self.by_key.get(_key(src))
        )

    def image(self, url, alt_sources, label, caption="", credit=""):
        """The library image of the picture at ``url``: copied before (this run or an earlier
        one) or now; raises ``NotCopied``. ``alt_sources`` are (alt, from_a_guess) in order of
        preference. In a dry run nothing is downloaded: None."""
        if url in self.copied:
            if isinstance(self.copied[url], NotCopied):
                raise self.copied[url]
            return self.copied[url]
        try:
            image = self._image(url, alt_sources, label, caption, credit)
        except NotCopied as error:
            self.copied[url] = error
            raise
        self.copied[url] = image
        return image

    def _image(self, url, alt_sources, label, caption, credit):
        if len(url) > PICTURE_URL_LENGTH:
            raise NotCopied("its address is too long")
        before = ImportedImage.objects.filter(source=self.source, url=url).first()
        if before is not None:
            if before.image is None:
                raise NotCopied("it was copied before and deleted from the library since")
            return before.image
        if self.report.dry_run:
            self.report.media["to copy"] += 1
            return None
        data = download(url, self.allows, self.trusted, settings.BLOG_IMAGE_MAX_BYTES)
        alt, guessed = next((alt, guess) for alt, guess in alt_sources if alt)
        name = os.path.basename(unquote(urlsplit(url).path)) or "picture"
        try:
            with transaction.atomic():
                image = Image.objects.upload(
                    ContentFile(data, name=name), alt=alt, caption=caption, credit=credit
                )
                ImportedImage.objects.create(source=self.source, url=url, image=image)
        except ValidationError as error:
            raise NotCopied(error.messages[0]) from None
        self.report.media["copied"] += 1
        self.downloaded.add(url)
        if guessed:
            self.report.media["check alt"] += 1
            self.report.warnings.append(
                f"{label}: the picture {url} has no alt text of its own: it got “{alt}” from "
                "its title or file name; check it in the image library."
            )
        return image

    def allows(self, url):
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and url_origin(url) in self.allowed

    def copied_before(self, url):
        """Whether an earlier run copied (or tried to keep) the picture at ``url``."""
        return (
            url not in self.downloaded
            and ImportedImage.objects.filter(source=self.source, url=url).exists()
        )


class _PostPictures:
    """The pictures of one created post: downloaded first, then the post rewritten in one
    transaction."""

    def __init__(self, copier, created):
        self.copier, self.created = copier, created
        self.report = copier.report
        self.images = {}  # url in the body -> Image

    def warn(self, message):
        self.report.warnings.append(f"{self.created.label}: {message}")

    def copy(self, url, alt_sources, attachment=None):
        """The library image for ``url`` (through its attachment's original), or None."""
        copier = self.copier
        original = attachment.url if attachment else url
        if not copier.allows(original):
            copier.elsewhere.setdefault(original, origin_text(url_origin(original)))
            return None
        if attachment:
            alt_sources = [
                *alt_sources,
                (attachment.alt, False),
                (attachment.title, True),
            ]
        alt_sources = [*alt_sources, (_file_words(original) or "Picture", True)]
        try:
            return copier.image(
                original,
                alt_sources,
                self.created.label,
                attachment.caption if attachment else "",
                attachment.credit if attachment else "",
            )
        except NotCopied as error:
            copier.note_failure(original, error, self.created.label)
            return None

    def run(self):
        """Copy and place the pictures. A post imported before gets only what an earlier run
        could not give it: its pictures still loading from the old site, its galleries still
        shortcodes, and its featured image if it has none and that picture was never copied
        (an editor may have removed it); an editor's changes stay."""
        created = self.created
        post = Post.objects.only("body", "featured_image").get(pk=created.pk)
        for src, alt in pictures_in(post.body):
            src = html.unescape(src)
            if src not in self.images and urlsplit(src).scheme:
                attachment = self.copier.attachment_for(src, self.created)
                if image := self.copy(src, [(plain_text(alt, ALT_LENGTH), False)], attachment):
                    self.images[src] = image
                    if attachment:
                        self.images.setdefault(attachment.url, image)
        galleries = {}
        for match in _GALLERY.finditer(post.body):
            attachments = self.gallery(match[1])
            if attachments or not created.earlier:  # an empty one was reported when created
                galleries[match[0]] = [
                    (attachment, self.copy(attachment.url, [], attachment))
                    for attachment in attachments
                ]
        featured_image = self.featured_image(post)
        self.count_galleries(galleries)
        if self.report.dry_run or not (self.images or galleries or featured_image):
            return
        with transaction.atomic():
            post = Post.objects.select_for_update().get(pk=created.pk)
            body = refer_to_library(post.body, self.images)
            for text, pictures in galleries.items():
                body = body.replace(text, self.figures(pictures) if pictures else text)
            post.body = body
            if featured_image and post.featured_image_id is None:
                post.featured_image = featured_image
                self.report.media["featured set"] += 1
            post.save(update_fields=["body", "featured_image"])
            self.report.media["posts given pictures"] += created.earlier

    def featured_image(self, post):
        created, copier = self.created, self.copier
        if not created.featured or post.featured_image_id is not None:
            return None
        featured = copier.attachments.get(created.featured)
        if featured is None:
            if not created.earlier:
                self.warn("its featured image is no attachment of the file: it was left out.")
            return None
        if created.earlier and copier.copied_before(featured.url):
            return None
        return self.copy(featured.url, [], featured)

    def gallery(self, attributes):
        """The attachments a gallery shows: those it lists, else the post's own."""
        attachments = self.copier.attachments
        if ids := _GALLERY_IDS.search(html.unescape(attributes)):
            wanted = [int(i) for i in re.split(r"[,\s]+", ids[1]) if i.isdigit()]
            return [attachments[i] for i in wanted if i in attachments]
        return [a for a in attachments.values() if a.parent == self.created.wp_id]

    @staticmethod
    def figures(pictures):
        return "".join(
            format_html(
                '<figure><img src="{}" alt="{}"{}>{}</figure>',
                attachment.url,
                attachment.alt or attachment.title or _file_words(attachment.url),
                format_html(' data-file="{}"', image.pk) if image else "",
                format_html("<figcaption>{}</figcaption>", attachment.caption)
                if attachment.caption
                else "",
            )
            for attachment, image in pictures
        )

    def count_galleries(self, galleries):
        for pictures in galleries.values():
            if pictures:
                self.report.media["galleries"] += 1
            else:
                self.report.shortcodes["gallery"] += 1
                self.warn("a [gallery] shows no attachment of the file: it was kept as text.")
