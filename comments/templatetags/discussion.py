"""The discussion under a post: the blog's template asks for it with ``{% discussion post %}``."""

from django import template

from comments.discussion import discussion_context

register = template.Library()


@register.inclusion_tag("comments/_discussion.html", takes_context=True)
def discussion(context, post):
    """A bound comment form in the page's context (a refused comment) is shown with its text."""
    request = context["request"]
    return {
        "request": request,
        **discussion_context(request, post, context.get("comment_form")),
    }
