"""A streaming reader of WordPress exports (WXR 1.0 to 1.2).

It yields the channel's description first, then each author and each item as soon as its
closing tag is read, and drops the item's elements once yielded, so a file of any size is
read in the memory of one item. The parser is defusedxml's: a document type declaration
(and with it entity expansion and external entities) is refused, never resolved.
"""

from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from . import wxr

_PREFIXES = {
    **dict.fromkeys(wxr.WP_NAMESPACES, "wp"),
    **dict.fromkeys(wxr.EXCERPT_NAMESPACES, "excerpt"),
    wxr.CONTENT: "content",
    wxr.DC: "dc",
}


class WxrError(Exception):
    """The file cannot be read as a WordPress export; the message says why."""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""

    @property
    def source(self):
        """The site the export comes from, without scheme: ``example.org/blog``."""
        url = self.base_blog_url or self.base_site_url or self.link
        return url.strip().split("://", 1)[-1].rstrip("/").lower()[:200]


@dataclass
class WxrAuthor:
    wp_id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class WxrComment:
    wp_id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: int = 0
    user_id: int = 0
    meta: dict = field(default_factory=dict)


@dataclass
class WxrItem:
    wp_id: int
    title: str = ""
    link: str = ""
    guid: str = ""
    post_name: str = ""
    post_type: str = "post"
    status: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    modified: str = ""
    modified_gmt: str = ""
    comment_status: str = ""
    password: str = ""
    creator: str = ""
    parent: int = 0  # an attachment's: the post it was uploaded to
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # (domain, nicename, name)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


def _name(tag):
    """``{namespace}local`` as ``prefix:local`` for the namespaces of WXR."""
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        prefix = _PREFIXES.get(namespace)
        return f"{prefix}:{local}" if prefix else tag
    return tag


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def _children(element):
    """The text of each child element by WXR name (the last one wins)."""
    return {_name(child.tag): child.text or "" for child in element}


def _int(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


def _meta(element, tag):
    found = {}
    for meta in element:
        if _name(meta.tag) == tag:
            values = _children(meta)
            found[values.get("wp:meta_key", "")] = values.get("wp:meta_value", "")
    return found


def _author(element):
    values = _children(element)
    wp_id = _int(values.get("wp:author_id"))
    return WxrAuthor(
        wp_id=wp_id or None,
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
    )


def _comment(element):
    values = _children(element)
    return WxrComment(
        wp_id=_int(values.get("wp:comment_id")),
        author=values.get("wp:comment_author", "").strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date=values.get("wp:comment_date", "").strip(),
        date_gmt=values.get("wp:comment_date_gmt", "").strip(),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=_int(values.get("wp:comment_parent")),
        user_id=_int(values.get("wp:comment_user_id")),
        meta=_meta(element, "wp:commentmeta"),
    )


def _item(element):
    values = _children(element)
    return WxrItem(
        wp_id=_int(values.get("wp:post_id")),
        title=values.get("title", "").strip(),
        link=values.get("link", "").strip(),
        guid=values.get("guid", "").strip(),
        post_name=values.get("wp:post_name", "").strip(),
        post_type=values.get("wp:post_type", "").strip() or "post",
        status=values.get("wp:status", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        date=values.get("wp:post_date", "").strip(),
        date_gmt=values.get("wp:post_date_gmt", "").strip(),
        modified=values.get("wp:post_modified", "").strip(),
        modified_gmt=values.get("wp:post_modified_gmt", "").strip(),
        comment_status=values.get("wp:comment_status", "").strip(),
        password=values.get("wp:post_password", "").strip(),
        creator=values.get("dc:creator", "").strip(),
        parent=_int(values.get("wp:post_parent")),
        attachment_url=values.get("wp:attachment_url", "").strip(),
        categories=[
            (child.get("domain", ""), child.get("nicename", ""), _text(child))
            for child in element
            if child.tag == "category"
        ],
        meta=_meta(element, "wp:postmeta"),
        comments=[_comment(child) for child in element if _name(child.tag) == "wp:comment"],
    )


_CHANNEL_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "wxr_version",
}


def read_wxr(stream):
    """Yield the ``Channel``, then every ``WxrAuthor`` and ``WxrItem`` in file order.

    ``stream`` is a binary file. Raises ``WxrError`` when it is not a well-formed WordPress
    export or declares a DTD (what entity attacks need).
    """
    channel, channel_element, announced = Channel(), None, False
    depth = 0
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise WxrError("This is not a WordPress export: its root is not <rss>.")
                if depth == 2:
                    channel_element = element
                continue
            depth -= 1
            if depth != 2:  # only the channel's direct children are handled, when complete
                continue
            name = _name(element.tag)
            if name in ("wp:author", "item") and not announced:
                yield _checked(channel)
                announced = True
            if name == "wp:author":
                yield _author(element)
            elif name == "item":
                yield _item(element)
            elif name in _CHANNEL_FIELDS:
                setattr(channel, _CHANNEL_FIELDS[name], _text(element))
            element.clear()
            channel_element.remove(element)  # what is read is forgotten: memory stays flat
    except DefusedXmlException as error:
        raise WxrError(
            "The file declares a document type (DTD), which can expand entities or read "
            f"other files; WordPress exports have none ({error})."
        ) from None
    except ParseError as error:
        raise WxrError(f"The file is not well-formed XML: {error}.") from None
    if not announced:
        yield _checked(channel)


def _checked(channel):
    if not channel.wxr_version:
        raise WxrError(
            "This is not a WordPress export: it has no <wp:wxr_version> in a WordPress "
            "namespace (WXR 1.0, 1.1 or 1.2)."
        )
    return channel
