from django.urls import include, path

from . import views

urlpatterns = [
    path("thread/", views.thread, name="thread"),
    path("comments/", include("django_comments_xtd.urls")),
]
