"""Allowlist HTML sanitising with bleach, applied when content is saved.

Stored HTML is already safe, so templates render it without further processing.
"""

from urllib.parse import urlsplit

import bleach

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


def _is_web_url(value):
    return urlsplit(value.strip()).scheme.lower() in {"http", "https"}


def _article_attribute_allowed(tag, name, value):
    if tag == "a":
        return name in {"href", "title"}
    if tag == "img":
        if name == "src":
            return _is_web_url(value)
        return name in {"alt", "title", "width", "height"}
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


def sanitize_article_html(html):
    """Keep the markup an article needs; strip scripts, styles and event handlers."""
    clean = bleach.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes=_article_attribute_allowed,
        protocols=LINK_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return focusable_code_blocks(clean)
