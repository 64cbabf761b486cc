"""Tests for blog.embeds: safe classification of related-media URLs (no database needed)."""

import pytest
from django.core.exceptions import ValidationError

from blog.embeds import MAX_URL_LENGTH, Media, parse_media_url, validate_media_url

YT = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
VIMEO = "https://player.vimeo.com/video/76979871?dnt=1"

VIDEOS = [
    # YouTube
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", YT),
    ("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&list=PL1", "youtube", YT),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=90", "youtube", YT + "?start=90"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s", "youtube", YT + "?start=90"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ#t=1h2m3s", "youtube", YT + "?start=3723"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=0", "youtube", YT),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=soon", "youtube", YT),
    ("https://youtu.be/dQw4w9WgXcQ", "youtube", YT),
    ("https://youtu.be/dQw4w9WgXcQ?si=tracking&t=1m30s", "youtube", YT + "?start=90"),
    ("https://www.youtube.com/shorts/abc_DEF-123", "youtube", YT[:-11] + "abc_DEF-123"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ?start=42&autoplay=1", "youtube", YT + "?start=42"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ?si=xyz", "youtube", YT),
    ("https://www.youtube.com/v/dQw4w9WgXcQ", "youtube", YT),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", YT),
    ("https://youtube-nocookie.com/embed/dQw4w9WgXcQ?start=5", "youtube", YT + "?start=5"),
    ("HTTPS://WWW.YouTube.COM/watch?v=dQw4w9WgXcQ", "youtube", YT),
    ("  https://youtu.be/dQw4w9WgXcQ\n", "youtube", YT),
    # Vimeo
    ("https://vimeo.com/76979871", "vimeo", VIMEO),
    ("https://www.vimeo.com/76979871/", "vimeo", VIMEO),
    ("https://vimeo.com/76979871/8272103f6e", "vimeo", VIMEO + "&h=8272103f6e"),
    ("https://vimeo.com/channels/staffpicks/76979871", "vimeo", VIMEO),
    ("https://player.vimeo.com/video/76979871", "vimeo", VIMEO),
    (
        "https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0",
        "vimeo",
        VIMEO + "&h=8272103f6e",
    ),
    ("https://vimeo.com/76979871#t=90s", "vimeo", VIMEO + "#t=90s"),
    ("https://vimeo.com/76979871#t=1m30s", "vimeo", VIMEO + "#t=90s"),
    ("https://vimeo.com/76979871/8272103f6e#t=10", "vimeo", VIMEO + "&h=8272103f6e#t=10s"),
]

