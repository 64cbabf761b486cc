"""The imported blog's old addresses lead to their places here: ten years of links keep working.

Links and search results point at WordPress's addresses: a post's permalink (``/2016/03/14/
slug/``, ``/slug/``…, as ``ImportedPost.path`` recorded it) and its comment feed (``…/feed/``),
``/?p=<id>``, category, tag and author pages and their feeds. ``OldLinksMiddleware`` answers
them with a permanent redirect to the post, tag or author page (or feed) here, found when asked,
so a post renamed since is sent to its address of today.

Like ``django.contrib.redirects``, it looks only at what the site answers 404, so the pages it
has pay nothing; only ``/?p=<id>`` is caught before the home page answers it, with one indexed
query on those requests alone. A post readers cannot see (a draft, a scheduled post, one
deleted here) stays a 404: an old link never reveals where it is.
"""

import re
from urllib.parse import unquote, urlsplit

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.text import slugify

from blog.models import Author, Post, Tag
from blog.views import MOVED_MAX_AGE

from .models import PATH_LENGTH, ImportedAuthor, ImportedPost

READ_METHODS = ("GET", "HEAD")
# Where WordPress answers ``?p=<id>`` (its plain permalinks, the links of its drafts).
HOME_PATHS = ("/", "/index.php")
IN_FOLDER = ("/", "/index.php")
WP_ID = re.compile(r"[0-9]{1,18}")  # what fits a bigint
# A feed of what the rest of the path names: …/feed/, …/feed/atom/, …/feed/rss2/…
FEED = re.compile(r"feed/(?:(?:atom|rss2?|rdf)/)?$")
# A later page of a post's comments, or its AMP version: the post.
POST_PAGE = re.compile(r"(?:comment-page-[0-9]+|amp)/$")
# /category/x/, /category/parent/child/ (the last is the slug), /tag/x/, /author/login/, and
# a later page of them; after the blog's folder, if WordPress lived in one (/blog/tag/x/).
ARCHIVE = re.compile(
    r"^/(?:[^/]+/)*?(?P<kind>category|tag|author)/(?:[^/]+/)*?(?P<slug>[^/]+)/(?:page/[0-9]+/)?$"
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
    return None


def _archive(kind, slug, feed):
    """A category's or tag's page or feed (both are tags here), or an imported author's."""
    if kind == "author":
        logins = ImportedAuthor.objects.filter(login__iexact=slug).values("author")
        found, name = Author.objects.filter(pk__in=logins), "blog:author"
    else:
        found, name = Tag.objects.filter(slug=slugify(slug)[:TAG_LENGTH]), "blog:tag"
    slug = found.values_list("slug", flat=True).first()
    return reverse(f"{name}_feed" if feed else name, kwargs={"slug": slug}) if slug else None


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
        wp_id = request.GET.get("p", "")
        wp_id = int(wp_id) if WP_ID.fullmatch(wp_id) else None
        if wp_id and request.path_info in HOME_PATHS and (url := post_by_id(wp_id)):
            return _moved(url)
        response = self.get_response(request)
        if response.status_code == 404:
            # A WordPress that lived in a folder: /blog/?p=10, /blog/index.php?p=10.
            in_folder = wp_id and request.path_info.endswith(IN_FOLDER)
            if url := (post_by_id(wp_id) if in_folder else old_link(request.path_info)):
                return _moved(url)
        return response
