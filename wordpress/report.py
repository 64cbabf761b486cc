"""What an import did, counted for the summary the command prints."""

from collections import Counter
from dataclasses import dataclass, field

# Why an item was not imported as a post, as the summary says it.
SKIPPED = {
    "page": "Pages skipped",
    "attachment": "Attachments skipped",
    "nav_menu_item": "Menu items skipped",
    "revision": "Revisions skipped",
    "trash": "Posts in WordPress's trash skipped",
    "failed": "Posts that failed (see the warnings)",
    "comments failed": "Posts imported before whose new comments failed (see the warnings)",
    "comments": "Comments on skipped pages and other items",
}
# What a created post is here, in the order the summary lists them.
POST_STATUSES = ("published", "scheduled", "draft")
# Comments counted that were not created: imported before, or deleted here since.
NOT_CREATED = ("unchanged", "deleted")
AUTHORS = {
    "created": "Authors created (accounts inactive, no password)",
    "matched": "Authors matched to existing accounts",
    "placeholder": "Placeholder authors for unknown creators",
    "unchanged": "Authors already imported (placeholders too)",
}
MEDIA = {
    "related": "Related media added",
    "links": "Media URLs kept as links",
    "scripts": "Scripts and styles removed from bodies",
    "old images": "Images still loading from the old site",
    "featured": "Featured images left at the old site",
    "markup": "Posts with markup removed (see the warnings)",
    # --fetch-images
    "copied": "Pictures copied into the image library",
    "to copy": "Pictures to copy into the image library",
    "check alt": "Copied pictures whose alt text is their title or file name (see the warnings)",
    "featured set": "Featured images set",
    "galleries": "Galleries turned into figures",
    "not copied": "Pictures that could not be copied (see the warnings)",
    "other hosts": "Pictures left on other hosts (see the warnings)",
    "posts given pictures": "Posts imported before given their pictures now",
}


@dataclass
class ImportReport:
    dry_run: bool = False
    source: str = ""
    authors: Counter = field(default_factory=Counter)
    posts: Counter = field(default_factory=Counter)  # created, unchanged, deleted
    created_as: Counter = field(default_factory=Counter)  # created posts by POST_STATUSES
    discussions: Counter = field(default_factory=Counter)  # closed
    skipped: Counter = field(default_factory=Counter)  # post types and reasons
    comments: Counter = field(default_factory=Counter)  # created by status, NOT_CREATED
    comments_skipped: Counter = field(default_factory=Counter)  # by WordPress comment type
    media: Counter = field(default_factory=Counter)
    shortcodes: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)

    def merge(self, other):
        """Add the counts of one post's import, once its transaction has committed."""
        for name in (
            "authors",
            "posts",
            "created_as",
            "discussions",
            "skipped",
            "comments",
            "comments_skipped",
            "media",
            "shortcodes",
        ):
            getattr(self, name).update(getattr(other, name))
        self.warnings.extend(other.warnings)

    @property
    def comments_created(self):
        return sum(n for status, n in self.comments.items() if status not in NOT_CREATED)

    @property
    def changed(self):
        created = self.authors.total() - self.authors["unchanged"]
        pictures = self.media["copied"] + self.media["to copy"] + self.media["posts given pictures"]
        return bool(created or self.posts["created"] or self.comments_created or pictures)

    def rows(self):
        """(label, count) for everything that happened, the main counts always."""
        yield from (
            (label, self.authors[key]) for key, label in AUTHORS.items() if self.authors[key]
        )
        yield "Posts created", self.posts["created"]
        if self.posts["created"]:
            yield from ((f"    {status}", self.created_as[status]) for status in POST_STATUSES)
        yield "Posts already imported (left as they are)", self.posts["unchanged"]
        if self.posts["deleted"]:
            yield "Posts deleted here since an import (left out)", self.posts["deleted"]
        for key in [*SKIPPED, *sorted(self.skipped.keys() - SKIPPED.keys())]:
            if self.skipped[key]:
                yield SKIPPED.get(key, f"Items of type “{key}” skipped"), self.skipped[key]
        yield "Comments created", self.comments_created
        for status, count in sorted(self.comments.items()):
            if status not in NOT_CREATED:
                yield f"    {status}", count
        yield "Comments already imported", self.comments["unchanged"]
        if self.comments["deleted"]:
            yield "Comments deleted here since an import (left out)", self.comments["deleted"]
        for kind, count in sorted(self.comments_skipped.items()):
            yield f"{kind.capitalize()}s skipped", count
        yield "Discussions closed", self.discussions["closed"]
        yield from ((label, self.media[key]) for key, label in MEDIA.items() if self.media[key])
        for name, count in sorted(self.shortcodes.items()):
            yield f"Shortcode [{name}] kept as text", count

    def render(self):
        rows = list(self.rows())
        width = max(len(label) for label, _ in rows)
        title = f"WordPress import from {self.source or 'an unnamed site'}"
        lines = [title + (" (dry run: nothing was saved)" if self.dry_run else ""), ""]
        lines += [f"{label.ljust(width)}  {count:>7}" for label, count in rows]
        if self.warnings:
            lines += ["", f"Warnings ({len(self.warnings)}):"]
            lines += [f"- {warning}" for warning in self.warnings]
        if not self.changed:
            lines += ["", "Nothing changed: everything in the file was imported before."]
        elif self.dry_run:
            lines += ["", "Dry run: run again without --dry-run to import."]
        return "\n".join(lines)
