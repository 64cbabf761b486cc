"""WordPress's stored text turned into this site's: post bodies, excerpts and comments.

WordPress stores a classic post without paragraphs (``wpautop`` adds them when the post is
shown) and with shortcodes (expanded when shown). Here both are done once, at import: the
essential of ``wpautop``, then the shortcodes this site has an equivalent for (a captioned
image becomes a figure; a YouTube or Vimeo video becomes a related media item). Anything
else stays as the text it is, and is counted so the editor can look. Markup an article here
has no place for is adapted where it can be (``<h1>`` as ``<h2>``, a ``<div>`` as the
paragraphs it holds, a table as a paragraph per row) and reported where it cannot be.
``Post.save`` then sanitises the result like every body.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.html import format_html, strip_tags

from blog.embeds import parse_media_url
from blog.sanitize import ARTICLE_TAGS
from comments.sanitize import COMMENT_TAGS

# --- Paragraphs (wpautop) -----------------------------------------------------------------------

_BLOCKS = (
    "address|article|aside|blockquote|caption|col|colgroup|dd|details|div|dl|dt|fieldset|"
    "figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|iframe|legend|li|map|menu|nav|ol|p|"
    "pre|script|section|style|summary|table|tbody|td|tfoot|th|thead|tr|ul"
)
_BLOCK_TAG = re.compile(rf"<(/?)({_BLOCKS})\b[^>]*?(/?)>", re.IGNORECASE)
_VOID = {"hr", "col"}
_SELF_CLOSING = {"p", "li", "dt", "dd", "tr", "td", "th"}  # a second one closes the first
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Widgets pasted into posts: their code would show as text once the tags are sanitised away.
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_BLANK_LINES = re.compile(r"(\n[ \t]*\n\s*)")


def _paragraphs(text):
    """Runs of text between blank lines as paragraphs, single newlines as line breaks."""
    wrapped = []
    for run in _BLANK_LINES.split(text):
        if run.strip():
            inner = run.strip().replace("\n", "<br>\n")
            run = f"{run[: len(run) - len(run.lstrip())]}<p>{inner}</p>{run[len(run.rstrip()) :]}"
        wrapped.append(run)
    return "".join(wrapped)


def autop(text):
    """Paragraphs and line breaks for the text outside block elements, as WordPress shows a
    classic post. What is inside a block element (a paragraph, a list, ``<pre>``...) and the
    space between blocks stay exactly as they are, so HTML that has its paragraphs (the
    exporter's) comes back unchanged."""
    html_parts, open_blocks, start = [], [], 0
    for tag in _BLOCK_TAG.finditer(text):
        before = text[start : tag.start()]
        html_parts += [before if open_blocks else _paragraphs(before), tag[0]]
        start, closing, name = tag.end(), tag[1], tag[2].lower()
        if closing:
            if name in open_blocks:  # closes it and whatever was left open inside it
                del open_blocks[len(open_blocks) - 1 - open_blocks[::-1].index(name) :]
        elif not tag[3] and name not in _VOID:
            if open_blocks and open_blocks[-1] == name and name in _SELF_CLOSING:
                open_blocks.pop()
            open_blocks.append(name)
    rest = text[start:]
    return "".join([*html_parts, rest if open_blocks else _paragraphs(rest)])


# --- Shortcodes ---------------------------------------------------------------------------------

_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))""")
_CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE)
_CAPTIONED_IMAGE = re.compile(
    r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)\Z", re.DOTALL | re.IGNORECASE
)
# [embed]URL[/embed], [video]URL[/video], [video src=URL], [audio mp3=URL], or a URL alone on
# its line (which WordPress embeds when it knows the provider), in one pass to keep their order.
_MEDIA = re.compile(
    r"\[(?P<enclosing>embed|video|audio)\b(?P<attributes>[^\]]*)\]\s*(?P<inner>[^\[\s]*)\s*"
    r"\[/(?P=enclosing)\]"
    r"|\[(?:video|audio)\b(?P<single>[^\]]*)\]"
    r"|^[ \t]*(?P<bare>https?://[^\s<>\"]+)[ \t]*$",
    re.MULTILINE,
)
_POSITIONAL_URL = re.compile(r"\s*(https?://[^\s\]'\"]+)")  # [audio https://...mp3]
_SHORTCODE = re.compile(r"\[([A-Za-z][\w-]*)((?:\s[^\]]*?)?)(/?)\]")
# WordPress's own shortcodes, counted even without attributes ([gallery] alone is one).
_CORE_SHORTCODES = {"audio", "caption", "embed", "gallery", "playlist", "video", "wp_caption"}
# Where [video] and [audio] name their file, in the order WordPress looks.
_MEDIA_SOURCES = ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mp3", "ogg", "oga", "wav")
_PROVIDER_NAMES = {"youtube": "YouTube", "vimeo": "Vimeo"}


def _attributes(text):
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTRIBUTE.finditer(text)}


@dataclass
class Body:
    """A converted post body, with what the conversion found for the report."""

    html: str
    media: list = field(default_factory=list)  # (url, title) of related media, in order
    media_links: int = 0  # media URLs no provider of ours plays, kept as links
    shortcodes: Counter = field(default_factory=Counter)  # kept as text, by name
    scripts: int = 0  # <script> and <style> elements removed
    removed: list = field(default_factory=list)  # tags the sanitiser will drop, by name
    old_images: int = 0  # images whose file is still in the old site's uploads


class _Conversion:
    def __init__(self, title):
        self.title = title
        self.body = Body("")

    def figure(self, match):
        """``[caption]<img> text[/caption]`` as a figure with its caption."""
        attributes, inner = _attributes(match[2]), match[3].strip()
        found = _CAPTIONED_IMAGE.match(inner)
        if not found:
            return inner
        caption = found[2].strip() or attributes.get("caption", "")  # HTML, sanitised later
        if caption:
            return f"<figure>{found[1]}<figcaption>{caption}</figcaption></figure>"
        return f"<figure>{found[1]}</figure>"

    def media(self, url):
        """A provider's video becomes related media (out of the body), anything else a link."""
        try:
            media = parse_media_url(html.unescape(url))
        except ValidationError:
            media = None
        if media is not None and media.is_video:
            if media.url not in (known for known, _ in self.body.media):
                name = _PROVIDER_NAMES.get(media.provider, media.provider)
                self.body.media.append((media.url, f"{name} video: {self.title}"[:200]))
            return ""
        self.body.media_links += 1
        if media is None:
            return html.escape(url)
        return format_html('<a href="{}">{}</a>', media.url, media.url)

    def any_media(self, match):
        if match["bare"]:
            return self.media(match["bare"])
        attributes = match["attributes"] if match["enclosing"] else match["single"]
        url = match["inner"] or _source(_attributes(attributes))
        if not url and (positional := _POSITIONAL_URL.match(attributes)):
            url = positional[1]
        return self.media(url) if url else match[0]

    def count_shortcodes(self, text):
        for match in _SHORTCODE.finditer(text):
            name = match[1].lower()
            if name in _CORE_SHORTCODES or "=" in match[2] or match[3] or f"[/{match[1]}]" in text:
                self.body.shortcodes[name] += 1


