"""The blog's clean-ups, run by the task worker (``manage.py procrastinate worker``)."""

from django.core.files.storage import default_storage
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from .image_storage import remove_orphaned_files


@app.task(
    name="blog.delete_image_files",
    queue="maintenance",
    retry=RetryStrategy(max_attempts=14, exponential_wait=2),
)
def delete_image_files(names):
    """Remove a deleted image's files from storage (raises to retry while it is away)."""
    for name in names:
        default_storage.delete(name)


@app.periodic(cron="41 4 * * *")
@app.task(name="blog.remove_orphaned_image_files", queue="maintenance")
def remove_orphaned_image_files(timestamp):
    """Files an upload left when its transaction rolled back (``blog/image_storage.py``)."""
    remove_orphaned_files()
