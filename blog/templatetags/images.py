"""``{% image picture sizes loading %}``: an uploaded image as a responsive ``<img>``."""

from django import template
from django.forms.utils import flatatt
from django.utils.html import format_html

from blog.images import COLUMN_SIZES

register = template.Library()


@register.simple_tag
def image(picture, sizes=COLUMN_SIZES, loading="lazy", css_class=""):
    """The ``<img>`` of ``picture`` (a ``blog.models.Image``) with its ``srcset``, its
    dimensions (so the page keeps its space while it loads) and its alternative text."""
    attributes = picture.img_attributes(sizes, loading)
    if css_class:
        attributes["class"] = css_class
    return format_html("<img{}>", flatatt(attributes))
