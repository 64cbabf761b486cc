import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Post


class LatestPostsFeed(Feed):
    feed_type = Atom1Feed
    link = reverse_lazy("blog:home")
    title = settings.SITE_NAME
    subtitle = settings.SITE_DESCRIPTION

    def items(self):
        return Post.objects.published().for_listing()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body

    def item_author_name(self, item):
        return item.author.display_name

    def item_author_link(self, item):
        return self.request.build_absolute_uri(item.author.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def __call__(self, request, *args, **kwargs):
        """Serve from a copy: the URLconf's one instance is shared by every request and thread."""
        feed = copy.copy(self)
        feed.request = request
        return super(LatestPostsFeed, feed).__call__(request, *args, **kwargs)
