"""Commenters' avatars, made here from their names: a page asks no other site for them.

An avatar is the name's initials on one of ``HUES`` colours (CSS classes ``avatar-hue-0`` to
``avatar-hue-11``), chosen by a stable digest of the name, so a name keeps its colour on every
page and every server. With ``COMMENTS_GRAVATAR`` on, Gravatar's picture for the email covers
the initials; ``d=blank`` is transparent for an email Gravatar does not know.
"""

import hashlib
import unicodedata
import zlib
from functools import lru_cache
from typing import NamedTuple

HUES = 12
GRAVATAR_ORIGIN = "https://gravatar.com"
GRAVATAR_PIXELS = 64  # twice the avatar's 2rem, for dense screens


class Avatar(NamedTuple):
    initials: str
    hue: int


@lru_cache(maxsize=4096)  # the thread's hot loop; a busy discussion repeats its names
def avatar_of(name):
    """The first letters (or digits) of the name's first and last words, and its colour."""
    words = unicodedata.normalize("NFC", name).split()
    letters = [c for c in (next((c for c in word if c.isalnum()), "") for word in words) if c]
    initials = (letters[0] + letters[-1] if len(letters) > 1 else "".join(letters)).upper()
    return Avatar(initials or "?", zlib.crc32(name.encode()) % HUES)


def gravatar_url(email):
    """Gravatar's picture for ``email`` (SHA-256 of the trimmed, lowercased address)."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"{GRAVATAR_ORIGIN}/avatar/{digest}?s={GRAVATAR_PIXELS}&d=blank"
