"""Turn what a reader typed into safe HTML, once, when the comment is saved.

Blank lines make paragraphs and single newlines line breaks (as readers expect from
WordPress-style comments); a small set of tags is kept, everything else is escaped,
and URLs become links that pass no ranking and open no window reference.
"""

import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter

from blog.sanitize import focusable_code_blocks

COMMENT_TAGS = frozenset(
    {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li"}
)
BLOCK_START = re.compile(r"^\s*<(p|blockquote|ul|ol)[\s>]", re.IGNORECASE)
PRE_BLOCK = re.compile(r"(<pre[\s>].*?</pre>)", re.IGNORECASE | re.DOTALL)
LINK_REL = "nofollow ugc noopener"


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=COMMENT_TAGS,
    attributes={"a": ["href", "title", "rel"]},
    protocols={"http", "https", "mailto"},
    strip=False,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
)


def _paragraphs(text):
    html = []
    for index, part in enumerate(PRE_BLOCK.split(text.replace("\r\n", "\n"))):
        if index % 2:  # A <pre> block keeps its blank lines.
            html.append(part)
            continue
        for chunk in re.split(r"\n\s*\n", part):
            chunk = chunk.strip()
            if chunk:
                block = BLOCK_START.match(chunk)
                html.append(chunk if block else f"<p>{chunk.replace(chr(10), '<br>')}</p>")
    return "".join(html)


def render_comment_html(text):
    return focusable_code_blocks(_cleaner.clean(_paragraphs(text)))


def count_links(text):
    """How many links a comment would show, for the "too many links" hold."""
    return render_comment_html(text).count("<a ")


HREF = re.compile(r'<a [^>]*?href="([^"]*)"')


def link_targets(text):
    """Where the links a comment would show lead (as sanitised), for edits that change them."""
    return set(HREF.findall(render_comment_html(text)))
