"""Downloading a picture of the old site for ``--fetch-images``, and nothing else.

The export file is untrusted: it names its own site, and could name an internal service as
such (``127.0.0.1``, ``169.254.169.254``, a host of the local network). So a picture is
fetched over http(s) only from an allowed origin (host and port: the site's own, else one
named with ``--fetch-images-from``), redirects too, and the address actually connected to
must be a public one unless the operator named that origin: it is checked on the connected
socket, so a redirect or a DNS answer cannot lead elsewhere. No proxy is used (its address
would be the one checked). A download has a timeout per read and an overall deadline.
"""

import argparse
import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from functools import partial
from urllib.parse import urlsplit

from django.template.defaultfilters import filesizeformat

TIMEOUT = 20  # seconds a server has to answer, and between two parts of its answer
DEADLINE = 60  # seconds a whole download may take
CHUNK = 64 * 1024
USER_AGENT = "Mozilla/5.0 (compatible; blog-wordpress-import; copying the site's own pictures)"
DEFAULT_PORTS = {"http": 80, "https": 443}


class NotCopied(Exception):
    """Why a picture could not be copied, in words for the report."""


def origin(host, port=None, scheme="http"):
    """Where pictures come from: (host without ``www.``, port; None for the scheme's own)."""
    host = (host or "").lower().removeprefix("www.")
    return host, None if port in (None, DEFAULT_PORTS.get(scheme)) else port


def url_origin(url):
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:  # no port at all: an origin nothing allows
        port = -1
    return origin(parts.hostname, port, parts.scheme)


def origin_text(where):
    host, port = where
    if port is None:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def named_origin(value):
    """``--fetch-images-from HOST[:PORT]``: the origin (any scheme's port without PORT)."""
    parts = urlsplit(f"//{value.strip()}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1 or parts.path or parts.query or parts.username:
        raise argparse.ArgumentTypeError(
            f"“{value}” is no HOST or HOST:PORT (such as cdn.example.org or 10.0.0.5:8080)."
        )
    return origin(parts.hostname, port)


def _public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


def _connector(trusted, scheme):
    """``socket.create_connection`` refusing a private address unless the origin is trusted."""

    def create_connection(address, *args, **kwargs):
        sock = socket.create_connection(address, *args, **kwargs)
        peer = sock.getpeername()[0]
        if origin(address[0], address[1], scheme) not in trusted and not _public(peer):
            sock.close()
            raise NotCopied(
                f"{address[0]} is at {peer}, a private address: name it with "
                "--fetch-images-from to copy from it"
            )
        return sock

    return create_connection


def _connection(connection_class, create_connection, *args, **kwargs):
    connection = connection_class(*args, **kwargs)
    connection._create_connection = create_connection
    return connection


class _CheckedHTTP(urllib.request.HTTPHandler):
    def __init__(self, trusted):
        super().__init__()
        self.connect = _connector(trusted, "http")

    def http_open(self, req):
        return self.do_open(partial(_connection, http.client.HTTPConnection, self.connect), req)


class _CheckedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, trusted):
        super().__init__()
        self.connect = _connector(trusted, "https")

    def https_open(self, req):
        return self.do_open(
            partial(_connection, http.client.HTTPSConnection, self.connect),
            req,
            context=self._context,
            check_hostname=self._check_hostname,
        )


class _AllowedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an allowed origin."""

    def __init__(self, allows):
        self.allows = allows

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not self.allows(newurl):
            raise NotCopied(f"it redirects to {newurl}, which is not the old site")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(url, allows, trusted, limit):
    """The bytes at ``url``, at most ``limit``; raises ``NotCopied``. ``allows(url)`` says
    whether a redirect may be followed; ``trusted`` origins may be at private addresses."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _CheckedHTTP(trusted),
        _CheckedHTTPS(trusted),
        _AllowedRedirects(allows),
    )
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    too_big = f"it is larger than the {filesizeformat(limit)} the library takes"
    deadline = time.monotonic() + DEADLINE
    data = bytearray()
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            if int(response.headers.get("Content-Length") or 0) > limit:
                raise NotCopied(too_big)
            while chunk := response.read1(CHUNK):
                data += chunk
                if len(data) > limit:
                    raise NotCopied(too_big)
                if time.monotonic() > deadline:
                    raise NotCopied(f"the download took more than {DEADLINE} seconds")
    except urllib.error.HTTPError as error:
        raise NotCopied(f"the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise NotCopied(f"the server could not be reached ({error.reason})") from None
    except TimeoutError:
        raise NotCopied(f"the server did not answer within {TIMEOUT} seconds") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise NotCopied(f"the download failed ({error})") from None
    return bytes(data)
