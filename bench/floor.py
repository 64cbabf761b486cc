"""Django's floor: the ceiling's bytes returned by a view through the site's own settings and
middleware, without a query. How fast Django itself can serve that page here, between the
ceiling (no Django) and the warm page (Django, and one query for its cache key).

Served with ``DJANGO_SETTINGS_MODULE=bench.floor``; ``bench/run.py`` names the bytes' file in
BENCH_CEILING_PAGE, as for ``bench/ceiling.py``.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from config.settings import *  # noqa: F403  (the site's settings, this module's URLs)

ROOT_URLCONF = "bench.floor"
PAGE = Path(os.environ["BENCH_CEILING_PAGE"]).read_bytes()


def page(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", page)]
