from django.urls import path

from . import edit_views, subscription_views, views
from .feeds import LatestCommentsFeed, PostCommentsFeed

app_name = "comments"

urlpatterns = [
    path("posts/<slug:slug>/comment/", views.post_comment, name="post"),
    path("posts/<slug:slug>/discussion/", views.discussion_switch, name="discussion"),
    path("posts/<slug:slug>/comments/feed/", PostCommentsFeed(), name="post_feed"),
    path("comments/feed/", LatestCommentsFeed(), name="feed"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("comments/<int:pk>/replies/", views.replies_switch, name="replies"),
    path("comments/<int:pk>/edit/", edit_views.edit_comment, name="edit"),
    path("comments/<int:pk>/history/", edit_views.history, name="history"),
    path(
        "comments/subscriptions/confirm/<str:token>/",
        subscription_views.confirm,
        name="confirm_subscription",
    ),
    path("comments/unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
    path("comments/<int:pk>/report/", views.report, name="report"),
]
