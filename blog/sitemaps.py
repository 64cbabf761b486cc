from django.contrib.sitemaps import Sitemap

from .models import Author, Post, Tag


class PostSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Post.objects.published()

    def lastmod(self, item):
        return item.updated_at


class AuthorSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Author.objects.filter(posts__in=Post.objects.published()).distinct()


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return Tag.objects.filter(posts__in=Post.objects.published()).distinct()


sitemaps = {"posts": PostSitemap, "authors": AuthorSitemap, "tags": TagSitemap}
