"""Post pages: one rendering of what every reader sees, filled in with each reader's own parts.

A public post page is the same for every reader but for a few parts: messages, the "Edit
post" link and the comment form (its CSRF token, a remembered name). Templates mark those
with ``{% slot %}``; the rest is rendered once and cached under a key that names everything
it shows: the address, the post's row (``updated_at``) and a part from each app that adds to
the page (``settings.POST_PAGE_PARTS``; the discussion gives its version). A change therefore
shows at the next request on every server, with nothing to invalidate: an old entry is
simply never asked for again. An app answers None for a reader who sees more than others
(a moderator), and that reader's page is rendered for them alone.

``PAGE_CACHE_SECONDS = 0`` turns the cache off (the benchmark's cold runs).
"""

import hashlib
import logging
from contextlib import suppress
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from .context_processors import site

logger = logging.getLogger(__name__)

PAGES = "pages"  # the cache alias
# Slots are cut out at this character. PostgreSQL text cannot hold it, so no stored
# content can forge one.
SLOT = "\x00"


@cache
def page_parts():
    """The apps' parts of the key (``POST_PAGE_PARTS``): each is called with the request and
    the post, and names in ``related`` what to read with the post."""
    return [import_string(path)() for path in settings.POST_PAGE_PARTS]


def related():
    """What the post page's query reads with the post for the parts' keys."""
    return [name for part in page_parts() for name in part.related]


@cache
def release():
    """A digest of what pages are made from here: the project's apps and templates.

    Part of every key, so a cache shared by servers never hands one release a page (or a
    slot naming a template) rendered by another, during a rolling deploy or after it.
    """
    roots = [Path(app.path) for app in apps.get_app_configs()]
    roots = [
        root
        for root in roots
        if root.is_relative_to(settings.BASE_DIR) and "site-packages" not in root.parts
    ]
    roots += [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def shared_key(request, post):
    """(key, expires) of this page's shared part, or (None, None) if this reader's page is
    their own."""
    parts = [
        release(),
        request.build_absolute_uri(post.get_absolute_url()),
        post.updated_at.isoformat(),
    ]
    expires = None
    for page_part in page_parts():
        part = page_part(request, post)
        if part is None:
            return None, None
        key, until = part
        parts.append(key)
        expires = min(filter(None, (expires, until)), default=None)
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"post-page:{digest}", expires


def shared_response(request, template_name, context, key, expires):
    """The page from its shared part (cached, or rendered now) and this reader's slots.

    A reader with no messages waiting gets an ETag naming the shared part, their cookies
    and the day, so a revisit with nothing changed is a 304. Staff get none: their rights
    (the "Edit post" slot) live in the database, not in their cookies. The day keeps the
    comment form a browser reuses younger than the form's age limit.
    """
    etag = None
    if not get_messages(request) and not request.user.is_staff:
        cookies = request.META.get("HTTP_COOKIE", "")
        stamp = f"{key}\n{cookies}\n{timezone.now().date()}"
        etag = f'"{hashlib.sha256(stamp.encode()).hexdigest()[:32]}"'
        if etag in request.headers.get("If-None-Match", ""):
            return _private(HttpResponseNotModified(headers={"ETag": etag}))
    pieces = cached(key)
    if pieces is None:
        pieces = _render_shared(request, template_name, context)
        timeout = settings.PAGE_CACHE_SECONDS
        if expires is not None:
            timeout = min(timeout, (expires - timezone.now()) // timedelta(seconds=1))
        store(key, pieces, timeout)
    response = HttpResponse(_fill(request, pieces, context))
    if etag:
        response["ETag"] = etag
    return _private(response)


def cached(key):
    """What the page cache holds under ``key``, or None; a cache server that does not answer
    is a miss (and logged), so pages are rendered meanwhile."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return None  # off: what was kept before is not used either
    try:
        return caches[PAGES].get(key)
    except (RedisError, OSError):
        logger.warning("The page cache is unreachable: pages are rendered meanwhile.")
        return None


def store(key, value, timeout=None):
    """Keep ``value`` for ``timeout`` seconds (PAGE_CACHE_SECONDS by default), if at all."""
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    if timeout > 0:
        with suppress(RedisError, OSError):  # as cached() has said
            caches[PAGES].set(key, value, timeout)


def _render_shared(request, template_name, context):
    """What every reader sees, with slot marks: rendered without the reader (no user, no
    CSRF token, no messages), so none of theirs can slip into it."""
    shared = {**context, **site(request), "request": request, "shared_page": True}
    html = get_template(template_name).render(shared)
    return [piece.encode() for piece in html.split(SLOT)]  # encoded once, not per request


def _fill(request, pieces, context):
    """Render each slot (every second piece names its template) for this reader, as bytes."""
    filled = list(pieces)
    for index in range(1, len(filled), 2):
        filled[index] = render_to_string(filled[index].decode(), context, request).encode()
    return b"".join(filled)


def _private(response):
    """The page holds this reader's CSRF token: browsers may keep it, shared caches not."""
    patch_cache_control(response, private=True, no_cache=True)
    return response
