"""The imported blog's old addresses lead to their places here: ten years of links keep working.

Links and search results point at WordPress's addresses: a post's permalink (``/2016/03/14/
slug/``, ``/slug/``…, as ``ImportedPost.path`` recorded it) and its comment feed (``…/feed/``),
``/?p=<id>``, category, tag and author pages and their feeds, date archives, ``/?s=`` searches
and ``/?tag=``. ``OldLinksMiddleware`` answers them with a permanent redirect to the post, tag
or author page (or feed), archive or search here, found when asked, so a post renamed since is
sent to its address of today. A category or tag is found by its slug here or by the slug it had
on WordPress (``ImportedTag``: two terms named alike became one tag).

Like ``django.contrib.redirects``, it looks only at what the site answers 404, so the pages it
has pay nothing; only WordPress's queries of its home page (``?p=``, ``?s=``, ``?tag=``) are
caught before the home page answers them, on those requests alone (``?p=``: one indexed query).
A post readers cannot see (a draft, a scheduled post, one deleted here) stays a 404: an old
link never reveals where it is.
"""

import re
from datetime import date
from urllib.parse import unquote, urlencode, urlsplit

from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.text import slugify

from blog.models import Author, Post, Tag
from blog.views import MOVED_MAX_AGE

from .models import PATH_LENGTH, TERM_SLUG_LENGTH, ImportedAuthor, ImportedPost, ImportedTag

READ_METHODS = ("GET", "HEAD")
# Where WordPress answers ``?p=<id>`` (its plain permalinks, the links of its drafts).
HOME_PATHS = ("/", "/index.php")
IN_FOLDER = ("/", "/index.php")
WP_ID = re.compile(r"[0-9]{1,18}")  # what fits a bigint
# WordPress's queries of its home page that lead somewhere here: a post, a search, a tag.
HOME_QUERIES = ("p", "s", "tag")
# A feed of what the rest of the path names: …/feed/, …/feed/atom/, …/feed/rss2/…
FEED = re.compile(r"feed/(?:(?:atom|rss2?|rdf)/)?$")
# A later page of a post's comments, or its AMP version: the post.
POST_PAGE = re.compile(r"(?:comment-page-[0-9]+|amp)/$")
# /category/x/, /category/parent/child/ (the last is the slug), /tag/x/, /author/login/, and
# a later page of them; after the blog's folder, if WordPress lived in one (/blog/tag/x/).
ARCHIVE = re.compile(
    r"^/(?:[^/]+/)*?(?P<kind>category|tag|author)/(?:[^/]+/)*?(?P<slug>[^/]+)/(?:page/[0-9]+/)?$"
)
# A date archive, /2016/, /2016/03/ or /2016/03/14/ (a later page too). At the root only: in
# a folder, four digits are as likely an id in one of this site's own paths (/admin/…/2016/).
DATE_ARCHIVE = re.compile(
    r"^/(?P<year>[0-9]{4})/(?:(?P<month>[0-9]{2})/(?:(?P<day>[0-9]{2})/)?)?(?:page/[0-9]+/)?$"
)
TAG_LENGTH = Tag._meta.get_field("slug").max_length


def old_path(link):
    """The path of a WordPress permalink as old links are looked up, or "" when the link
    names no post by its path (``/?p=20``, what WordPress gives drafts)."""
    parts = urlsplit(link.strip())
    return "" if parts.query else normal_path(unquote(parts.path))


def normal_path(path):
    """A decoded path as old paths are kept: lower case (WordPress finds slugs whatever their
    case), ending with a slash; "" for one no post can have."""
    path = path.lower()
    if not path.endswith("/"):
        path += "/"
    if path == "/" or not path.startswith("/") or len(path) > PATH_LENGTH or "\x00" in path:
        return ""
    return path


