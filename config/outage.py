"""What readers get while the database is down or stalled: a 503 they can act on.

Django calls ``server_error`` for any uncaught exception. An unreachable or stalled database
becomes a 503 with ``Retry-After``, rendered without touching it; a comment being sent comes
back in an editable box with a button to send it again, so nothing typed is lost.
"""

import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from procrastinate.exceptions import ConnectorException

RETRY_AFTER_SECONDS = 30
KEPT_FIELDS = ("author_name", "author_email", "author_url", "parent", "issued", "remember")


def database_is_out():
    """Is the exception being handled the database being unreachable or too slow?

    Not any database error: a programming error or a broken constraint is a bug (a 500),
    and trying again would not help. The task queue wraps the driver's errors in its own.
    """
    exception = sys.exc_info()[1]
    while exception is not None:
        if isinstance(exception, OperationalError | InterfaceError | psycopg.OperationalError):
            return True
        if not isinstance(exception, ConnectorException):
            return False
        exception = exception.__cause__
    return False


def server_error(request):
    if not database_is_out():
        return HttpResponseServerError(loader.get_template("500.html").render())
    comment = request.method == "POST" and _is_comment_form(request)
    body = request.POST.get("body", "") if comment else ""
    context = {
        "body": body,
        "resend_to": request.path if body else "",
        "kept": [(name, request.POST[name]) for name in KEPT_FIELDS if name in request.POST],
        # The form's own token, sent back: the CSRF cookie it matches has not changed.
        "csrf_token": request.POST.get("csrfmiddlewaretoken", ""),
    }
    response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _is_comment_form(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == "comments:post"
