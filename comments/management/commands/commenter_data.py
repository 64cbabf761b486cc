import getpass
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments import personal_data, services


def comments(count):
    return f"{count} comment" if count == 1 else f"{count} comments"


class Command(BaseCommand):
    help = "Export or erase everything stored about a commenter's email address."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="what", required=True)
        export = actions.add_parser("export", help="Write their data as JSON.")
        export.add_argument("email")
        export.add_argument("--output", type=Path, help="A file to write (default: the screen).")
        export.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="The site's address, e.g. https://blog.example.org, for absolute links "
            "(default: the SITE_URL setting).",
        )
        erase = actions.add_parser("erase", help="Erase their data (COMMENTS_ERASED_TEXT).")
        erase.add_argument("email")
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, what, email, **options):
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError(f"“{email}” is not an email address.") from None
        via = f"manage.py commenter_data, run by {getpass.getuser()}"[:100]
        if what == "export":
            self.export(email, via, options["output"], options["base_url"].rstrip("/"))
        else:
            self.erase(email, via, options["yes"])

    def export(self, email, via, output, base_url):
        document = personal_data.export([email], None, via, base_url)
        if output is None:
            self.stdout.write(document)
            return
        try:
            # Someone's email, addresses and comments: readable by the file's owner only.
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(descriptor, "w", encoding="utf-8") as file:
                os.fchmod(file.fileno(), 0o600)  # also a file that was there before
                file.write(document + "\n")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stderr.write(f"Wrote the data of {personal_data.normalise(email)} to {output}.")

    def erase(self, email, via, yes):
        count = personal_data.comments_of(email).count()
        if not yes:
            try:
                answer = input(
                    f"Erase everything stored about {personal_data.normalise(email)} "
                    f"({comments(count)})? This cannot be undone. Type yes to go on: "
                )
            except EOFError:  # no one to answer (a script, a cron job): --yes says it
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        erased = services.erase_commenter(email, None, via)
        self.stdout.write(
            f"Erased the data of {personal_data.normalise(email)}: {comments(erased)}."
        )
