from django import template

from blog.permissions import may_edit as may_edit_rule

register = template.Library()


@register.filter
def may_edit(user, post):
    """``{% if user|may_edit:post %}``: the admin's rule for editing ``post``."""
    return may_edit_rule(user, post)
