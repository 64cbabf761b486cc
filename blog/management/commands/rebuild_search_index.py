from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from blog.search_index import REFRESH_SQL, install_sql


class Command(BaseCommand):
    help = (
        "Write SEARCH_CONFIG into the search triggers and recompute every post's search "
        "vector: run it after changing SEARCH_CONFIG."
    )

    def handle(self, *args, **options):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(install_sql())
            cursor.execute(REFRESH_SQL)
            count = cursor.rowcount
        self.stdout.write(
            f"Reindexed {count} posts with the {settings.SEARCH_CONFIG!r} configuration."
        )
