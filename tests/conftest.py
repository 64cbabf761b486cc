import os
import shutil
import tempfile

import environ
import pytest

from devtools.pgcluster import Cluster


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Point Django at a throwaway PostgreSQL cluster unless DATABASE_URL names a server."""
    if os.environ.get("DATABASE_URL"):
        yield
        return
    from django.conf import settings

    root = tempfile.mkdtemp(prefix="blog-test-pg-")
    cluster = Cluster(root, fast=True)
    try:
        url = cluster.start()
        database = settings.DATABASES["default"]
        found = environ.Env.db_url_config(url)
        # The cluster's address, with the project's engine and connection options kept.
        options = {**database["OPTIONS"], **found.pop("OPTIONS")}
        found.pop("ENGINE")
        database.update(found, OPTIONS=options)
        yield
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def make_author(django_user_model):
    """Build an author (and their staff user in the Authors group)."""
    from django.contrib.auth.models import Group

    from blog.models import Author

    def make(username="mara", display_name=None, **fields):
        user = django_user_model.objects.create_user(
            username=username, password="pw", email=f"{username}@example.org", is_staff=True
        )
        user.groups.add(Group.objects.get(name="Authors"))
        name = display_name or username.title()
        return Author.objects.create(user=user, display_name=name, slug=username, **fields)

    return make


@pytest.fixture
def author(make_author):
    return make_author()


@pytest.fixture
def make_post(author):
    """Build a post, published a day ago unless told otherwise."""
    from datetime import timedelta

    from django.utils import timezone

    from blog.models import Post

    counter = iter(range(1, 100_000))

    def make(title=None, tags=(), **fields):
        number = next(counter)
        fields.setdefault("author", author)
        fields.setdefault("status", Post.Status.PUBLISHED)
        if fields["status"] == Post.Status.PUBLISHED:
            fields.setdefault("published_at", timezone.now() - timedelta(days=number))
        post = Post.objects.create(
            title=title or f"Post number {number}",
            slug=f"post-{number}",
            standfirst=f"Standfirst {number}",
            body=f"<p>Body of post {number}.</p>",
            **fields,
        )
        post.tags.set(tags)
        return post

    return make


@pytest.fixture
def post_change_form():
    """``post_change_form(post, **overrides)``: the admin's change form for ``post`` as its page
    sends it back, unchanged unless told; an override of None leaves that field out.
    ``status="draft"`` or ``"published"`` presses Save draft / Unpublish or Publish."""
    from django.utils import timezone

    def form(post, status=None, **overrides):
        published_at = timezone.localtime(post.published_at) if post.published_at else None
        data = {
            "title": post.title,
            "slug": post.slug,
            "author": post.author_id,
            "standfirst": post.standfirst,
            "body": post.body,
            "featured_image": post.featured_image_id or "",
            "published_at_0": published_at.strftime("%Y-%m-%d") if published_at else "",
            "published_at_1": published_at.strftime("%H:%M:%S") if published_at else "",
            "media-TOTAL_FORMS": "0",
            "media-INITIAL_FORMS": "0",
            "media-MIN_NUM_FORMS": "0",
            "media-MAX_NUM_FORMS": "1000",
        }
        if status == "published":
            data["_workflow"] = "publish"
        elif status == "draft":
            data["_workflow"] = "draft" if post.status == "draft" else "unpublish"
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return form


@pytest.fixture
def staff_client(django_user_model):
    """A second browser, logged in as a staff member without other rights."""
    from django.test import Client

    user = django_user_model.objects.create_user(username="staff", password="pw", is_staff=True)
    staff = Client()
    staff.force_login(user)
    return staff


@pytest.fixture
def moderator(django_user_model):
    """A staff member of the Moderators group, with an email for notifications."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "moe", email="moe@example.org", password="pw", is_staff=True, first_name="Moe"
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def make_comment():
    """Build a comment directly (approved unless told otherwise): state that was there before
    the test, so no event; the discussion still moves to a new version, as with any change."""
    from comments import services
    from comments.models import Comment

    counter = iter(range(1, 1_000_000))

    def make(post, parent=None, status=Comment.Status.APPROVED, **fields):
        number = next(counter)
        fields.setdefault("author_name", f"Reader {number}")
        fields.setdefault("author_email", f"reader{number}@example.net")
        fields.setdefault("body", f"Comment number {number}.")
        comment = Comment.objects.create(post=post, parent=parent, status=status, **fields)
        services.begin_change(post.pk)
        return comment

    return make


