"""Allowlist HTML sanitising with bleach, applied when content is saved.

Stored HTML is already safe, so templates render it without further processing. What the
sanitiser takes out of an article is reported, so the post admin can tell its author.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import bleach
from bleach import html5lib_shim
from bleach.sanitizer import BleachSanitizerFilter
from django.conf import settings

ARTICLE_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "dl", "dt", "dd",
        "a", "em", "strong", "i", "b", "u", "s", "small", "sub", "sup", "mark",
        "abbr", "cite", "q", "blockquote",
        "figure", "figcaption", "img",
        "code", "pre", "kbd", "samp",
    }
)  # fmt: skip
LINK_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements whose content is no article text: they go whole, not leaving their code as prose.
REMOVED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "noscript", "template", "svg", "math", "textarea", "select",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# What browsers ignore in a URL's scheme (bleach normalises the same way before checking it).
IGNORED_IN_SCHEME = re.compile(r"[`\x00-\x20\x7f-\xa0\s]+")


# What an <img> may say besides its address, and the values each may take (None: any).
IMAGE_ATTRIBUTES = {
    "alt": None,
    "title": None,
    "width": re.compile(r"\d{1,5}"),
    "height": re.compile(r"\d{1,5}"),
    "sizes": re.compile(r"[\w\s().,:%+*/-]{1,300}"),
    "loading": re.compile(r"lazy|eager"),
    "decoding": re.compile(r"async|auto|sync"),
    "fetchpriority": re.compile(r"high|low|auto"),
    # The editor's reference to an image of the site's library (blog.models.Image).
    "data-file": re.compile(r"\d{1,18}"),
}
# The editor's figure marks itself with these classes; they are kept, no others.
KNOWN_CLASSES = {"figure": "figure", "figcaption": "figure-caption"}


def _is_web_url(value):
    return urlsplit(value.strip()).scheme.lower() in {"http", "https"}


def _is_image_url(value):
    """A web address, or a path to the site's own uploads (MEDIA_URL)."""
    media = settings.MEDIA_URL
    if media.startswith("/") and value.startswith(media) and not value.startswith("//"):
        return ".." not in value.split("/")
    return _is_web_url(value)


def _is_srcset(value):
    """Candidates of web or upload addresses with a width or density: "a.jpg 480w, b.jpg 2x"."""
    candidates = [c.split() for c in value.split(",")]
    return all(
        len(c) == 2 and _is_image_url(c[0]) and re.fullmatch(r"\d+w|\d+(\.\d+)?x", c[1])
        for c in candidates
    )


def _article_attribute_allowed(tag, name, value):
    if tag == "a":
        return name in {"href", "title"}
    if tag == "img":
        if name == "src":
            return _is_image_url(value)
        if name == "srcset":
            return _is_srcset(value)
        if name not in IMAGE_ATTRIBUTES:
            return False
        pattern = IMAGE_ATTRIBUTES[name]
        return pattern is None or bool(pattern.fullmatch(value))
    if name == "class":
        return KNOWN_CLASSES.get(tag) == value
    if tag in {"abbr", "q", "blockquote"}:
        return name in {"title", "cite"}
    if tag == "ol":
        return name in {"start", "reversed"}
    if tag == "pre":
        return name == "tabindex" and value == "0"
    return False


def focusable_code_blocks(html):
    """Code blocks take keyboard focus, so keyboard users can scroll the wide ones."""
    return html.replace("<pre>", '<pre tabindex="0">')


def _dropped_attribute(tag, name, value):
    """How the author would name an attribute the policy refused: its kind of link, or its name."""
    if name in URL_ATTRIBUTES:
        scheme = urlsplit(IGNORED_IN_SCHEME.sub("", html.unescape(value))).scheme.lower()
        if scheme and scheme not in LINK_PROTOCOLS | {"http", "https"}:
            return f"{scheme}: {'images' if tag == 'img' else 'links'}"
        if tag == "img" and name == "src":
            return "images without a full web address (https://...)"
    return f"{name} attributes"


