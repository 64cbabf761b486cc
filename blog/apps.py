from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from . import checks, signals  # noqa: F401  (register the deploy checks, the signals)
