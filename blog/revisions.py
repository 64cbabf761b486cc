"""A post's revisions: each saved version of its text, and putting an earlier one back.

A revision is the version a save produced (who saved it, when), so the list reads "who changed
what when". A post written before revisions were kept gets, on its first edit, a revision of
the text it had, so that version can be restored too.
"""

import html
import re
from difflib import SequenceMatcher

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from .models import Post, PostRevision
from .workflow import local_time

FIELDS = ("title", "standfirst", "body")
WORDS = re.compile(r"\s+|[^\s]+")
# A replaced stretch longer than this counts as a whole (character matching is quadratic).
FINE_DIFF_LIMIT = 2000


def text_of(source):
    """The title, standfirst and body of a post, a revision or a form's initial data."""
    if isinstance(source, dict):
        return {name: source.get(name, "") for name in FIELDS}
    return {name: getattr(source, name) for name in FIELDS}


def _characters_changed(before, after):
    """Characters added and removed: matched word by word (fast on long bodies), then
    character by character inside each short replaced stretch."""
    old, new = WORDS.findall(before), WORDS.findall(after)
    added = removed = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        gone, came = "".join(old[i1:i2]), "".join(new[j1:j2])
        kept = 0
        if tag == "replace" and len(gone) + len(came) <= FINE_DIFF_LIMIT:
            blocks = SequenceMatcher(None, gone, came, autojunk=False).get_matching_blocks()
            kept = sum(block.size for block in blocks)
        removed += len(gone) - kept
        added += len(came) - kept
    return added, removed


def describe_change(before, after):
    """ "title changed; body +120/−30 characters", or "no change"."""
    parts = [f"{name} changed" for name in ("title", "standfirst") if before[name] != after[name]]
    if before["body"] != after["body"]:
        # The words a reader reads, not the markup around them; pictures counted apart.
        added, removed = _characters_changed(*(_text(t["body"]) for t in (before, after)))
        pictures = after["body"].count("<img") - before["body"].count("<img")
        body = [f"body +{added}/−{removed} characters"] if added or removed else []
        if pictures:
            count = f"{abs(pictures)} picture{'s' if abs(pictures) > 1 else ''}"
            body.append(f"{count} {'added' if pictures > 0 else 'removed'}")
        parts.append(", ".join(body) or "body formatting changed")
    return "; ".join(parts) or "no change"


def _text(body):
    return html.unescape(strip_tags(body))


def when(revision):
    """A revision's time in words ("3 December 2026, 08:00 CET")."""
    return local_time(revision.created_at, "j F Y, H:i T")


def record(post, user, before=None, before_at=None, note=""):
    """Keep the version ``post`` was just saved with, if its text changed from ``before``
    (the text it had, saved at ``before_at``; None for a new post). Call inside the save's
    transaction."""
    after = text_of(post)
    if before is None:
        summary = "first version"
    elif before == after:
        return None
    else:
        if not post.revisions.exists():
            PostRevision.objects.create(
                post=post,
                created_at=before_at or timezone.now(),
                summary="the version before revisions were kept",
                **before,
            )
        summary = describe_change(before, after)
    summary = f"{note}{summary}"[: PostRevision._meta.get_field("summary").max_length]
    return PostRevision.objects.create(post=post, author_of_change=user, summary=summary, **after)


def restore(revision, user):
    """Put the revision's text back on its post, kept as a new revision by ``user``; None when
    the post already has that text."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=revision.post_id)
        before, before_at = text_of(post), post.updated_at
        if before == text_of(revision):
            return None
        for name, value in text_of(revision).items():
            setattr(post, name, value)
        post.save(update_fields=[*FIELDS, "updated_at"])
        note = f"restored the version of {when(revision)}: "
        record(post, user, before, before_at, note=note)
        return post
