"""Settings for every environment, read from the environment with django-environ.

Development defaults apply only when DEBUG is on (the run command turns it on);
production must provide SECRET_KEY and ALLOWED_HOSTS or the process refuses to start.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from devtools.pgcluster import Cluster

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "django_prose_editor",
    "procrastinate.contrib.django",
    "blog",
    "comments",
    "wordpress",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session, so that a request saving its session counts as one that wrote.
    "config.replicas.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware: an old WordPress link without its slash moves once, not twice.
    "wordpress.old_links.OldLinksMiddleware",
    "config.middleware.RefuseUnusableInputMiddleware",  # before anything reads request.POST
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
            ],
        },
    },  # The hot path, the discussion thread, in Jinja2 (templates in each app's jinja2/).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# Without DATABASE_URL, the project-local cluster that the run command starts.
DATABASES = {"default": env.db("DATABASE_URL", default=Cluster(BASE_DIR / ".pg").url)}
# A streaming replica of it takes the reads that may be a moment behind (config/replicas.py);
# unset, there is no replica and every query goes to the one database.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests use one database
DATABASE_ROUTERS = ["config.replicas.ReplicaRouter"] if DATABASE_REPLICA_URL else []
# How long a browser that sent a change reads from the primary: more than the replica's lag.
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
# Checking a reused connection waits this long at most (see config/postgresql/base.py).
DB_HEALTH_CHECK_TIMEOUT = env.float("DB_HEALTH_CHECK_TIMEOUT", default=1.0)
for database in DATABASES.values():
    database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
    database["CONN_HEALTH_CHECKS"] = True
    # A database that is down or stalled fails a request in seconds (a 503 page) instead of
    # holding a worker: connecting, any statement and any lock wait have a limit (0: none).
    database["OPTIONS"] = {
        **database.get("OPTIONS", {}),
        "connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=3),
        "options": "-c statement_timeout={} -c lock_timeout={}".format(
            env.int("DB_STATEMENT_TIMEOUT_MS", default=10_000),
            env.int("DB_LOCK_TIMEOUT_MS", default=5_000),
        ),
    }
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = "config.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every worker with no extra service: a table in the project's PostgreSQL
# (`manage.py createcachetable`); Redis in production. A Redis that does not answer must
# fail in a moment, not hold the request.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache")}

# Post pages' shared part (blog/pagecache.py): in each worker's memory by default (entries
# are never stale, so nothing needs sharing); PAGE_CACHE_URL can point every server at one
# Redis instead. PAGE_CACHE_SECONDS=0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
CACHES["pages"] = env.cache("PAGE_CACHE_URL", default="locmemcache://post-pages")
for cache in CACHES.values():
    if cache["BACKEND"].endswith("RedisCache"):
        cache.setdefault("OPTIONS", {}).update(
            {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        )
    elif cache["BACKEND"].endswith("LocMemCache"):
        cache.setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100)
# What else names a post page's shared part: the discussion's version and state.
POST_PAGE_PARTS = ["comments.page_parts.DiscussionPart"]

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that accepts and never answers must not hold a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# The task queue (procrastinate) lives in the project's PostgreSQL; `manage.py procrastinate
# worker` runs it. A worker that sends no heartbeat for TASKS_STALLED_AFTER seconds is taken
# for dead and its job is requeued by a sweep that runs on TASKS_STALLED_SWEEP_CRON.
TASKS_STALLED_AFTER = env.int("TASKS_STALLED_AFTER", default=60)
TASKS_STALLED_SWEEP_CRON = env("TASKS_STALLED_SWEEP_CRON", default="* * * * *")
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": env.float("TASKS_HEARTBEAT_SECONDS", default=10),
    "stalled_worker_timeout": TASKS_STALLED_AFTER,
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="blog@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded images go through Django's storage API: local files under MEDIA_ROOT by default;
# in production, object storage through django-storages (README: "Images in production").
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Django itself answers MEDIA_URL (fine for a small site); off when a web server or object
# storage serves the files.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {
        "BACKEND": env("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={}),
    },
    # Hashed, compressed files served by whitenoise (run collectstatic when deploying).
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Security: on by default, relaxed only for local development.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): the site's own scripts and styles only, no inline code;
# images also from any HTTPS host (authors hot-link them); frames only from the video players
# blog/embeds.py builds (a test keeps the two in step). Inline scripts only with the request's
# nonce, which only the post editor's import map uses (blog/editor.py); other pages get none.
VIDEO_PLAYER_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:"],
        "frame-src": VIDEO_PLAYER_ORIGINS,
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "report-uri": env.list("CSP_REPORT_URI", default=[]) or None,
    }
}
# Browser features the pages never use are off; the video players may go full screen.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "midi": [],
    "display-capture": [],
    "accelerometer": [],
    "gyroscope": [],
    "magnetometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "encrypted-media": ["self", *VIDEO_PLAYER_ORIGINS],
    "fullscreen": ["self", *VIDEO_PLAYER_ORIGINS],
    "picture-in-picture": ["self", *VIDEO_PLAYER_ORIGINS],
}

# Login throttling (django-axes, counted in PostgreSQL so every worker sees it): after
# LOGIN_FAILURE_LIMIT failures for one account, or from one address, logging in - even with the
# right password - is refused for LOGIN_COOLOFF_MINUTES after the last failure. No reset on
# success: a success from an address would clear another account's failures from it.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "comments.ratelimit.client_ip"  # the comment limit's address
AXES_LOCKOUT_CALLABLE = "config.access.lockout_response"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # The task queue says what it does at INFO; its worker's log is the place for that.
    "loggers": {
        "procrastinate": {"level": env("TASKS_LOG_LEVEL", default="WARNING")},
        "axes": {"level": "WARNING"},  # not a line at every start
    },
}

# Site identity, used by feeds, Open Graph tags and emails.
SITE_NAME = env("SITE_NAME", default="The Margin")
SITE_DESCRIPTION = env(
    "SITE_DESCRIPTION", default="Essays and arguments on cities, technology and the way we live."
)

# The site's public address (e.g. https://blog.example.org), for links written away from any
# request, such as the WordPress export's; `export_wordpress --site-url` overrides it.
SITE_URL = env("SITE_URL", default="")

BLOG_POSTS_PER_PAGE = env.int("BLOG_POSTS_PER_PAGE", default=10)
# Image uploads (blog/images.py): the largest file and picture taken (a larger picture is
# refused before it is decoded, so a decompression bomb costs nothing), the width the kept
# original is scaled down to, and the widths of the smaller copies pages offer in `srcset`.
BLOG_IMAGE_MAX_BYTES = env.int("BLOG_IMAGE_MAX_BYTES", default=15 * 1024 * 1024)
BLOG_IMAGE_MAX_PIXELS = env.int("BLOG_IMAGE_MAX_PIXELS", default=50_000_000)
BLOG_IMAGE_MAX_WIDTH = env.int("BLOG_IMAGE_MAX_WIDTH", default=2560)
BLOG_IMAGE_WIDTHS = env.list("BLOG_IMAGE_WIDTHS", cast=int, default=[480, 800, 1200, 1600])
# PostgreSQL's text search configuration for /search/ (the blog's language: stemming, stop
# words); after changing it, run `manage.py rebuild_search_index`.
SEARCH_CONFIG = env.str("SEARCH_CONFIG", default="english")

# Comments: threading, pagination, closing and spam defences.
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=5)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
COMMENTS_CLOSED = env.bool("COMMENTS_CLOSED", default=False)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=None)
# Close a discussion this many days after its last published comment (or its publication, if
# later); a post can set its own limit in the admin. Unset: never.
COMMENTS_CLOSE_AFTER_INACTIVE_DAYS = env.int("COMMENTS_CLOSE_AFTER_INACTIVE_DAYS", default=None)
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
COMMENTS_AUTO_APPROVE_KNOWN = env.bool("COMMENTS_AUTO_APPROVE_KNOWN", default=True)
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", default=3)
# The same text from the same commenter on the same post within this many seconds is refused.
COMMENTS_DUPLICATE_WINDOW = env.int("COMMENTS_DUPLICATE_WINDOW", default=24 * 3600)
# Days a removed comment stays restorable before `empty_comment_trash` deletes it.
COMMENTS_TRASH_DAYS = env.int("COMMENTS_TRASH_DAYS", default=30)
# Minutes after posting in which a commenter may edit their comment (0: no editing).
COMMENTS_EDIT_MINUTES = env.int("COMMENTS_EDIT_MINUTES", default=15)
# Avatars are initials drawn by the site. On, Gravatar's picture for the commenter's email covers
# them: every reader's browser then asks gravatar.com, so it is off unless chosen, and the
# policy names Gravatar only then (img-src also takes any HTTPS host for authors' images today;
# Gravatar stays allowed if that is narrowed).
COMMENTS_GRAVATAR = env.bool("COMMENTS_GRAVATAR", default=False)
if COMMENTS_GRAVATAR:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("https://gravatar.com")
# Authors approve, reject… the comments on their own posts (post page and admin queue).
COMMENTS_AUTHORS_MODERATE = env.bool("COMMENTS_AUTHORS_MODERATE", default=False)
COMMENTS_RATE_LIMIT = env.int("COMMENTS_RATE_LIMIT", default=5)
COMMENTS_RATE_WINDOW = env.int("COMMENTS_RATE_WINDOW", default=60)
# Days a link confirming a reply-notification subscription stays valid.
COMMENTS_CONFIRM_DAYS = env.int("COMMENTS_CONFIRM_DAYS", default=14)
# Readers' reports: this many open reports hold a published comment for review (0: never);
# each address may send COMMENTS_REPORT_RATE_LIMIT reports per COMMENTS_REPORT_RATE_WINDOW s.
COMMENTS_REPORTS_TO_HOLD = env.int("COMMENTS_REPORTS_TO_HOLD", default=3)
COMMENTS_REPORT_RATE_LIMIT = env.int("COMMENTS_REPORT_RATE_LIMIT", default=10)
COMMENTS_REPORT_RATE_WINDOW = env.int("COMMENTS_REPORT_RATE_WINDOW", default=3600)
# A commenter's data on request: what erasing does to the text of their comments. "replace":
# it becomes "Removed by request."; "keep": it stays, with nothing left to say who wrote it;
# "delete": the comments go, except those others' replies hang from (they keep their place as
# "Removed by request.").
COMMENTS_ERASED_TEXT = env.str("COMMENTS_ERASED_TEXT", default="replace")
if COMMENTS_ERASED_TEXT not in {"replace", "keep", "delete"}:
    raise ImproperlyConfigured("COMMENTS_ERASED_TEXT must be replace, keep or delete.")
# Days a comment's (and a report's) IP address and user agent are kept; a daily job drops them
# after that (0: kept for good).
COMMENTS_KEEP_ADDRESSES_DAYS = env.int("COMMENTS_KEEP_ADDRESSES_DAYS", default=90)
# Proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
