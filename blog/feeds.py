"""Atom feeds of posts: the whole site's, one tag's, one author's.

``SiteFeed`` is what every feed of the site shares (the comments app builds its own on it):
entries with their full HTML as ``<content>``, text XML can hold, and the headers a feed
polled every few minutes deserves.
"""

import copy
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html

from .models import Author, Post, Tag
from .sanitize import portable_article_html

# Feed readers poll; five minutes of staleness spares the database most of their visits.
MAX_AGE = 300
POSTS_IN_FEED = 20
# A featured image in an entry: as wide as a feed reader's column usually is.
FEED_IMAGE_WIDTH = 800
# What XML 1.0 cannot carry (Django refuses to write it): a title pasted from a word
# processor with a vertical tab would otherwise break the whole feed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value):
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [_xml_text(item) for item in value]
    return value


class AtomFeed(Atom1Feed):
    """Atom with each entry's full HTML in ``<content type="html">`` (``summary`` stays the
    short text), and only characters XML can hold."""

    def __init__(self, **fields):
        super().__init__(**{name: _xml_text(value) for name, value in fields.items()})

    def add_item(self, **fields):
        super().add_item(**{name: _xml_text(value) for name, value in fields.items()})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content") is not None:
            handler.addQuickElement("content", item["content"], {"type": "html"})


class SiteFeed(Feed):
    """A feed of this site: Atom, cacheable by anyone for ``MAX_AGE``, and a 304 for a reader
    whose copy (its ETag) is current.

    No Last-Modified: the newest entry's date does not move when an entry leaves the feed
    (a post unpublished, a comment removed), so only the content's digest says what changed.
    """

    feed_type = AtomFeed

    def item_content(self, item):
        """The entry's full, stored HTML."""
        return None

    def item_extra_kwargs(self, item):
        return {"content": self.item_content(item)}

    def __call__(self, request, *args, **kwargs):
        """Serve from a copy: the URLconf's one instance is shared by every request and thread."""
        feed = copy.copy(self)
        feed.request = request
        response = super(SiteFeed, feed).__call__(request, *args, **kwargs)
        del response.headers["Last-Modified"]
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response)


class LatestPostsFeed(SiteFeed):
    """The site's published posts, newest first."""

    link = reverse_lazy("blog:home")
    title = settings.SITE_NAME
    subtitle = settings.SITE_DESCRIPTION

    def posts(self, obj):
        """The published posts this feed is about (all of them here)."""
        return Post.objects.published()

    def items(self, obj):
        posts = self.posts(obj).select_related("author", "featured_image").prefetch_related("tags")
        return posts[:POSTS_IN_FEED]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return escape(item.standfirst) or None  # plain text, in a summary of type html

    def item_content(self, item):
        """The body, led by the featured image as on the post's page (at absolute addresses:
        a feed reader has no page to resolve them against)."""
        body = portable_article_html(item.body, self.request.build_absolute_uri("/"))
        picture = item.featured_image
        if picture is None:
            return body
        source = picture.source_for(FEED_IMAGE_WIDTH)
        figure = format_html(
            '<figure><img src="{}" width="{}" height="{}" alt="{}"></figure>',
            self.request.build_absolute_uri(source.url),
            source.width,
            source.height,
            picture.alt,
        )
        return figure + body

    def item_author_name(self, item):
        return item.author.display_name

    def item_author_link(self, item):
        return self.request.build_absolute_uri(item.author.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class TagFeed(LatestPostsFeed):
    """One tag's published posts."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def posts(self, tag):
        return super().posts(tag).filter(tags=tag)

    def title(self, tag):
        return f"{settings.SITE_NAME}: posts tagged “{tag.name}”"

    def link(self, tag):
        return tag.get_absolute_url()


class AuthorFeed(LatestPostsFeed):
    """One author's published posts."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def posts(self, author):
        return super().posts(author).filter(author=author)

    def title(self, author):
        return f"{settings.SITE_NAME}: posts by {author.display_name}"

    def link(self, author):
        return author.get_absolute_url()

    def subtitle(self, author):
        return author.bio or None