def _source(attributes):
    return next((attributes[key] for key in _MEDIA_SOURCES if attributes.get(key)), "")


def site_body(content):
    """A body this site exported, as it is: only the references to its image library go
    (its ids name other pictures here), and its pictures still at the old site are counted."""
    text = _LIBRARY_REFERENCE.sub(r"\1", content)
    return Body(text, old_images=len(_OLD_UPLOAD.findall(text)))


def convert_body(content, title=""):
    """A WordPress post's ``content:encoded`` as this site's body HTML (still to sanitise)."""
    conversion = _Conversion(title)
    body = conversion.body
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    has_blocks = "<!-- wp:" in text  # the block editor stores its paragraphs: no wpautop
    text, body.scripts = _SCRIPT.subn("", _HTML_COMMENT.sub("", text))
    text = _LIBRARY_REFERENCE.sub(r"\1", text)
    text = _CAPTION.sub(conversion.figure, text)
    text = _MEDIA.sub(conversion.any_media, text)
    conversion.count_shortcodes(text)
    text, tables = _TABLE.subn(_rows, _DIV.sub("\n\n", _HEADING_1.sub(r"<\1h2", text)))
    found = {match[1].lower() for match in _OPEN_TAG.finditer(text)}
    body.removed = sorted(found - ARTICLE_TAGS - _HARMLESS | ({"table"} if tables else set()))
    body.old_images = len(_OLD_UPLOAD.findall(text))
    body.html = (text if has_blocks else autop(text)).strip()
    return body


