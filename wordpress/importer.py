"""Import a WordPress export: authors, then each post with its tags, media and comments.

Each post is one transaction (the post, its tags and media, its comments, its discussion's
switch): an error inside leaves nothing of it, is reported, and the import goes on. What was
imported before (``ImportedPost`` and its siblings) is left as it is here, where editors may
have changed it since; only comments new in the export are added to it. What was imported
and deleted here since stays deleted. A dry run does all the work in one transaction and
rolls it back, so its report is what an import would do.

A file this site exported says so (``wxr.BODY_FORMAT_META``): its bodies are taken as they
are, and its discussions' and comments' moderation state is restored from their meta.
"""

import html
import json
from collections import Counter
from contextlib import nullcontext
from hashlib import sha1
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from blog.embeds import parse_media_url
from blog.models import FormerSlug, MediaEmbed, Post, Tag

from . import wxr
from .authors import author_for, clean_login, first_free, login_key
from .content import convert_body, plain_text, site_body
from .discussion import import_discussion
from .models import TERM_SLUG_LENGTH, ImportedAuthor, ImportedPost, ImportedTag
from .old_links import old_path
from .reader import Channel, WxrAuthor, WxrItem, read_wxr
from .report import ImportReport
from .threads import import_thread, wxr_date

TAG_DOMAINS = ("category", "post_tag")
# WordPress files every post without a category under this one: not a topic.
DEFAULT_CATEGORY = "uncategorized"
TAG_LENGTH = Tag._meta.get_field("name").max_length
TITLE_LENGTH = Post._meta.get_field("title").max_length
SLUG_LENGTH = Post._meta.get_field("slug").max_length
STANDFIRST_LENGTH = Post._meta.get_field("standfirst").max_length
DRAFT_STATUSES = ("draft", "pending", "auto-draft")


def import_wxr(stream, report, pictures=None):
    """Import the WXR file ``stream`` (binary), counting in ``report`` (an ``ImportReport``;
    its ``dry_run`` rolls everything back). With ``pictures`` (a ``pictures.PictureCopier``)
    the pictures of the posts created are copied into the library once the file is read.

    Raises ``reader.WxrError`` when the file cannot be read; the posts read before a
    malformed part stay imported (unless it is a dry run), with their pictures, and
    ``report`` counts them.
    """
    importer = Importer(report, pictures)
    with transaction.atomic() if report.dry_run else nullcontext():
        try:
            try:
                for entry in read_wxr(stream):
                    importer.add(entry)
            finally:  # the pictures of what was read, also when the rest is malformed
                if pictures is not None:
                    pictures.copy()
        finally:
            importer.count_authors_imported_before()
        if report.dry_run:
            transaction.set_rollback(True)
    return report


def _tag(name, slug):
    """The tag here of a WordPress term: by its slug, else by its name."""
    return (
        Tag.objects.filter(slug=slug[:TAG_LENGTH]).first()
        or Tag.objects.filter(name__iexact=name).first()
    )


def _label(item):
    return f"Post {item.wp_id} “{item.title or '(no title)'}”"