@pytest.fixture
def comment_data():
    """A valid comment form submission for a post, as a browser would send it.

    Each call is a new form with a new text, so repeated posts are not duplicates.
    """
    import time

    from django.core import signing

    from comments.forms import FORM_SALT

    counter = iter(range(1, 1_000_000))

    def data(post, **overrides):
        issued = signing.dumps({"post": post.pk, "at": time.time() - 60}, salt=FORM_SALT)
        values = {
            "author_name": "Ada Reader",
            "author_email": "ada@example.net",
            "author_url": "",
            "body": f"A thoughtful comment, number {next(counter)}.",
            "parent": "",
            "homepage_url": "",
            "issued": issued,
        }
        values.update(overrides)
        return values

    return data


@pytest.fixture
def post(make_post):
    return make_post(title="An open discussion")


@pytest.fixture
def at_once():
    """``at_once(n, request)``: n threads call ``request()`` at the same moment; their results.

    Each thread has its own database connection (closed after), as concurrent workers do;
    use it in tests marked ``django_db(transaction=True)``.
    """
    import threading

    from django.db import connection

    def run(count, request):
        results, start = [], threading.Barrier(count)

        def one():
            try:
                start.wait(timeout=10)
                results.append(request())
            finally:
                connection.close()

        threads = [threading.Thread(target=one) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return results

    return run


@pytest.fixture
def run_queued_emails():
    """Do what the task worker does with the queued emails, in this process.

    tests/comments/test_task_queue.py runs the real worker; elsewhere this keeps tests fast.
    """
    from procrastinate.contrib.django.models import ProcrastinateJob

    from comments.notifications import notify_pending_comment

    def run():
        for job in ProcrastinateJob.objects.filter(task_name="comments.email_pending"):
            notify_pending_comment(**job.args)

    return run


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate-limit counters and other cached state never leak between tests.

    The cache is a table in the test database, so only tests that use the database have one;
    post pages are cached in memory.
    """
    from django.core.cache import caches

    caches["pages"].clear()
    if request.node.get_closest_marker("django_db") is None and not (
        DATABASE_FIXTURES & set(request.fixturenames)
    ):
        return
    from django.core.cache import cache

    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _media_root():
    """Uploads go to a throwaway folder, never the project's media/."""
    from django.test.utils import override_settings

    root = tempfile.mkdtemp(prefix="blog-test-media-")
    with override_settings(MEDIA_ROOT=root):
        yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests log many users in; a deliberately slow hasher only slows them down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def atom():
    """``atom(response)``: the Atom feed a response holds, parsed safely and checked for what
    RFC 4287 asks of a feed and its entries; its title, links by rel and entries as dicts."""
    from types import SimpleNamespace

    from defusedxml.ElementTree import fromstring

    ns = "{http://www.w3.org/2005/Atom}"

    def required(element, path):
        value = element.findtext(f"{ns}{path}")
        assert value, f"<{path}> is missing or empty"
        return value

    def entry_of(element):
        links = element.findall(f"{ns}link")
        assert [link.get("rel") for link in links] == ["alternate"]
        content = element.find(f"{ns}content")
        assert content is not None
        assert content.get("type") == "html"
        return {
            "id": required(element, "id"),
            "title": required(element, "title"),
            "updated": required(element, "updated"),
            "published": element.findtext(f"{ns}published"),
            "author": required(element, f"author/{ns}name"),
            "link": links[0].get("href"),
            "summary": element.findtext(f"{ns}summary"),
            "content": content.text,
            "categories": [category.get("term") for category in element.findall(f"{ns}category")],
        }

    def parse(response):
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
        root = fromstring(response.content)
        assert root.tag == f"{ns}feed"
        required(root, "id")
        required(root, "updated")
        links = {link.get("rel"): link.get("href") for link in root.findall(f"{ns}link")}
        assert {"self", "alternate"} <= links.keys(), links
        return SimpleNamespace(
            id=root.findtext(f"{ns}id"),
            title=required(root, "title"),
            links=links,
            entries=[entry_of(element) for element in root.findall(f"{ns}entry")],
        )

    return parse
