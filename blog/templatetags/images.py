"""``{% image picture sizes loading %}``: an uploaded image as a responsive ``<img>``;
``{% shared_image picture as card %}``: the size of it that link previews show."""

from dataclasses import replace

from django import template
from django.forms.utils import flatatt
from django.utils.html import format_html

from blog.images import COLUMN_SIZES

register = template.Library()

# How wide a post's picture is in a list of posts: beside the summary on a wide screen,
# across the column (the screen less its gutters) on a phone. Matches .summary-image in site.css.
LISTING_SIZES = "(min-width: 40em) 11rem, calc(100vw - 2.5rem)"
# Link previews (Open Graph, Twitter cards) ask for 1200 pixels wide.
SHARED_WIDTH = 1200


@register.simple_tag
def image(picture, sizes=COLUMN_SIZES, loading="lazy", css_class=""):
    """The ``<img>`` of ``picture`` (a ``blog.models.Image``) with its ``srcset``, its
    dimensions (so the page keeps its space while it loads) and its alternative text."""
    attributes = picture.img_attributes(sizes, loading)
    if css_class:
        attributes["class"] = css_class
    return format_html("<img{}>", flatatt(attributes))


@register.simple_tag
def listing_image(picture):
    """``picture`` in a list of posts: below the fold, so loaded only when scrolled to."""
    return image(picture, LISTING_SIZES, "lazy", "summary-image")


@register.simple_tag(takes_context=True)
def shared_image(context, picture):
    """The ``ImageSource`` of ``picture`` that link previews fetch, at an absolute address
    (an object storage's absolute ``MEDIA_URL`` is kept as it is)."""
    source = picture.source_for(SHARED_WIDTH)
    return replace(source, url=context["request"].build_absolute_uri(source.url))
