"""Files in the uploads folder that no image names any more.

An upload writes its files, then its row; when the transaction around it rolls back (an
error later in the same request), the row goes and the files stay. A daily job
(``blog/tasks.py``) removes such files once they are a day old, so an upload still in
progress is never touched.
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Image

FOLDER = "images"
GRACE = timedelta(days=1)


def _stored(folder):
    """Every file name under ``folder`` of the storage."""
    folders, files = default_storage.listdir(folder)
    yield from (f"{folder}/{name}" for name in files)
    for sub in folders:
        yield from _stored(f"{folder}/{sub}")


def remove_orphaned_files():
    """Delete the upload files no image names, older than ``GRACE``; how many went."""
    if not default_storage.exists(FOLDER):
        return 0
    known = set()
    for name, copies in Image.objects.values_list("file", "copies").iterator():
        known.add(name)
        known.update(copies.values())
    cutoff = timezone.now() - GRACE
    removed = 0
    for name in _stored(FOLDER):
        if name not in known and default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            removed += 1
    return removed
