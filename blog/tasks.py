"""The blog's clean-ups, run by the task worker (``manage.py procrastinate worker``)."""

from django.core.files.storage import default_storage
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app


@app.task(
    name="blog.delete_image_files",
    queue="maintenance",
    retry=RetryStrategy(max_attempts=14, exponential_wait=2),
)
def delete_image_files(names):
    """Remove a deleted image's files from storage (raises to retry while it is away)."""
    for name in names:
        default_storage.delete(name)
