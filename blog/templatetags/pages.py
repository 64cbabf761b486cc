"""``{% slot "template.html" %}``: a part of a page that belongs to one reader.

Rendered in place on a page rendered for one reader; on a shared page (``blog/pagecache.py``)
it leaves a mark that each request fills in with that template.
"""

from django import template
from django.utils.safestring import mark_safe

from blog.pagecache import SLOT

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, template_name):
    if context.get("shared_page"):
        return mark_safe(f"{SLOT}{template_name}{SLOT}")
    return context.template.engine.get_template(template_name).render(context)