class _ReportingFilter(BleachSanitizerFilter):
    """bleach's filter, which also drops whole elements of REMOVED_WITH_CONTENT and notes,
    in order and once each, what it removed."""

    def __init__(self, source, **kwargs):
        super().__init__(source, **kwargs)
        self.removed = {}  # an ordered set of descriptions
        self._depth_in_removed = 0

    def sanitize_token(self, token):
        kind, name = token["type"], token.get("name")
        if self._depth_in_removed:
            self._depth_in_removed += {"StartTag": 1, "EndTag": -1}.get(kind, 0)
            return None
        if kind in {"StartTag", "EmptyTag"} and name in REMOVED_WITH_CONTENT:
            self.removed[f"<{name}> (with its content)"] = None
            self._depth_in_removed = 1 if kind == "StartTag" else 0
            return None
        if kind in {"StartTag", "EmptyTag"} and name not in self.allowed_tags:
            self.removed[f"<{name}>"] = None
        elif kind == "Comment":
            self.removed["HTML comments"] = None
        return super().sanitize_token(token)

    def allow_token(self, token):
        submitted = dict(token.get("data") or {})
        token = super().allow_token(token)
        for key, value in submitted.items():
            if key not in token.get("data", {}):
                self.removed[_dropped_attribute(token["name"], key[1], value)] = None
        return token


def _is_img(token):
    return token.get("name") == "img" and token["type"] in {"StartTag", "EmptyTag"}


class _ImageSizes:
    """Makes ``<img>`` tokens responsive, and notes the images left without alternative text.

    ``images`` maps the id of each library image the text refers to (``data-file``) to its
    attributes, which it gets (sizes, dimensions), or to None for one deleted since: that
    picture goes, with the figure holding it (its caption speaks of it) unless the figure
    holds other pictures. Every image loads lazily.
    """

    def __init__(self, images):
        self.images = images
        self.unlabelled = []
        self.deleted = []

    def _is_deleted(self, token):
        if _is_img(token) and self.images.get(token["data"].get((None, "data-file")), {}) is None:
            self.deleted.append(token["data"].get((None, "src"), ""))
            return True
        return False

    def __call__(self, tokens):
        figure = None  # the tokens of the figure being read, held until its end is known
        for token in tokens:
            if token.get("name") == "figure" and token["type"] == "StartTag" and figure is None:
                figure = [token]
                continue
            if figure is not None:
                figure.append(token)
                if token.get("name") == "figure" and token["type"] == "EndTag":
                    deleted = [held for held in figure if self._is_deleted(held)]
                    if len(deleted) < sum(1 for held in figure if _is_img(held)):
                        # Other pictures keep the figure; only the deleted one goes.
                        yield from self._sized([t for t in figure if t not in deleted])
                    figure = None
                continue
            if not self._is_deleted(token):
                yield from self._sized([token])
        if figure is not None:
            yield from self._sized(figure)

    def _sized(self, tokens):
        for token in tokens:
            if _is_img(token):
                data = token["data"]
                attributes = self.images.get(data.get((None, "data-file"))) or {}
                if data.get((None, "alt"), "").strip():  # the author's words for this use
                    attributes = {k: v for k, v in attributes.items() if k != "alt"}
                data.update({(None, name): value for name, value in attributes.items()})
                data.setdefault((None, "loading"), "lazy")
                data.setdefault((None, "decoding"), "async")
                if not data.get((None, "alt"), "").strip():
                    self.unlabelled.append(data.get((None, "src")) or "an image with no address")
            yield token


