"""The post body's rich-text editor (django-prose-editor), limited to markup the site keeps.

Authors format with the toolbar instead of typing HTML; whatever the editor sends still goes
through ``blog.sanitize`` when the post is saved. The editor's modules are static files, but
they find one another through an inline import map, which the strict CSP admits only with the
request's nonce: ``with_csp_nonce`` gives the form's media that nonce.
"""

from django.urls import reverse_lazy
from django_prose_editor.widgets import (
    AdminProseEditorWidget,
    prose_editor_admin_media,
    prose_editor_js,
)
from js_asset import Media, Script

# Only what ARTICLE_TAGS keeps, so nothing the toolbar makes is removed at save. The image
# button inserts a figure; its "Browse..." opens the image library's picker (an upload there
# is checked and resized like any other), and the body's sanitising at save gives each
# library image its srcset and dimensions (blog.sanitize, blog.models.ImageManager).
EXTENSIONS = {
    "Figure": {"pickerUrl": reverse_lazy("admin:blog_image_picker")},
    "Caption": True,
    "Image": True,
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Code": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


class PostBodyWidget(AdminProseEditorWidget):
    """The package's admin widget started by js/post_editor.js, which keeps tiptap from
    injecting an inline <style> the CSP would refuse."""

    def __init__(self):
        super().__init__(config={"extensions": EXTENSIONS}, preset="post")

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            css={"all": ["css/post_editor.css"]},
            js=[prose_editor_js, Script("js/post_editor.js", type="module")],
        )


def with_csp_nonce(media, request):
    """``media`` rendering its import map and scripts with the request's CSP nonce."""
    return Media.from_media(media, nonce=request.csp_nonce)