class Importer:
    def __init__(self, report, pictures=None):
        self.report = report
        self.pictures = pictures  # a PictureCopier with --fetch-images, else None
        self.source = ""
        self.authors = {}  # login -> Author
        self.cleaned = {}  # clean_login(login) -> Author, for creators written otherwise
        self.failed = set()  # clean logins of the authors that could not be created
        self.logins = set()  # login_key of every author and creator of the file
        self.users = {}  # wp:author_id -> User, for the comments they wrote
        self.terms = set()  # (source, slug) of the terms recorded (ImportedTag)
        self.started = timezone.now()

    def add(self, entry):
        match entry:
            case Channel():
                self.source = self.report.source = entry.source
                if self.pictures is not None:
                    self.pictures.add_channel(entry)
            case WxrAuthor():
                self.add_author(entry)
            case WxrItem():
                self.add_item(entry)

    def add_author(self, wp_author):
        if not wp_author.login:
            self.report.warnings.append("An author without a login was left out.")
            return
        self.logins.add(login_key(wp_author.login))
        try:
            with transaction.atomic():  # a dry run's transaction survives a failure here
                author = author_for(wp_author, self.source, self.report)
        except Exception as error:
            self.failed.add(clean_login(wp_author.login))
            self.report.warnings.append(
                f"Author “{wp_author.login}” could not be created ({error}): their posts get "
                "a placeholder author."
            )
            return
        self.authors[wp_author.login] = author
        self.cleaned.setdefault(clean_login(wp_author.login), author)
        if wp_author.wp_id:
            self.users[wp_author.wp_id] = author.user

    def add_item(self, item):
        if item.post_type == "attachment" and self.pictures is not None:
            self.pictures.add_attachment(item)
            return
        if item.post_type != "post" or item.status == "trash":
            self.report.skipped["trash" if item.post_type == "post" else item.post_type] += 1
            self.report.skipped["comments"] += len(item.comments)
            return
        if self.listed_author(creator(item)) is None:
            self.logins.add(login_key(creator(item)))
        outcome = ImportReport()
        job = _PostImport(self, item, outcome)
        try:
            with transaction.atomic():
                job.run()
        except Exception as error:
            if job.imported is None:
                self.report.skipped["failed"] += 1
                self.report.warnings.append(f"{_label(item)} was not imported: {error}")
            else:  # the post is here already: only what the file adds to it failed
                self.report.skipped["comments failed"] += 1
                self.report.warnings.append(
                    f"{_label(item)}: its new comments were not imported: {error}"
                )
        else:
            self.report.merge(outcome)
            self.terms |= job.terms
            if self.pictures is not None and (post := job.created or job.earlier) is not None:
                self.pictures.add_post(
                    post, item, job.converted_html, _label(item), earlier=post is job.earlier
                )

    def listed_author(self, login):
        """The author the export describes with ``login``, or written otherwise (``>alice``
        for ``alice``, what a username cannot hold left out), or None."""
        return self.authors.get(login) or self.cleaned.get(clean_login(login))

    def placeholder(self, login, report):
        """The placeholder author of a creator that is no (usable) author of the export."""
        reason = (
            "is an author that could not be created (see above)"
            if clean_login(login) in self.failed
            else "is not among the export's authors"
        )
        wp_author = WxrAuthor(wp_id=None, login=login, display_name=login)
        return author_for(wp_author, self.source, report, placeholder=reason)

    def count_authors_imported_before(self):
        """How many of the file's authors, placeholders too, an earlier run imported."""
        before = ImportedAuthor.objects.filter(
            source=self.source, login__in=self.logins, imported_at__lt=self.started
        )
        self.report.authors["unchanged"] = before.count()


def creator(item):
    """The login of an item's author (``dc:creator``)."""
    return item.creator or "wordpress"


