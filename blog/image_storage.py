"""Files in the uploads folder that no image names any more.

An upload writes its files, then its row; when the transaction around it rolls back (an
error later in the same request), the row goes and the files stay. A daily job
(``blog/tasks.py``) removes such files once they are a day old, so an upload still in
progress is never touched.
"""

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Image

FOLDER = "images"
GRACE = timedelta(days=1)
# More unnamed files than this (a share of the folder, and at least a few) means this database
# is not the one that wrote them: a staging site on production's bucket, or a database restored
# from before the files. Then nothing is deleted and the log says why.
MOST_ORPHANS, MOST_ORPHANS_SHARE = 10, 0.2

logger = logging.getLogger(__name__)


def _stored(folder):
    """Every file name under ``folder`` of the storage."""
    folders, files = default_storage.listdir(folder)
    yield from (f"{folder}/{name}" for name in files)
    for sub in folders:
        yield from _stored(f"{folder}/{sub}")


def remove_orphaned_files():
    """Delete the upload files no image names, older than ``GRACE``; how many went (none
    when there are suspiciously many)."""
    if not default_storage.exists(FOLDER):
        return 0
    known = set()
    for name, copies in Image.objects.values_list("file", "copies").iterator():
        known.add(name)
        known.update(copies.values())
    cutoff = timezone.now() - GRACE
    stored = list(_stored(FOLDER))
    orphans = [
        name
        for name in stored
        if name not in known and default_storage.get_modified_time(name) < cutoff
    ]
    if len(orphans) > max(MOST_ORPHANS, MOST_ORPHANS_SHARE * len(stored)):
        logger.error(
            "%d of the %d upload files are named by no image: this database may not be the "
            "one that wrote them, so none is deleted.",
            len(orphans),
            len(stored),
        )
        return 0
    for name in orphans:
        logger.info("Deleting %s: no image names it.", name)
        default_storage.delete(name)
    return len(orphans)
