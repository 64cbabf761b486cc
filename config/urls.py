from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

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
