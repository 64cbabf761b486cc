from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.encoding import iri_to_uri
from django.views.decorators.http import require_safe
from django.views.generic import ListView, MonthArchiveView

from . import pagecache
from .models import Author, Post, Tag
from .pagination import NewerOlderPaginator
from .search import clean_query, find_posts, present


class PostListView(ListView):
    """Published posts, newest first; subclasses narrow the list."""

    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE
    paginator_class = NewerOlderPaginator

    def get_queryset(self):
        return Post.objects.published().for_listing()


class AuthorPostListView(PostListView):
    template_name = "blog/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class TagPostListView(PostListView):
    template_name = "blog/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class MonthArchive(MonthArchiveView):
    template_name = "blog/archive_month.html"
    context_object_name = "posts"
    date_field = "published_at"
    month_format = "%m"
    paginate_by = settings.BLOG_POSTS_PER_PAGE
    paginator_class = NewerOlderPaginator

    def get_queryset(self):
        return Post.objects.published().for_listing()


def archive_index(request):
    months = Post.objects.published().dates("published_at", "month", order="DESC")
    return render(request, "blog/archive_index.html", {"months": months})


def post_detail(request, slug):
    """A post; drafts and scheduled posts exist only for staff, as an uncached preview.

    A former slug of the post redirects to its address for good (301), query string kept;
    the browser keeps the #fragment.
    """
    # What the cache key needs, and the featured image (in the head and the article) in the
    # same query: a cold page costs no query more for it. The rest is read when rendered.
    posts = Post.objects.visible_to(request.user).select_related(
        *pagecache.related(), "featured_image"
    )
    try:
        post = posts.at_slug(slug)
    except Post.DoesNotExist:
        raise Http404("No such post.") from None
    if post.slug != slug:
        return _moved(request, post)
    return render_post(request, post)


POST_TEMPLATE = "blog/post_detail.html"

# A renamed post can be renamed back; browsers keep a 301 without a lifetime for ever and
# would then loop between the two addresses.
MOVED_MAX_AGE = 3600


def _moved(request, post):
    url = post.get_absolute_url()
    if query := request.META.get("QUERY_STRING"):
        url = f"{url}?{iri_to_uri(query)}"
    response = HttpResponsePermanentRedirect(url)
    if post.is_public:
        patch_cache_control(response, max_age=MOVED_MAX_AGE)
    else:
        add_never_cache_headers(response)
    return response


def render_post(request, post, extra_context=None, status=200):
    """The post page; ``extra_context`` reaches the discussion's template tag (a bound form).

    A public page read with GET is built from its shared part (``pagecache``) unless this
    reader sees more than others; answers to a form, previews and such are their own.
    """
    context = {"post": post, **(extra_context or {})}
    if post.is_public and request.method == "GET" and not extra_context:
        key, expires = pagecache.shared_key(request, post)
        if key is not None:
            return pagecache.shared_response(request, POST_TEMPLATE, context, key, expires)
    response = render(request, POST_TEMPLATE, context, status=status)
    if not post.is_public:
        add_never_cache_headers(response)
    return response


@require_safe
def search(request):
    """Search results for ``?q=``, best first; without a query, only the search form.

    Posts are counted only when there is more than one page of them.
    """
    query = clean_query(request.GET.get("q", ""))
    context = {"search_query": query}
    if query:
        paginator = NewerOlderPaginator(find_posts(query), settings.BLOG_POSTS_PER_PAGE)
        try:
            page = paginator.page(request.GET.get("page", 1))
        except InvalidPage:
            raise Http404("No such page of results.") from None
        several_pages = page.number > 1 or page.has_next()
        context.update(
            page_obj=page,
            posts=[present(post) for post in page],
            result_count=paginator.count if several_pages else len(page),
            page_query=urlencode({"q": query}) + "&",
        )
    return render(request, "blog/search.html", context)


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")