LINKS = [
    ("https://example.org/article", "example.org"),
    ("http://www.example.org/page?x=1#y", "example.org"),
    ("https://sub.example.co.uk/", "sub.example.co.uk"),
    ("https://example.org:8080/path", "example.org"),
    ("https://de.wikipedia.org/wiki/Köln", "de.wikipedia.org"),
    ("https://example.org/?next=https://www.youtube.com/watch?v=dQw4w9WgXcQ", "example.org"),
    # Provider hosts without a recognisable video ID are plain links, not errors.
    ("https://www.youtube.com/@somechannel", "youtube.com"),
    ("https://www.youtube.com/watch?v=tooshort", "youtube.com"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQx", "youtube.com"),
    ("https://www.youtube.com/dQw4w9WgXcQ", "youtube.com"),
    ("https://youtu.be/not%20an%20id", "youtu.be"),
    ("https://vimeo.com/channels/staffpicks", "vimeo.com"),
    ("https://vimeo.com/76979871/not-hex", "vimeo.com"),
    ("https://player.vimeo.com/video/76979871?h=<script>", "player.vimeo.com"),
]

HOSTILE = [
    # Schemes, including obfuscated ones
    ("javascript:alert(1)", "scheme"),
    (" JaVaScRiPt:alert(1)", "scheme"),
    ("javascript&colon;alert(1)", "scheme"),
    ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "scheme"),
    ("vbscript:msgbox(1)", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("ftp://example.org/file", "scheme"),
    ("//evil.example/", "scheme"),
    ("www.youtube.com/watch?v=dQw4w9WgXcQ", "scheme"),
    ("", "scheme"),
    # Whitespace, control characters and backslashes inside the URL
    ("java\tscript:alert(1)", "control"),
    ("java\nscript:alert(1)", "control"),
    ("https://exa\x00mple.org/", "control"),
    ("https://example.org/a b", "control"),
    ("https://example.org/\u202egpj.exe", "control"),
    ("https:\\\\evil.example/", "control"),
    ("https://evil.example\\@www.youtube.com/", "control"),
    # Credentials
    ("https://user:pass@example.org/", "credentials"),
    ("https://www.youtube.com@evil.example/", "credentials"),
    # Look-alike provider hosts and ports
    ("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "lookalike"),
    ("https://www.youtube.com.evil.example/", "lookalike"),
    ("https://youtube-com.evil.example/", "lookalike"),
    ("https://evil-youtube.com/", "lookalike"),
    ("https://you-tube.com/", "lookalike"),
    ("https://youtu.be.evil.example/dQw4w9WgXcQ", "lookalike"),
    ("https://notyoutube-nocookie.com/embed/dQw4w9WgXcQ", "lookalike"),
    ("https://vimeo.com.attacker.net/76979871", "lookalike"),
    ("https://youtube.com./watch?v=dQw4w9WgXcQ", "lookalike"),
    ("https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ", "lookalike"),
    ("https://player.vimeo.com:443/video/76979871", "lookalike"),
    # Internationalised (homograph-prone) hosts
    ("https://www.y\u043eutube.com/", "idn"),
    ("https://xn--ytube-vfa.com/", "idn"),
    ("https://münchen.example/", "idn"),
    # Length and malformed hosts
    ("https://example.org/" + "a" * MAX_URL_LENGTH, "length"),
    ("https:///path", "host"),
    ("http:example.org", "host"),
    ("https://localhost/", "host"),
    ("https://127.0.0.1/", "host"),
    ("https://[::1]/", "host"),
    ("https://[evil/", "host"),
    ("https://example.org:99999/", "host"),
    ("https://example.org:0/", "host"),
    ("https://exa_mple.org/", "host"),
    ("https://example.org./", "host"),
]


@pytest.mark.parametrize(("url", "provider", "embed_src"), VIDEOS)
def test_video_urls_build_our_own_embed_src(url, provider, embed_src):
    """Known video URLs become an iframe src built only from the validated ID and start time."""
    media = parse_media_url(url)
    assert (media.provider, media.embed_src, media.is_video) == (provider, embed_src, True)


@pytest.mark.parametrize(("url", "host"), LINKS)
def test_other_urls_become_link_cards(url, host):
    """Any other safe http(s) URL renders as a plain link card pointing at the original URL."""
    media = parse_media_url(url)
    assert media == Media(url=url, provider="link")
    assert (media.is_video, media.host) == (False, host)


@pytest.mark.parametrize(("url", "code"), HOSTILE)
def test_hostile_urls_are_rejected_with_a_code(url, code):
    """Hostile URLs raise ValidationError with a specific code from both public entry points."""
    for check in (validate_media_url, parse_media_url):
        with pytest.raises(ValidationError) as excinfo:
            check(url)
        assert excinfo.value.code == code


def test_validator_accepts_safe_urls():
    """The field validator returns None for every URL that parse_media_url accepts."""
    for url in [row[0] for row in VIDEOS] + [row[0] for row in LINKS]:
        assert validate_media_url(url) is None


def test_url_is_trimmed_and_scheme_and_host_lowercased():
    """The stored URL is trimmed with a lowercase scheme/host, leaving path and query intact."""
    media = parse_media_url("  HTTPS://WWW.Example.ORG:8080/Path?Q=A#Frag ")
    assert media.url == "https://www.example.org:8080/Path?Q=A#Frag"


def test_length_limit_is_inclusive():
    """A URL of exactly MAX_URL_LENGTH characters is still accepted."""
    url = "https://example.org/"
    url += "a" * (MAX_URL_LENGTH - len(url))
    assert parse_media_url(url).provider == "link"