def old_link(path):
    """The address here of what was at ``path`` (decoded) on WordPress, or None."""
    path = normal_path(path)
    if not path:
        return None
    feed = FEED.search(path)
    rest = path[: feed.start()] if feed else POST_PAGE.sub("", path)
    if rest == "/" and feed:
        return reverse("blog:feed")
    # The whole path first: a post's own slug may look like a suffix (``/2016/03/amp/``).
    wanted = {path: "blog:post", rest: "comments:post_feed" if feed else "blog:post"}
    found = dict(
        ImportedPost.objects.filter(path__in=wanted, post__in=Post.objects.published()).values_list(
            "path", "post__slug"
        )
    )
    for candidate, name in wanted.items():
        if candidate in found:
            return reverse(name, kwargs={"slug": found[candidate]})
    if archive := ARCHIVE.match(rest if feed else path):
        return _archive(archive["kind"], archive["slug"], feed=bool(feed))
    if (archive := DATE_ARCHIVE.match(path)) and not feed:
        return _date_archive(archive["year"], archive["month"], archive["day"])
    return None


def _date_archive(year, month, day):
    """A year's archive is the archive here (every month); a month's or a day's, the
    month's page, when it has posts. Not a date, no page."""
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    if month is None:
        return reverse("blog:archive")
    year, month = int(year), int(month)
    posts = Post.objects.published().filter(published_at__year=year, published_at__month=month)
    if not posts.exists():  # the month's page here would be a 404
        return None
    return reverse("blog:archive_month", kwargs={"year": year, "month": month})


def _archive(kind, slug, feed):
    """A category's or tag's page or feed (both are tags here), or an imported author's."""
    if kind == "author":
        logins = ImportedAuthor.objects.filter(login__iexact=slug).values("author")
        found, name = Author.objects.filter(pk__in=logins), "blog:author"
    else:
        found, name = _tags(slugify(slug)), "blog:tag"
    slug = found.values_list("slug", flat=True).first()
    return reverse(f"{name}_feed" if feed else name, kwargs={"slug": slug}) if slug else None


def _tags(slug):
    """The tag a WordPress term's slug names, in one query: the tag a term of that slug
    became (``ImportedTag``), else the tag of that slug here."""
    imported = ImportedTag.objects.filter(tag=OuterRef("pk"), slug=slug[:TERM_SLUG_LENGTH])
    return Tag.objects.filter(Q(Exists(imported)) | Q(slug=slug[:TAG_LENGTH])).order_by(
        Exists(imported).desc()
    )


def home_query(query):
    """Where a query of WordPress's home page leads here, or None: ``?p=<id>`` the post,
    ``?s=<words>`` the search, ``?tag=<slug>`` the tag."""
    if WP_ID.fullmatch(wp_id := query.get("p", "")):
        return post_by_id(int(wp_id))
    if "s" in query:
        words = query["s"].strip()
        return reverse("blog:search") + (f"?{urlencode({'q': words})}" if words else "")
    if tag := query.get("tag", ""):
        return _archive("tag", tag, feed=False)
    return None


def post_by_id(wp_id):
    """The address of the published post WordPress numbered ``wp_id``, or None."""
    ids = ImportedPost.objects.filter(wp_id=wp_id).values("post")
    slug = Post.objects.published().filter(pk__in=ids).values_list("slug", flat=True).first()
    return reverse("blog:post", kwargs={"slug": slug}) if slug else None


def _moved(url):
    response = HttpResponsePermanentRedirect(url)
    # A post renamed again moves again: browsers must not keep the old answer for ever.
    patch_cache_control(response, max_age=MOVED_MAX_AGE)
    return response


class OldLinksMiddleware:
    """Redirect the imported blog's old addresses (see the module); the query string is
    WordPress's, so it is left behind."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READ_METHODS:
            return self.get_response(request)
        asks = any(key in request.GET for key in HOME_QUERIES)
        if asks and request.path_info in HOME_PATHS and (url := home_query(request.GET)):
            return _moved(url)
        response = self.get_response(request)
        if response.status_code == 404:
            # A WordPress that lived in a folder: /blog/?p=10, /blog/index.php?s=words.
            in_folder = asks and request.path_info.endswith(IN_FOLDER)
            if url := old_link(request.path_info) or (in_folder and home_query(request.GET)):
                return _moved(url)
        return response