class _PostImport:
    """One item of the export, in its transaction; counts go to ``report`` (merged on success)."""

    def __init__(self, importer, item, report):
        self.importer, self.item, self.report = importer, item, report
        self.source = importer.source
        self.imported = None  # the import of this item before this run, once looked up
        self.terms = set()  # (source, slug) of the terms this item recorded
        self.created = None  # the post this run created, with its body before the save
        self.earlier = None  # with --fetch-images, the post an earlier run imported
        self.converted_html = ""

    def run(self):
        item, source = self.item, self.source
        self.imported = imported = self.imported_before()
        if imported is not None and imported.post is None:
            self.report.posts["deleted"] += 1  # deleted here: it stays deleted
            return
        if imported is not None:
            self.report.posts["unchanged"] += 1
            post, source = imported.post, imported.source
            if not imported.path and (path := old_path(item.link)):
                # Imported before old paths were kept: its old links lead here from now on.
                ImportedPost.objects.filter(pk=imported.pk).update(path=path)
            self.record_terms(source)
            if self.importer.pictures is not None:  # its pictures that failed are retried
                self.earlier, self.converted_html = post, self.body(post.title).html
        else:
            post = self.create_post()
        import_thread(post, item.comments, source, self.importer.users, self.report)
        if imported is None:
            self.report.discussions["closed"] += import_discussion(post, item, self.warn)
            self.keep_modified_date(post)

    def imported_before(self):
        """The import of this item, by its id on this site, or by its guid when it came from
        the site under another address (or another WordPress that kept its guids). Within one
        site a guid is no key: WordPress gives a copied post its original's guid."""
        item = self.item
        found = ImportedPost.objects.select_related("post__author")
        return found.filter(source=self.source, wp_id=item.wp_id).first() or (
            found.filter(guid=item.guid).exclude(source=self.source).first() if item.guid else None
        )

    def create_post(self):
        item = self.item
        title = plain_text(item.title, TITLE_LENGTH) or "(no title)"
        status, published_at = self.status()
        body = self.body(title)
        post = Post(
            title=title,
            slug=self.free_slug(title),
            author=self.author(),
            standfirst=plain_text(item.excerpt, STANDFIRST_LENGTH),
            body=body.html,
            status=status,
            published_at=published_at,
        )
        post.save()
        self.created, self.converted_html = post, body.html
        post.tags.set(self.tags())
        self.add_media(post, body)
        self.report_body(body)
        ImportedPost.objects.create(
            post=post,
            source=self.source,
            wp_id=item.wp_id,
            guid=item.guid,
            path=old_path(item.link),
        )
        self.report.posts["created"] += 1
        scheduled = post.published_at and post.published_at > timezone.now()
        self.report.created_as["scheduled" if scheduled else post.status] += 1
        return post

    def body(self, title):
        """This site's own HTML as it is; WordPress's text converted (``content.py``)."""
        if self.item.meta.get(wxr.BODY_FORMAT_META) == "html":
            return site_body(self.item.content)
        return convert_body(self.item.content, title)

    def report_body(self, body):
        """What the editor should look at in this post, in the warnings and the totals; with
        --fetch-images, its pictures and galleries are counted once copied."""
        fetching = self.importer.pictures is not None
        shortcodes = body.shortcodes - Counter(gallery=body.shortcodes["gallery"] * fetching)
        self.report.shortcodes.update(shortcodes)
        if shortcodes:
            names = ", ".join(f"[{name}]" for name in sorted(shortcodes))
            self.warn(f"shortcodes kept as text: {names}.")
        if body.removed:
            self.report.media["markup"] += 1
            self.warn(f"markup this site does not keep was removed: {', '.join(body.removed)}.")
        if fetching:
            return
        if body.old_images:
            self.report.media["old images"] += body.old_images
            images = "image still loads" if body.old_images == 1 else "images still load"
            self.warn(
                f"{body.old_images} {images} from the old site: upload the pictures here "
                "and place them again before it closes (or import with --fetch-images)."
            )
        if self.item.meta.get(wxr.FEATURED_IMAGE_META):
            self.report.media["featured"] += 1
            self.warn(
                "its featured image stays at the old site: upload it here and choose it in "
                "the post's Featured image field (or import with --fetch-images)."
            )

    def keep_modified_date(self, post):
        """WordPress's last modification, not the import's (``updated_at`` is ``auto_now``):
        feeds and sitemaps would otherwise say every post changed today."""
        try:
            modified = wxr_date(self.item.modified_gmt, self.item.modified)
        except ValueError:
            modified = None
        if modified is not None:
            Post.objects.filter(pk=post.pk).update(updated_at=modified)

    def warn(self, message):
        self.report.warnings.append(f"{_label(self.item)}: {message}")

    def status(self):
        """The post's status and publication date here, from WordPress's."""
        item = self.item
        date = wxr_date(item.date_gmt, item.date)
        if item.password:
            self.warn("password-protected on WordPress, imported as a draft (never public).")
            return Post.Status.DRAFT, date
        if item.status in ("publish", "future"):  # a future date schedules it, as there
            return Post.Status.PUBLISHED, date
        if item.status == "private":
            self.warn("private on WordPress, imported as a draft.")
        elif item.status not in DRAFT_STATUSES:
            self.warn(f"status “{item.status}” is unknown here, imported as a draft.")
        # A draft keeps a date WordPress fixed (in UTC); one never dated stays undated.
        return Post.Status.DRAFT, wxr_date(item.date_gmt, "")

    def author(self):
        login = creator(self.item)
        return self.importer.listed_author(login) or self.importer.placeholder(login, self.report)

    def free_slug(self, title):
        """WordPress's slug (or one from the title), suffixed if a post here has or had it."""
        wanted = (
            slugify(unquote(self.item.post_name)) or slugify(title) or f"post-{self.item.wp_id}"
        )[:SLUG_LENGTH]
        slug = first_free(
            wanted,
            lambda slug: (
                Post.objects.filter(slug=slug).exists()
                or FormerSlug.objects.filter(slug=slug).exists()
            ),
            SLUG_LENGTH,
        )
        if slug != wanted:
            self.warn(f"the slug “{wanted}” is taken here: imported as “{slug}”.")
        elif wanted == f"post-{self.item.wp_id}" and (self.item.post_name or title):
            self.warn(
                f"its slug has no letters a web address here takes (a–z, 0–9): imported as "
                f"“{slug}”; give it a better one in the admin."
            )
        return slug

    def tags(self):
        """Categories and tags, both as tags (found by slug, else by name, else created),
        each term's slug recorded."""
        tags = {}
        for name, slug in self.item_terms():
            tag = _tag(name, slug) or Tag.objects.create(name=name, slug=slug[:TAG_LENGTH])
            tags[tag.pk] = tag
            self.record_term(self.source, slug, tag)
        return list(tags.values())

    def item_terms(self):
        """(name, slug) of the item's categories and tags that are topics, the name cut to
        fit; the slug is WordPress's (``nicename``) as old links look it up, or one made from
        the name."""
        for domain, nicename, label in self.item.categories:
            name = html.unescape(label).strip()
            slug = slugify(unquote(nicename)) or slugify(name)
            if domain not in TAG_DOMAINS or not name or slug == DEFAULT_CATEGORY:
                continue
            if not slug:  # a name in a script slugs cannot spell
                slug = f"tag-{sha1(name.encode()).hexdigest()[:8]}"
            if len(name) > TAG_LENGTH:
                short = plain_text(name, TAG_LENGTH)
                if self.imported is None:  # said once, when the post is created
                    self.warn(
                        f"the tag “{name}” is longer than {TAG_LENGTH} characters: “{short}”."
                    )
                name = short
            yield name, slug

    def record_term(self, source, slug, tag):
        """Keep the term's own slug (``ImportedTag``): its old address finds ``tag`` even when
        the term became a tag of another slug."""
        key = (source, slug[:TERM_SLUG_LENGTH])
        if key not in self.importer.terms and key not in self.terms:
            ImportedTag.objects.get_or_create(source=key[0], slug=key[1], defaults={"tag": tag})
            self.terms.add(key)

    def record_terms(self, source):
        """The terms of a post imported before terms were recorded: once per term and run."""
        for name, slug in self.item_terms():
            key = (source, slug[:TERM_SLUG_LENGTH])
            if key in self.importer.terms or key in self.terms:
                continue
            if ImportedTag.objects.filter(source=source, slug=key[1]).exists():
                self.terms.add(key)
            elif tag := _tag(name, slug):
                self.record_term(source, slug, tag)

    def add_media(self, post, body):
        """Related media: those the export lists (``_blog_related_media``), then the videos
        found in the body, each URL once."""
        items = [*self.listed_media(), *({"url": url, "title": t} for url, t in body.media)]
        seen = set()
        for entry in items:
            try:
                url = parse_media_url(str(entry.get("url", ""))).url
            except ValidationError as error:
                self.warn(f"related media “{entry.get('url')}” left out: {error.messages[0]}")
                continue
            if url in seen:
                continue
            seen.add(url)
            MediaEmbed.objects.create(
                post=post,
                position=len(seen) - 1,
                url=url,
                title=str(entry.get("title") or url)[:200],
                credit=str(entry.get("credit") or "")[:200],
                caption=str(entry.get("caption") or "")[:1000],
            )
        self.report.media["related"] += len(seen)
        self.report.media["links"] += body.media_links
        self.report.media["scripts"] += body.scripts

    def listed_media(self):
        raw = self.item.meta.get(wxr.RELATED_MEDIA_META)
        if not raw:
            return []
        try:
            listed = json.loads(raw)
        except ValueError:
            listed = None
        if not isinstance(listed, list) or not all(isinstance(e, dict) for e in listed):
            self.warn(f"{wxr.RELATED_MEDIA_META} is not a list of media: left out.")
            return []
        return listed
