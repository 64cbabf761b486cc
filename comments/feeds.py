"""Atom feeds of published comments: one post's discussion, and the whole site's.

Each shows what an anonymous reader sees on the post page: approved comments only, never
one inside a sub-thread removed with its replies hidden, and only on published posts. An
entry carries the commenter's name and the stored sanitised HTML, never their email or
address.
"""

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from blog.feeds import SiteFeed
from blog.models import Post

from .models import Comment
from .viewer import Viewer

COMMENTS_IN_FEED = 30


class CommentsFeed(SiteFeed):
    """Comments as an anonymous reader sees them, newest first; each feed says whose in
    ``comments(obj)``."""

    def items(self, obj):
        """Read twice as many as shown: the few inside a hidden sub-thread leave the rest."""
        reader = Viewer()
        comments = list(self.comments(obj).visible_to(reader)[: 2 * COMMENTS_IN_FEED])
        hidden = reader.hidden_in_place(comments)
        return [comment for comment in comments if comment.pk not in hidden][:COMMENTS_IN_FEED]

    def feed_guid(self, obj):
        """The feed's own address: its link (a post, the home page) already names another feed
        or entry."""
        return self.request.build_absolute_uri(self.feed_url(obj))

    def item_title(self, item):
        return f"Comment by {item}"  # "⁨Ann⁩ on “Post title”", the name isolated

    def item_description(self, item):
        return None  # the whole comment is the entry's content

    def item_content(self, item):
        return item.body_html

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at


class PostCommentsFeed(CommentsFeed):
    """The published comments of one published post, newest first.

    A former slug of the post serves its feed too; the feed names its current address as its
    own (``rel="self"``), which feed readers adopt.
    """

    def get_object(self, request, slug):
        try:
            return Post.objects.published().at_slug(slug)
        except Post.DoesNotExist:
            raise Http404("No such post.") from None

    def comments(self, post):
        return post.comments.order_by("-created_at", "-id")

    def items(self, post):
        comments = super().items(post)
        for comment in comments:
            comment.post = post  # named in each title, read once
        return comments

    def title(self, post):
        return f"{settings.SITE_NAME}: comments on “{post.title}”"

    def link(self, post):
        return f"{post.get_absolute_url()}#comments"

    def feed_url(self, post):
        return reverse("comments:post_feed", kwargs={"slug": post.slug})


class LatestCommentsFeed(CommentsFeed):
    """The newest published comments on the site's published posts."""

    title = f"{settings.SITE_NAME}: comments"
    subtitle = f"The latest comments on {settings.SITE_NAME}."

    def comments(self, obj):
        published = Comment.objects.filter(post__in=Post.objects.published())
        return published.select_related("post").order_by("-created_at", "-id")

    def link(self):
        return reverse("blog:home")

    def feed_url(self, obj=None):
        return reverse("comments:feed")
