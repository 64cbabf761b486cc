"""Safe handling of a blog post's "related media" URLs.

Editors paste arbitrary URLs. We never store or render third-party HTML: a YouTube or
Vimeo URL becomes an iframe whose ``src`` we build ourselves from a validated video ID,
any other http(s) URL becomes a plain outbound link card, and hostile URLs (odd schemes,
credentials, look-alike or homograph hosts) are rejected with a message an editor can act on.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import SplitResult, parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_URL_LENGTH = 500

# A public DNS name: dot-separated LDH labels ending in a TLD that starts with a letter,
# which also rules out IP literals and bare names such as "localhost".
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]+")
_VIMEO_HASH = re.compile(r"[0-9a-f]+")
_TIMESTAMP = re.compile(r"(?=[0-9])(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s?)?")

_MESSAGES = {
    "length": _("This URL is too long: use at most %(max)d characters."),
    "control": _(
        "Remove the spaces, invisible or control characters and backslashes from the URL."
    ),
    "scheme": _("Enter a full web address starting with http:// or https://."),
    "credentials": _(
        "Web addresses containing a user name or password (user:password@) are not allowed."
    ),
    "idn": _(
        "Internationalised domain names are not allowed because they can imitate other "
        "sites. Use the plain ASCII address."
    ),
    "lookalike": _(
        "This address looks like %(provider)s but is not an official %(provider)s address. "
        "Check the domain name and remove any port number."
    ),
    "host": _("Enter a web address with a valid domain name, such as https://example.org/."),
}


def _invalid(code: str, **params) -> ValidationError:
    return ValidationError(_MESSAGES[code], code=code, params=params or None)


@dataclass(frozen=True)
class Media:
    """A validated related-media URL and how to render it."""

    url: str
    provider: str
    embed_src: str = ""
    # The provider's own page for the video: the readers' way out when the frame is blocked.
    watch_url: str = ""

    @property
    def is_video(self) -> bool:
        return self.provider != "link"

    @property
    def provider_label(self) -> str:
        """The provider's name as readers know it ("YouTube"); empty for a link card."""
        return _PROVIDERS[self.provider].label if self.is_video else ""

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").removeprefix("www.")


class _Video(NamedTuple):
    embed_src: str
    watch_url: str


def _start_seconds(query: dict[str, list[str]], fragment: str) -> int:
    """Seconds from ``t=``/``start=`` or ``#t=`` (90, 90s, 1m30s, 1h2m3s); 0 if absent or bad."""
    for raw in query.get("t", []) + query.get("start", []) + parse_qs(fragment).get("t", []):
        if match := _TIMESTAMP.fullmatch(raw):
            hours, minutes, seconds = (int(group or 0) for group in match.groups())
            return hours * 3600 + minutes * 60 + seconds
    return 0


def _youtube_src(host: str, segments: list[str], query: dict, start: int) -> _Video | None:
    """Privacy-enhanced embed and watch page, built only from the video ID and start time."""
    match segments:
        case ["watch"]:
            video_id = query.get("v", [""])[0]
        case ["shorts" | "embed" | "live" | "v", video_id]:
            pass
        case [video_id] if host == "youtu.be":
            pass
        case _:
            return None
    if not _YOUTUBE_ID.fullmatch(video_id):
        return None
    return _Video(
        f"https://www.youtube-nocookie.com/embed/{video_id}" + (f"?start={start}" if start else ""),
        f"https://www.youtube.com/watch?v={video_id}" + (f"&t={start}s" if start else ""),
    )


def _vimeo_src(host: str, segments: list[str], query: dict, start: int) -> _Video | None:
    """Do-not-track player embed; an unlisted video's hex hash is kept so it still plays."""
    match segments:
        case ["video", video_id]:
            video_hash = query.get("h", [""])[0]
        case ["channels", _, video_id] | [video_id]:
            video_hash = ""
        case [video_id, video_hash]:
            pass
        case _:
            return None
    if not _VIMEO_ID.fullmatch(video_id) or (video_hash and not _VIMEO_HASH.fullmatch(video_hash)):
        return None
    at = f"#t={start}s" if start else ""
    src = f"https://player.vimeo.com/video/{video_id}?dnt=1" + (
        f"&h={video_hash}" if video_hash else ""
    )
    return _Video(
        src + at, f"https://vimeo.com/{video_id}" + (f"/{video_hash}" if video_hash else "") + at
    )


@dataclass(frozen=True)
class _Provider:
    label: str
    hosts: frozenset[str]
    video: Callable[[str, list[str], dict, int], _Video | None]


# The key doubles as the look-alike marker: a host mentioning it must be one of ``hosts``.
_PROVIDERS = {
    "youtube": _Provider(
        "YouTube",
        frozenset(
            {
                "youtube.com",
                "www.youtube.com",
                "m.youtube.com",
                "youtu.be",
                "youtube-nocookie.com",
                "www.youtube-nocookie.com",
            }
        ),
        _youtube_src,
    ),
    "vimeo": _Provider(
        "Vimeo", frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"}), _vimeo_src
    ),
}


def _validated(value: str) -> tuple[str, str, SplitResult]:
    """Run every safety check; return the normalised URL, its lowercase host and its parts."""
    value = value.strip()
    if len(value) > MAX_URL_LENGTH:
        raise _invalid("length", max=MAX_URL_LENGTH)
    # Browsers silently drop tabs/newlines and treat "\" as "/", so "java\tscript:" would run.
    if any(char == "\\" or unicodedata.category(char)[0] in "CZ" for char in value):
        raise _invalid("control")
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        raise _invalid("host") from None
    if parts.scheme not in ("http", "https"):
        raise _invalid("scheme")
    if "@" in parts.netloc:
        raise _invalid("credentials")
    host, netloc = parts.hostname or "", parts.netloc.lower()
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        raise _invalid("idn")
    squashed = host.replace(".", "").replace("-", "")  # "youtu.be" and "you-tube" -> "youtube"
    for name, provider in _PROVIDERS.items():
        if name in squashed and not (host in provider.hosts and netloc == host):
            raise _invalid("lookalike", provider=provider.label)
    try:
        port_ok = parts.port != 0
    except ValueError:  # non-numeric or out-of-range port
        port_ok = False
    if not port_ok or len(host) > 253 or not _HOSTNAME.fullmatch(host):
        raise _invalid("host")
    rest = value[len(parts.scheme) + len("://") + len(parts.netloc) :]
    return f"{parts.scheme}://{netloc}{rest}", host, parts


def validate_media_url(value: str) -> None:
    """Django field validator: raise ValidationError (with a ``code``) for unsafe URLs."""
    _validated(value)


def parse_media_url(value: str) -> Media:
    """Validate ``value``, then classify it as a YouTube/Vimeo embed or a plain link."""
    url, host, parts = _validated(value)
    segments = parts.path.strip("/").split("/")
    query = parse_qs(parts.query)
    start = _start_seconds(query, parts.fragment)
    for name, provider in _PROVIDERS.items():
        if host in provider.hosts and (video := provider.video(host, segments, query, start)):
            return Media(url, name, *video)
    return Media(url, "link")