# --- Markup an article here does not have -------------------------------------------------------

_HEADING_1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)  # the post's title is the page's <h1>
_DIV = re.compile(r"</?div\b[^>]*>", re.IGNORECASE)
_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table\s*>", re.DOTALL | re.IGNORECASE)
_TABLE_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption\s*>", re.DOTALL | re.IGNORECASE)
_ROW = re.compile(r"<tr\b[^>]*>", re.IGNORECASE)
_CELL = re.compile(r"<t[dh]\b[^>]*>", re.IGNORECASE)
_TABLE_PART = re.compile(r"</?(?:col|colgroup|thead|tbody|tfoot|tr|td|th)\b[^>]*>", re.IGNORECASE)
_OPEN_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>])")
# Wrappers whose tags go and leave their content as a reader saw it.
_HARMLESS = {"span", "div", "font", "center", "section", "article", "header", "footer", "main"}
# An image's reference to the exporting site's library (blog.sanitize): its ids name other
# pictures here, so it goes and the image keeps its address.
_LIBRARY_REFERENCE = re.compile(r"""(<img\b[^>]*?)\sdata-file\s*=\s*["']?\d+["']?""", re.IGNORECASE)
# A picture whose file is on the old site: WordPress's uploads, or this site's library.
_OLD_UPLOAD = re.compile(
    r"<img\b[^>]*?\bsrc\s*=\s*[\"']?https?://[^\"'\s>]*/(?:wp-content/uploads|media/images)/",
    re.IGNORECASE,
)


def _rows(table):
    """A table as a paragraph per row, its cells apart ("a | b"), its caption first."""
    head, *rows = _ROW.split(table[1])
    caption = _TABLE_CAPTION.search(head)
    lines = [caption[1].strip()] if caption else []
    for row in rows:
        cells = [_TABLE_PART.sub("", cell).strip() for cell in _CELL.split(row)[1:]]
        if any(cells):
            lines.append(" | ".join(cells))
    return "".join(f"\n\n<p>{line}</p>" for line in lines) + "\n\n"


# --- Plain text and comments --------------------------------------------------------------------


def plain_text(markup, limit):
    """Text without tags or entities, spaces collapsed, cut at a word within ``limit``."""
    text = " ".join(html.unescape(strip_tags(markup)).split())
    if len(text) <= limit:
        return text
    return (text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[: limit - 1]) + "…"


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
_RENAMED = {"b": "strong", "i": "em"}


def comment_body(content):
    """A WordPress comment as a commenter of this site would have typed it.

    WordPress let commenters use a few tags; those this site keeps stay (``<b>`` and ``<i>``
    as ``<strong>`` and ``<em>``), the others go and leave their text, so no markup shows
    up escaped once ``Comment.save`` renders the text (and sanitises what is left). The rest
    is kept as it is, entities and a lone "<" or "&" included: a comment this site exported
    comes back exactly as it was typed.
    """

    def kept(tag):
        closing, name = tag[1], tag[2].lower()
        if name in _RENAMED:
            return f"<{closing}{_RENAMED[name]}>"
        return tag[0] if name in COMMENT_TAGS else ""

    return _TAG.sub(kept, _HTML_COMMENT.sub("", _SCRIPT.sub("", content)))
