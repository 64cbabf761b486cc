import os
import tempfile
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wordpress.export import WxrWriter


class Command(BaseCommand):
    help = (
        "Write every post (published, scheduled and draft) with its tags, related media and "
        "comments (every status), and every author, as a WordPress export file (WXR 1.2)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (replaced only once the export is complete) instead of "
            "standard output.",
        )
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="The site's public address, e.g. https://blog.example.org, for the links in "
            "the file (default: the SITE_URL setting).",
        )

    def handle(self, *args, output, site_url, **options):
        site_url = checked_site_url(site_url)
        if output:
            summary = export_to_file(Path(output), site_url)
            report, where = self.stdout, output
        else:
            summary = WxrWriter(partial(self.stdout.write, ending=""), site_url).export()
            report, where = self.stderr, "standard output"
        report.write(
            f"Exported {summary.posts} post(s), {summary.comments} comment(s), "
            f"{summary.images} image(s), {summary.authors} author(s) and {summary.tags} tag(s) "
            f"to {where}.",
            style_func=self.style.SUCCESS,
        )


def checked_site_url(value):
    """The site's address as links start with it, or a message saying what to give."""
    if not value:
        raise CommandError(
            "The export's links need the site's public address: give --site-url "
            "https://blog.example.org or set SITE_URL."
        )
    parts = urlsplit(value)
    just_host = parts.path in ("", "/") and not (parts.query or parts.fragment)
    if parts.scheme not in ("http", "https") or not parts.netloc or not just_host:
        raise CommandError(
            f"The site's address is a scheme and a host, such as https://blog.example.org, "
            f"not {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc}"


def export_to_file(target, site_url):
    """Export into a file beside ``target`` and move it into place once complete.

    A failed export leaves any earlier file as it was. The file is readable by its owner
    only: it holds commenters' email and IP addresses.
    """
    try:
        handle, part = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as error:
        raise CommandError(f"Cannot write into {target.parent}: {error.strerror}.") from error
    try:
        # Carriage returns are written as references: nothing is translated on the way.
        with open(handle, "w", encoding="utf-8", newline="") as file:
            summary = WxrWriter(file.write, site_url).export()
        os.replace(part, target)
    except OSError as error:
        raise CommandError(f"Cannot write {target}: {error.strerror}.") from error
    finally:
        Path(part).unlink(missing_ok=True)
    return summary
