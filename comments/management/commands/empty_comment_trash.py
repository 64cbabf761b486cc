from django.conf import settings
from django.core.management.base import BaseCommand

from comments import services


class Command(BaseCommand):
    help = "Delete comments that have been in the trash longer than COMMENTS_TRASH_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.COMMENTS_TRASH_DAYS,
            help="Keep comments trashed more recently than this (default: %(default)s).",
        )

    def handle(self, *args, days, **options):
        deleted, kept = services.empty_trash(days)
        self.stdout.write(f"Deleted {deleted} comment(s) from the trash.")
        if kept:
            self.stdout.write(f"Kept {kept}: they still hold up replies outside the trash.")
