import ast
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp9Lm2" * 6,
    "ALLOWED_HOSTS": "blog.example.org",
    "DATABASE_URL": "postgres://blog:secret@db.example.org:5432/blog",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "CACHE_URL": "rediscache://cache.example.org:6379/1",
    "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    "SECURE_SSL_REDIRECT": "true",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_deploy_check_passes_with_production_settings():
    """`manage.py check --deploy` is clean, warnings included, with production values."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "warning", "value"),
    [
        ("DATABASE_URL", "blog.W001", None),
        ("CACHE_URL", "blog.W002", "locmemcache://"),
        ("CACHE_URL", "blog.W002", "dummycache://"),
    ],
)
def test_deploy_check_flags_development_services(variable, warning, value):
    """Production on the development database or a per-process cache is caught before it serves.

    Without CACHE_URL the cache is a table in PostgreSQL, shared by every worker: no warning.
    """
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != variable}
    if value:
        env[variable] = value
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout
    assert variable in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    """A missing SECRET_KEY stops production loudly instead of using a default."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_migrations_match_the_models():
    """Every model change has its migration committed."""
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


@pytest.mark.django_db
def test_demo_content_refuses_to_run_in_production():
    """The demo command never touches a production database."""
    with pytest.raises(CommandError, match="development only"):
        call_command("demo_content", stdout=StringIO())


@pytest.mark.django_db
def test_demo_content_builds_the_site_and_is_idempotent(settings, client):
    """The demo command builds a realistic site, and running it again changes nothing."""
    from blog.models import Author, MediaEmbed, Post, Tag
    from comments.closing import load_state

    settings.DEBUG = True
    out = StringIO()
    call_command("demo_content", stdout=out)
    counts = [Author.objects.count(), Post.objects.count(), Tag.objects.count()]
    call_command("demo_content", stdout=StringIO())
    assert [Author.objects.count(), Post.objects.count(), Tag.objects.count()] == counts

    assert Author.objects.count() == 3
    published = Post.objects.published()
    assert published.count() >= 12
    assert published.values("author").distinct().count() == 3
    assert len({(p.published_at.year, p.published_at.month) for p in published}) >= 4
    assert Post.objects.filter(status=Post.Status.DRAFT).exists()
    assert Post.objects.filter(status="published").exclude(pk__in=published).exists()
    opinion = Post.objects.get(slug="the-street-is-the-last-public-room")
    assert load_state(opinion).closed
    video = MediaEmbed.objects.get(post=opinion)
    assert video.media.provider == "youtube"
    assert video.credit_line.startswith("Related video added by")
    assert "demo-password" in out.getvalue()
    settings.DEBUG = False
    assert client.get(opinion.get_absolute_url()).status_code == 200


def _imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


STATE_FIELDS = r"(status|closed_at|keep_open|closes_at)"
STATE_WRITE = re.compile(
    rf"\.update\([^)]*\b{STATE_FIELDS}\s*="  # queryset.update(status=...)
    rf"|^\s*(?:[\w.]+\s*,\s*)*[\w.]*\.{STATE_FIELDS}(?:\s*,\s*[\w.]+)*\s*=(?!=)"  # x.status = ...
)


def test_only_the_services_change_discussion_state():
    """Comment statuses and discussion switches are written in comments/services.py only.

    Every app that could reach them is scanned, the importer included. The blog is not: it
    never imports the comments app (the test below), and a ``status`` it writes is a post's.
    """
    writers = {
        f"{path.relative_to(ROOT)}:{number}"
        for app in ("comments", "wordpress", "demo", "config")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path.name != "services.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if STATE_WRITE.search(line)
    }
    assert writers == set()
    # The scan finds such writes where they belong.
    services = (ROOT / "comments" / "services.py").read_text().splitlines()
    assert any(STATE_WRITE.search(line) for line in services)


def test_the_blog_never_imports_the_comments_app():
    """Dependencies run one way: comments use the blog; the blog's code knows nothing of them."""
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "blog").rglob("*.py")
        for module in _imported_modules(path)
        if module == "comments" or module.startswith("comments.")
    }
    assert offending == set()
    # The scan sees imports: the comments app's use of the blog is found.
    assert "blog.models" in set(_imported_modules(ROOT / "comments" / "models.py"))
