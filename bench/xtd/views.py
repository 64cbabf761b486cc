from django.shortcuts import get_object_or_404, render

from .models import Post


def thread(request):
    """The post and its whole comment tree on one page, as xtd's tutorial renders a post."""
    return render(request, "xtd/thread.html", {"post": get_object_or_404(Post)})
