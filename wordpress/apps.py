from django.apps import AppConfig


class WordPressConfig(AppConfig):
    """Moving a blog from WordPress and back: WXR import and export.

    It depends on ``blog`` and ``comments`` (never the other way) and changes discussions
    only through ``comments.services``.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "wordpress"
    verbose_name = "WordPress"
