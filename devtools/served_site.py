"""The site as production runs it, on a throwaway PostgreSQL cluster: for outage tests and drills.

``served_site()`` starts a cluster, migrates it, loads the demo content and serves it with
gunicorn in production mode; ``Browser`` is just enough of a browser to read pages and send
the comment form.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from devtools.pgcluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
SLUG = "what-the-night-bus-knows"  # a demo post that takes comments


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Cookies (whatever their Secure flag), form posts, and how long each answer took."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.monotonic()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode()
        response.elapsed = time.monotonic() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return response

    def comment_form(self, slug=SLUG):
        """The hidden fields of the post's comment form, or None if the page did not answer."""
        page = self.request("GET", f"/posts/{slug}/")
        if page.status != 200:
            return None
        form = page.text[page.text.index('id="respond"') :]
        pattern = r'name="(csrfmiddlewaretoken|issued)" value="([^"]*)"'
        return {name: unescape(value) for name, value in re.findall(pattern, form)}

    def send_comment(self, form, body, slug=SLUG):
        fields = {**form, "author_name": "Ada", "author_email": "ada@example.net", "body": body}
        return self.request("POST", f"/posts/{slug}/comment/", fields)


@contextmanager
def served_site(workers=2, **settings):
    """Yield (cluster, port): the demo site served by gunicorn on its own cluster."""
    root = tempfile.mkdtemp(prefix="blog-served-")
    cluster = Cluster(root, fast=True)
    server = None
    try:
        env = {
            **os.environ,
            "DATABASE_URL": cluster.start(),
            "DEBUG": "false",
            "SECRET_KEY": "served-site-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CONN_MAX_AGE": "60",
            "DB_CONNECT_TIMEOUT": "2",
            "DB_LOCK_TIMEOUT_MS": "1000",
            "COMMENTS_MIN_SECONDS": "0",
            "COMMENTS_RATE_LIMIT": "100000",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            **settings,
        }
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "-v0"], ["createcachetable"]):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*manage, "demo_content"], cwd=ROOT, env={**env, "DEBUG": "true"}, check=True,
            capture_output=True,
        )  # fmt: skip
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", "30"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_until_up(Browser(port))
        yield cluster, port
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_up(browser, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if browser.request("GET", "/").status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start")
        time.sleep(0.2)


def stored_bodies(cluster):
    import psycopg

    with psycopg.connect(cluster.url.replace("postgres://", "postgresql://")) as db:
        return {row[0] for row in db.execute("SELECT body FROM comments_comment")}
