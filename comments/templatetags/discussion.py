"""The discussion under a post: the blog's template asks for it with ``{% discussion post %}``."""

from django import template

from comments.discussion import discussion_context, fresh_form

register = template.Library()


@register.inclusion_tag("comments/_discussion.html", takes_context=True)
def discussion(context, post):
    """A bound comment form in the page's context (a refused comment) is shown with its text."""
    request = context["request"]
    return {
        "request": request,
        **discussion_context(
            request, post, context.get("comment_form"), shared=context.get("shared_page", False)
        ),
    }


@register.inclusion_tag("comments/_form.html", takes_context=True)
def comment_form(context, post):
    """The comment form: the page's own (with a refused comment's text) or a fresh one."""
    request = context["request"]
    return {
        "request": request,
        "post": post,
        "comment_form": context.get("comment_form") or fresh_form(request, post),
        "reply_to": context.get("reply_to"),
        "comment_page": context.get("comment_page"),
    }
