"""Project-wide middleware."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import DatabaseError, DataError, ProgrammingError, connection, transaction
from django.views.defaults import bad_request

logger = logging.getLogger(__name__)


def permissions_policy_header(policy):
    """``{"camera": [], "fullscreen": ["self", "https://x.example"]}`` as a header value.

    An empty list turns a feature off everywhere; "self" is this site; other entries are origins.
    """

    def allowlist(origins):
        return " ".join(origin if origin == "self" else f'"{origin}"' for origin in origins)

    return ", ".join(f"{feature}=({allowlist(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


# Methods whose body nobody reads; the charset of any other request's body must be UTF-8.
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# What a value that does not fit its lookup raises, from Django or from psycopg before sending
# the query (a ``__range`` of three values); never a lost connection (``OperationalError``).
LOOKUP_ERRORS = (ValueError, TypeError, LookupError, OverflowError, ProgrammingError)


class RefuseUnusableInputMiddleware:
    """Answer 400, never 500, to input the site cannot read or PostgreSQL cannot take.

    - A request body in a charset other than UTF-8, or one nobody knows: Django refuses such a
      form on every read of ``request.POST``, including the CSRF check of its own 400 page, so
      the refusal used to end as a 500. This answers first, before anything reads the body.
    - A NUL character anywhere in the query string: PostgreSQL text cannot hold one, and the
      admin's filters, search and autocomplete pass query-string values to it. (Forms refuse
      NUL in what is posted to them, with a message beside the field and the text kept.)
    - What PostgreSQL refuses all the same (``DataError``: an invalid regular expression in an
      admin filter, a number out of range).
    - In the admin's lists and autocomplete, a query-string value that does not fit its lookup:
      those views make SQL of any lookup in the URL, and Django checks its name, not its value,
      so such a value fails wherever the query is built (a range that is no pair, an address
      filter that is no address, a year past 9999).

    The answer is Django's 400 page (``templates/400.html`` when there is one).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS and not _utf8_or_unstated(request):
            # Read the body as UTF-8 from here on, so that the 400 page's CSRF check can.
            request.encoding = "utf-8"
            return _refuse(request, "its body is not in UTF-8")
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            return _refuse(request, "its query string holds a NUL character")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (
            isinstance(exception, DataError)
            or (isinstance(exception, LOOKUP_ERRORS) and _admin_lookup_view(request))
        ):
            return None
        if isinstance(exception, DatabaseError) and connection.in_atomic_block:
            # PostgreSQL may have aborted the transaction around the query: end it, never reuse it.
            transaction.set_rollback(True)
        return _refuse(request, "a value in it does not fit where it goes", exception)


def _utf8_or_unstated(request):
    charset = request.content_params.get("charset")
    return charset is None or charset.lower() == "utf-8"


def _admin_lookup_view(request):
    """An admin list or autocomplete, read: the views that make a query of any lookup in the URL
    (their POSTs are actions, whose errors stay errors)."""
    match = request.resolver_match
    return (
        request.method in SAFE_METHODS
        and match is not None
        and "admin" in match.namespaces
        and (match.url_name or "").endswith(("_changelist", "autocomplete"))
    )


def _refuse(request, reason, exception=None):
    detail = f" ({exception!r})" if exception is not None else ""
    logger.warning("Bad request to %s: %s%s.", request.path, reason, detail)
    return bad_request(request, BadRequest(reason))
