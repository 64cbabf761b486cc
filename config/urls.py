import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from blog.media_preview import media_preview
from blog.sitemaps import sitemaps

from .access import view_on_site

# A database outage answers 503 (with the reader's comment text), anything else 500.
handler500 = "config.outage.server_error"

urlpatterns = [
    # Before the admin's own "View on site" route, which would send any staff member anywhere.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path(
        "admin/blog/media-preview/",
        admin.site.admin_view(media_preview),
        name="admin-media-preview",
    ),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("", include("comments.urls")),
    path("", include("blog.urls")),
]

# Uploaded images, when no web server or object storage answers MEDIA_URL (SERVE_MEDIA).
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    prefix = re.escape(settings.MEDIA_URL.strip("/"))
    urlpatterns.insert(
        0,
        re_path(rf"^{prefix}/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
    )
