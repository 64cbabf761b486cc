"""The discussion under a post: the blog's template asks for it with ``{% discussion post %}``."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from comments.closing import changes_at, discussion_of
from comments.discussion import (
    blank_form,
    discussion_context,
    fresh_form,
    page_counts,
    remembered_author,
)

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


@register.simple_tag
def response_count(post):
    """The post's published comments, for its header: counted once, the discussion reuses it."""
    return page_counts(post)["approved"]


@register.simple_tag(takes_context=True)
def comment_form(context, post):
    """The comment form: the page's own (a refused comment's text, a reply) or a fresh one;
    an anonymous reader's blank form is stamped from one rendering per post."""
    request = context["request"]
    form = context.get("comment_form")
    if form is None and not request.user.is_authenticated and not remembered_author(request):
        return mark_safe(blank_form(request, post))  # escaped when rendered
    form_context = {
        "request": request,
        "post": post,
        "comment_form": form or fresh_form(request, post),
        "reply_to": context.get("reply_to"),
        "comment_page": context.get("comment_page"),
        "newest_first": context.get("newest_first", False),
        "csrf_token": context.get("csrf_token"),
    }
    return render_to_string("comments/_form.html", form_context)


@register.inclusion_tag("comments/_countdown.html")
def closing_countdown(post):
    """ "Comments close in 3 days": when the clock closes this open discussion, if it does.

    Part of the reader's own part of the page, so it counts down at every request.
    """
    closes_at = changes_at(post, discussion_of(post))
    return {"closes_at": closes_at, "left": closes_at and time_left(closes_at)}


UNITS = [("day", 24 * 3600), ("hour", 3600), ("minute", 60)]


def time_left(moment):
    """Days, else hours, else minutes, to the nearest: "3 days" until the moment, as its date
    beside it reads (weeks would blur it)."""
    seconds = (moment - timezone.now()).total_seconds()
    for unit, size in UNITS:
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"