def _render(text, *steps):
    """``text`` through the policy, then through each of ``steps`` (token filters); the safe
    HTML and the policy's filter, which knows what it removed."""
    cleaner = bleach.Cleaner(
        tags=ARTICLE_TAGS,
        attributes=_article_attribute_allowed,
        protocols=LINK_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    # bleach's own parser turns a refused tag into text as it reads it, so a <script>'s code
    # would be read as prose; this one parses as browsers do and the filter does the refusing.
    parser = html5lib_shim.BleachHTMLParser(
        tags=None, strip=True, consume_entities=False, namespaceHTMLElements=False
    )
    policy = _ReportingFilter(
        source=cleaner.walker(parser.parseFragment(text)),
        allowed_tags=cleaner.tags,
        attributes=cleaner.attributes,
        allowed_protocols=cleaner.protocols,
        strip_disallowed_tags=True,
        strip_html_comments=True,
    )
    tokens = policy
    for step in steps:
        tokens = step(tokens)
    return focusable_code_blocks(cleaner.serializer.render(tokens)), policy


@dataclass
class Sanitised:
    """An article through the policy: its safe HTML, what was removed (as an author would
    read it), the addresses of its pictures without alternative text, and those of the
    library pictures left out because they were deleted."""

    html: str = ""
    removed: list = field(default_factory=list)
    unlabelled: list = field(default_factory=list)
    deleted: list = field(default_factory=list)


def sanitise(text, images=None):
    """``text`` through the article policy, with the library's ``images`` (see
    ``sanitize_article_html``), and what the policy found."""
    if not text:
        return Sanitised()
    sized = _ImageSizes(images or {})
    clean, policy = _render(text, sized)
    return Sanitised(clean, list(policy.removed), sized.unlabelled, sized.deleted)


def sanitize_article_html(text, images=None):
    """Keep the markup an article needs; scripts, styles and embedded objects go whole.

    ``images`` maps the ids of library images the text refers to (``data-file``) to their
    ``<img>`` attributes (``Image.img_attributes``), which replace what the text says, or to
    None for a picture deleted since, which is left out (``ImageManager.attributes_in``).
    """
    return sanitise(text, images).html


def removed_markup(text):
    """What sanitising takes out of ``text``, as an author would read it: ``["<script> (with
    its content)", "onclick attributes", "javascript: links"]``; empty when nothing."""
    return sanitise(text).removed


def portable_article_html(safe_html, base_url, library_attributes=None):
    """A sanitised article as it can travel (a feed entry, an export): its images' addresses
    made absolute against ``base_url``, and no reference to this site's library, whose ids
    mean other pictures elsewhere. ``library_attributes(image_id)``, when given, says what a
    library picture is written with instead ({"src": ..., ...}, or None to leave it): its
    srcset and sizes, naming this site's copies, go."""

    def portable(tokens):
        for token in tokens:
            if _is_img(token):
                data = token["data"]
                image_id = data.pop((None, "data-file"), None)
                if library_attributes and image_id and (own := library_attributes(image_id)):
                    data.pop((None, "srcset"), None)
                    data.pop((None, "sizes"), None)
                    data.update({(None, name): value for name, value in own.items()})
                if src := data.get((None, "src")):
                    data[(None, "src")] = urljoin(base_url, src)
                if srcset := data.get((None, "srcset")):
                    data[(None, "srcset")] = ", ".join(
                        " ".join([urljoin(base_url, url), *rest])
                        for url, *rest in (c.split() for c in srcset.split(","))
                    )
            yield token

    if "<img" not in safe_html:  # stored HTML is already safe: only pictures change here
        return safe_html
    return _render(safe_html, portable)[0]


def refer_to_library(safe_html, images):
    """A sanitised article whose pictures come from the library: each ``<img>`` whose src
    is a key of ``images`` (address → ``Image``) refers to that image (``data-file``; the
    sizes it had elsewhere go, the save writes the image's own), and each link to such an
    address leads to the image's file. Its alt text stays."""

    def referring(tokens):
        for token in tokens:
            data = token.get("data") if token["type"] in {"StartTag", "EmptyTag"} else None
            if _is_img(token) and (image := images.get(data.get((None, "src")))):
                for name in ("srcset", "sizes", "width", "height"):
                    data.pop((None, name), None)
                data[(None, "data-file")] = str(image.pk)
            elif (
                token.get("name") == "a"
                and data
                and (image := images.get(data.get((None, "href"))))
            ):
                data[(None, "href")] = image.file.url
            yield token

    return _render(safe_html, referring)[0] if safe_html else ""
