"""The site's URLs, with /media/ answered too (SERVE_MEDIA is off in tests), so uploaded
pictures really load in the browser tests that use the ``media_served`` fixture."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    re_path(
        r"^media/(?P<path>.+)$",
        lambda request, path: serve(request, path, str(settings.MEDIA_ROOT)),
    ),
    path("", include("config.urls")),
]
