from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("posts/<slug:slug>/comment/", views.post_comment, name="post"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
]
