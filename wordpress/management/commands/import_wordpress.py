import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wordpress.download import named_origin
from wordpress.importer import import_wxr
from wordpress.pictures import PictureCopier
from wordpress.reader import WxrError
from wordpress.report import ImportReport


class _Progress:
    """The file, moving a progress bar by the bytes the parser reads."""

    def __init__(self, stream, bar):
        self.stream, self.bar = stream, bar

    def read(self, size=-1):
        data = self.stream.read(size)
        self.bar.update(len(data))
        return data


class Command(BaseCommand):
    help = (
        "Import posts, authors and comments from a WordPress export (WXR file). Running it "
        "again adds only what is new; --dry-run shows what it would do and saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file of Tools → Export in WordPress.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Do the whole import, then roll it back."
        )
        parser.add_argument(
            "--fetch-images",
            action="store_true",
            help="Copy the pictures of the posts created (featured, in bodies, galleries) "
            "from the old site into the image library.",
        )
        parser.add_argument(
            "--fetch-images-from",
            action="append",
            default=[],
            type=named_origin,
            metavar="HOST[:PORT]",
            help="Another host to copy pictures from (a CDN), or the old site's own at a "
            "private address (the file alone may not name one); repeatable.",
        )

    def handle(self, file, dry_run, fetch_images, fetch_images_from, **options):
        try:
            stream = open(file, "rb")  # noqa: SIM115 (closed below, after the bar)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        self.stderr.ending = ""  # the bar rewrites its line
        report = ImportReport(dry_run=dry_run)
        pictures = PictureCopier(report, fetch_images_from) if fetch_images else None
        with (
            stream,
            tqdm(
                total=os.fstat(stream.fileno()).st_size,
                unit="B",
                unit_scale=True,
                desc="Importing",
                file=self.stderr,
            ) as bar,
        ):
            try:
                import_wxr(_Progress(stream, bar), report, pictures)
            except WxrError as error:
                failure = error
            else:
                failure = None
        if failure is None:
            self.stdout.write(report.render())
            return
        if report.changed and not dry_run:
            self.stdout.write(report.render())
            raise CommandError(
                f"{file}: {failure} What was read before that point is imported (above); "
                "import the repaired file to add the rest."
            )
        raise CommandError(f"{file}: {failure} Nothing was imported.")
