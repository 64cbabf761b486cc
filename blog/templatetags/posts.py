from django import template

from blog import workflow
from blog.permissions import may_edit as may_edit_rule

register = template.Library()


@register.filter
def may_edit(user, post):
    """``{% if user|may_edit:post %}``: the admin's rule for editing ``post``."""
    return may_edit_rule(user, post)


@register.filter
def long_time(moment):
    """``{{ post.published_at|long_time }}``: "3 December 2026, 08:00 Europe/Berlin"."""
    return workflow.long_time(moment)
