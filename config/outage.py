"""What readers get while the database is down or stalled: a 503 they can act on.

Django calls ``server_error`` for any uncaught exception. A database error becomes a 503
with ``Retry-After``, rendered without touching the database; a comment being sent comes
back in an editable box with a button to send it again, so nothing typed is lost.
"""

import sys

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30
KEPT_FIELDS = ("author_name", "author_email", "author_url", "parent", "issued", "remember")


def database_is_out():
    exception = sys.exc_info()[1]
    return isinstance(exception, DatabaseError)


@requires_csrf_token
def server_error(request):
    if not database_is_out():
        return HttpResponseServerError(loader.get_template("500.html").render())
    body = request.POST.get("body", "") if request.method == "POST" else ""
    context = {
        "body": body,
        "resend_to": request.path if body else "",
        "kept": [(name, request.POST[name]) for name in KEPT_FIELDS if name in request.POST],
        "csrf_token": request.POST.get("csrfmiddlewaretoken", ""),
    }
    response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
