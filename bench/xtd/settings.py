"""Settings of the xtd baseline: production-like, like the site it is measured against.

DEBUG is off (so templates are cached), connections persist with health checks as the site's
do, and the database is the benchmark's, named by DATABASE_URL.
"""

import environ

env = environ.Env()

DEBUG = False
# Not a secret: this project only ever serves benchmark data on loopback.
SECRET_KEY = "xtd-baseline-benchmark-only-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    # xtd before django_comments, as xtd's quick start says: its templates win.
    "django_comments_xtd",
    "django_comments",
    "xtd",
]
SITE_ID = 1
COMMENTS_APP = "django_comments_xtd"
# Five levels (0 to 4), the same as the site's COMMENTS_MAX_DEPTH=5.
COMMENTS_XTD_MAX_THREAD_LEVEL = 4
COMMENTS_XTD_CONFIRM_EMAIL = False

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "xtd.urls"
WSGI_APPLICATION = "xtd.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
