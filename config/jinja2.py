"""The Jinja2 environment of the templates on hot paths (the discussion thread).

Django's template language renders a 500-comment thread through recursive includes in
about 180 ms; Jinja2 compiles the same markup to Python. These helpers stand in for the
Django tags and filters such templates would use.
"""

from functools import lru_cache

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language
from jinja2 import Environment

from comments.avatars import avatar_of, gravatar_url


def url(name, *args):
    return reverse(name, args=args)


def isoformat(value):
    """``date('c')``, without the cost of Django's format parser."""
    return timezone.localtime(value).isoformat()


def when(value):
    """``date('j F Y \\a\\t H:i')``, the day formatted once: a thread's comments share a few."""
    local = timezone.localtime(value)
    return f"{_day(local.date(), get_language())} at {local:%H:%M}"


@lru_cache(maxsize=512)
def _day(day, language):
    return date_format(day, "j F Y")


def environment(**options):
    env = Environment(**options)
    env.globals["url"] = url
    env.filters.update(isoformat=isoformat, when=when, avatar=avatar_of, gravatar=gravatar_url)
    return env
