"""Fixtures for the real-browser tests.

Playwright (sync API) drives Debian's Chromium, headless, against pytest-django's live_server on
the PostgreSQL test database. Playwright never downloads a browser here: it launches
/usr/bin/chromium through ``executable_path``. One browser serves every test; each test gets fresh
contexts (cookies, storage, viewport), which cost milliseconds.

The make target ``browser-deps`` (run by ``make test``) installs Chromium and axe-core.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # we run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

YOUTUBE_URL = "https://www.youtube.com/watch?v=M7lc1UVf-VE"
YOUTUBE_EMBED_PREFIX = "https://www.youtube-nocookie.com/embed/"

_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    # Without Chromium, outside CI the browser tests are skipped with the reason (a skip marker);
    # under CI (CI=true) they run and the `browser` fixture fails them with pytest.fail, because
    # a CI machine without the browser is broken and must not pass by skipping.
    if CHROMIUM.exists() or IN_CI:
        return
    here = Path(__file__).parent
    missing = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: `make test` installs it as root (apt-get install chromium)"
    )
    for item in items:
        if here in item.path.parents:
            item.add_marker(missing)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember a failed test body, so the page fixture can keep a screenshot of it."""
    report = yield
    if report.when == "call" and report.failed:
        item.stash[_FAILED] = True
    return report


@pytest.fixture(scope="package")
def browser():
    """One headless Debian Chromium for all the browser tests."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing under CI: `make test` installs it as root")
    shutil.rmtree(SCREENSHOTS / "failures", ignore_errors=True)  # only this run's failures
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio event loop running in this (the test) thread for
        # as long as it is started, and Django's ORM refuses to run where a loop is running
        # (SynchronousOnlyOperation) - even though our queries are ordinary blocking calls made
        # from this thread, outside any coroutine. Django's documented escape hatch is
        # DJANGO_ALLOW_ASYNC_UNSAFE; it is set only while the browser runs, and this fixture is
        # package-scoped (tests/browser is a package), so no other test runs with it.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            # With a loop running, Django also hands this thread other connection objects (its
            # connection storage follows the loop, as for async code). Give them the snapshot of
            # the freshly migrated database that serialized rollback restores before each test.
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
            )
            yield chromium
            chromium.close()
            connections.close_all()  # those connections, before the test database is dropped


@pytest.fixture(autouse=True)
def _live_database(live_server, django_db_serialized_rollback):
    """Every browser test talks to the live server, whose thread sees only committed rows.

    So the test database is transactional: emptied after each test. Serialized rollback reloads
    the rows the migrations made (the Authors and Editors groups, permissions) before each test.
    """


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are made and logged in often here; a slow hasher would only slow the tests down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def new_page(browser, live_server, request):
    """Open a page in a fresh context: ``new_page(viewport="phone", color_scheme="dark")``.

    ``javascript=False`` gives the paths a reader without scripts takes.

    Relative URLs go to the live server. Requests to any other host are aborted at once (there is
    no internet here, and the tests must not depend on it), so a YouTube iframe stays empty.
    On a failing test, each page's last state is kept as a screenshot.
    """
    contexts = []

    def make(viewport="desktop", color_scheme="light", javascript=True):
        phone = viewport == "phone"
        context = browser.new_context(
            base_url=live_server.url,
            viewport=VIEWPORTS[viewport],
            is_mobile=phone,
            has_touch=phone,
            color_scheme=color_scheme,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
        contexts.append(context)
        return context.new_page()

    yield make
    for number, context in enumerate(contexts):
        if request.node.stash.get(_FAILED, False):
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            for page in context.pages:
                path = SCREENSHOTS / "failures" / f"{name}-{number}.png"
                page.screenshot(path=path, full_page=True)
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page in a fresh browser context."""
    return new_page()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/screenshots/ and return its path."""

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (`make test` does)")
    return AXE_JS.read_text()


def _describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            lines.extend(
                f"       {line.strip()}"
                for line in node.get("failureSummary", "").splitlines()
                if line.strip()
            )
    return "\n".join(lines)


@pytest.fixture
def axe(axe_source):
    """Run axe-core on a page; return its violations of impact "serious" or "critical".

    Only our own document is checked: third-party iframes (videos) are not, as their content does
    not load here and is not ours to fix. Use ``assert not found, axe.describe(found)``.
    """

    def run(page):
        page.wait_for_load_state("load")  # the page as its scripts leave it, not half-drawn
        page.evaluate(axe_source)  # not an inline <script>: the site's CSP would refuse it
        results = page.evaluate(
            "() => axe.run(document, {iframes: false, resultTypes: ['violations']})"
        )
        return [v for v in results["violations"] if v["impact"] in {"serious", "critical"}]

    run.describe = _describe
    return run


@pytest.fixture
def published_post(make_post, author):
    """A realistic published post: an author with a bio, two tags and a related YouTube video.

    The body has a long unbroken link and a wide code block, which must not widen a phone screen.
    """
    from blog.models import MediaEmbed, Tag

    author.display_name = "Mara Quist"
    author.bio = "Mara writes about streets, buses and the people who plan them."
    author.website = "https://example.org/mara"
    author.save()
    tags = [
        Tag.objects.create(name="Cities", slug="cities"),
        Tag.objects.create(name="Public transport", slug="public-transport"),
    ]
    post = make_post(title="The quiet return of the tram", tags=tags)
    post.slug = "the-quiet-return-of-the-tram"
    post.standfirst = "Thirty cities tore up their tracks. Now they are laying them again."
    post.body = (
        "<p>In 1950 most European cities had trams; by 1980 most did not.</p>"
        "<h2>What changed</h2>"
        "<p>Money, mostly, and a long argument about <em>who streets are for</em>. The whole "
        "report is at https://example.org/reports/2024/the-quiet-return-of-the-tram-full-"
        "technical-appendix-with-every-single-table.pdf for the patient.</p>"
        "<blockquote><p>A tram line is a promise that the city will still be here.</p>"
        "</blockquote>"
        "<pre><code>ridership = {'1950': 1_000_000, '1980': 120_000, '2020': 640_000}  "
        "# boardings per weekday, all lines</code></pre>"
        "<ul><li>Lower running costs per passenger</li><li>Quieter streets</li></ul>"
    )
    post.save()
    MediaEmbed.objects.create(
        post=post,
        url=YOUTUBE_URL,
        title="A tram ride through the city centre",
        caption="Ten minutes on line 4, from the station to the harbour.",
    )
    return post


@pytest.fixture
def media_served(settings):
    """The live server answers MEDIA_URL, so uploaded pictures load."""
    settings.ROOT_URLCONF = "tests.browser.media_urls"


@pytest.fixture
def log_in():
    """Log a page in through the admin's login form: ``log_in(page, "mara")``."""
    from playwright.sync_api import expect

    def log_in(page, username, password="pw"):
        page.goto("/admin/login/?next=/admin/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        return page

    return log_in


@pytest.fixture
def admin_page(page, log_in, django_user_model):
    """A desktop page logged in to the admin as a superuser ("admin", password "pw")."""
    django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    return log_in(page, "admin")


@pytest.fixture
def quick_comments(settings):
    """Comment forms may be sent back at once and often: the live server shares these settings.

    The minimum-time bot check is off (no sleeping) and the per-IP rate limit is out of reach.
    """
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 1_000


@pytest.fixture
def moderator(django_user_model):
    """A staff user in the Moderators group: "moe", password "pw"."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "moe", "moe@example.org", "pw", is_staff=True, first_name="Moe"
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user
