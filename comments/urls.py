from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("posts/<slug:slug>/comment/", views.post_comment, name="post"),
    path("posts/<slug:slug>/discussion/", views.discussion_switch, name="discussion"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("comments/<int:pk>/report/", views.report, name="report"),
]
