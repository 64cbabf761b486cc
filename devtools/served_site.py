"""The site as production runs it, on a throwaway PostgreSQL cluster: for outage tests and drills.

``served_site()`` starts a cluster, migrates it, loads the demo content and serves it with
gunicorn in production mode. Its two halves also work apart: ``demo_database()`` prepares the
cluster and the environment, ``app_servers()`` starts any number of gunicorn servers on them
(app servers behind a load balancer). ``Browser`` is just enough of a browser to read pages
and send their forms.
"""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from devtools.pgcluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
SLUG = "what-the-night-bus-knows"  # a demo post that takes comments


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Cookies (whatever their Secure flag), form posts, and how long each answer took.

    With an ``address`` (the reader's), the browser is behind a load balancer in front of
    several servers: whichever server answers, the request carries the site's one public host
    and the address in X-Forwarded-For (which the site trusts with TRUSTED_PROXY_COUNT=1).
    """

    def __init__(self, port, address=None):
        self.port = port
        self.address = address
        self.cookies = {}

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.address:
            headers.update({"Host": "127.0.0.1", "X-Forwarded-For": self.address})
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
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

    def form(self, page, action=None):
        """What the form posting to ``action`` (default: the page itself) on ``page`` would
        send, buttons left out; None if the page did not answer."""
        answer = self.request("GET", page)
        if answer.status != 200:
            return None
        return Forms.of(answer.text, page)[action or page]

    def submit(self, page, action=None, fields=()):
        """Fill in the form posting to ``action`` on ``page`` with ``fields`` (the button
        pressed among them) and send it."""
        form = self.form(page, action)
        if form is None:
            raise RuntimeError(f"{page} did not answer: no form to send")
        return self.request("POST", action or page, {**form, **dict(fields)})

    def comment_form(self, slug=SLUG):
        """The post's comment form as it comes, or None if the page did not answer."""
        return self.form(f"/posts/{slug}/", f"/posts/{slug}/comment/")

    def send_comment(self, form, body, slug=SLUG):
        fields = {**form, "author_name": "Ada", "author_email": "ada@example.net", "body": body}
        return self.request("POST", f"/posts/{slug}/comment/", fields)


class Forms(HTMLParser):
    """The fields of a page's forms as a browser sends them, by where each form posts (its
    fragment left out; a form without an action posts to its page)."""

    @classmethod
    def of(cls, html, page):
        parser = cls(page)
        parser.feed(html)
        parser.close()
        return parser.forms

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.forms = {}
        self.fields = self.textarea = self.select = None
        self.multiple = False

    def add(self, name, value):
        """Store a value; a name sent several times (a multiple choice) keeps a list."""
        if name not in self.fields:
            self.fields[name] = value
        elif isinstance(self.fields[name], list):
            self.fields[name].append(value)
        else:
            self.fields[name] = [self.fields[name], value]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind = attrs.get("type", "text")
        if tag == "form":
            action = (attrs.get("action") or self.page).split("#")[0]
            self.fields = self.forms[action] = {}
        elif self.fields is None:
            return
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if "selected" in attrs and self.multiple:
                self.add(self.select, value)
            elif "selected" in attrs:
                self.fields[self.select] = value
            elif not self.multiple:  # nothing chosen: a browser sends the first option
                self.fields.setdefault(self.select, value)
        elif "name" not in attrs or "disabled" in attrs:
            return
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select, self.multiple = attrs["name"], "multiple" in attrs
        elif tag == "input" and kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self.add(attrs["name"], attrs.get("value", "on"))
        elif tag == "input" and kind not in {"submit", "button", "image", "reset", "file"}:
            self.add(attrs["name"], attrs.get("value", ""))

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.fields = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the newline that opens a textarea's text (Django writes one).
            self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None


@contextmanager
def discussion_locked(cluster, slug=SLUG):
    """Hold the lock every change to the post's discussion takes (its Discussion row), as a
    stalled session elsewhere would, until the block ends."""
    url = cluster.url.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as blocker:
        blocker.execute(
            "INSERT INTO comments_discussion (post_id, keep_open, close_reason, version) "
            "SELECT id, false, '', 0 FROM blog_post WHERE slug = %s ON CONFLICT DO NOTHING",
            [slug],
        )
        blocker.execute(
            "SELECT 1 FROM comments_discussion JOIN blog_post ON blog_post.id = post_id "
            "WHERE slug = %s FOR UPDATE OF comments_discussion",
            [slug],
        )
        yield


@contextmanager
def served_site(workers=2, **settings):
    """Yield (cluster, port): the demo site served by gunicorn on its own cluster."""
    with demo_database(**settings) as (cluster, env), app_servers(env, 1, workers) as [port]:
        yield cluster, port


@contextmanager
def demo_database(**settings):
    """Yield (cluster, env): a throwaway cluster holding the demo site, and the production
    environment (``settings`` added) that app servers on it run with."""
    root = tempfile.mkdtemp(prefix="blog-served-")
    cluster = Cluster(root, fast=True)
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
        yield cluster, env
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def app_servers(env, count, workers=2):
    """Yield the ports of ``count`` gunicorn servers of the site running with ``env``, each a
    process of its own (as on separate machines), all started together and answering."""
    servers = []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(workers), "--timeout", "30"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            servers.append((port, process))
        for port, _ in servers:
            _wait_until_up(Browser(port))
        yield [port for port, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
        for _, process in servers:
            process.wait(timeout=30)


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
