from django.urls import path

from . import views
from .feeds import AuthorFeed, LatestPostsFeed, TagFeed

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="home"),
    path("posts/<slug:slug>/", views.post_detail, name="post"),
    path("authors/<slug:slug>/", views.AuthorPostListView.as_view(), name="author"),
    path("authors/<slug:slug>/feed/", AuthorFeed(), name="author_feed"),
    path("tags/<slug:slug>/", views.TagPostListView.as_view(), name="tag"),
    path("tags/<slug:slug>/feed/", TagFeed(), name="tag_feed"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/<int:month>/", views.MonthArchive.as_view(), name="archive_month"),
    path("feed/", LatestPostsFeed(), name="feed"),
    path("search/", views.search, name="search"),
    path("robots.txt", views.robots_txt, name="robots"),
]
