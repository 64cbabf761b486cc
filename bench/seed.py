"""The benchmark's data, the same every run (a fixed random seed), seeded fast.

The small scale is the demo's accounts and authors and its ten newest published posts; the
newest, the hot post, gets exactly 500 approved comments threaded four levels deep, and a few
pending ones wait in the queue. The large scale adds posts up to 10,000 and comments up to
1,000,000 over the other posts, some pending, spam, rejected or in the trash.

Comments go in with COPY, as the site stores them (``root``, ``depth``, sanitized
``body_html``, fingerprint), without a moderation event each: the benchmark measures reading
them, and going through the services would take an hour at the large scale. Django must be
set up before this module is imported.
"""

import random
import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from blog.models import Post, Tag
from comments.forms import fingerprint
from comments.models import Comment
from comments.sanitize import render_comment_html
from demo import data as demo_data
from demo.management.commands.demo_content import DEMO_PASSWORD
from demo.management.commands.demo_content import Command as DemoContent

SEED = 9
SMALL_POSTS = 10
HOT_COMMENTS = 500
HOT_PENDING = 5
LARGE_POSTS = 10_000
LARGE_COMMENTS = 1_000_000
DEEPEST = 3  # four levels: top-level comments are at depth 0
REPLY_SHARE = 0.6  # of comments answer another one
DRAFT_SHARE = 0.02  # of the large scale's posts
# The large scale's comments by status, and what each last decision said.
STATUS_WEIGHTS = {"approved": 88, "pending": 5, "spam": 4, "trash": 2, "rejected": 1}
REASONS = {
    "approved": "Approved by a moderator.",
    "pending": "New comments wait for a moderator.",
    "spam": "Marked as spam by a moderator.",
    "trash": "Moved to the trash by a moderator.",
    "rejected": "Rejected by a moderator.",
}
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
FIRST_NAMES = (
    "Ada", "Aisha", "Ben", "Chloé", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kemi", "Li", "Marta", "Nikhil", "Olu", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma",
    "Viktor", "Wen", "Ximena", "Yusuf", "Zoë",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Bianchi", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi",
    "Silva", "Tanaka", "Usman", "Varga", "Weber", "Young", "Zhang",
)  # fmt: skip
COMMENT_COLUMNS = (
    "id", "post_id", "parent_id", "root_id", "depth", "author_name", "author_email", "author_url",
    "body", "body_html", "fingerprint", "status", "status_reason", "created_at", "ip_address",
    "user_agent", "moderated_at", "moderated_by_id", "by_staff", "replies_hidden", "browser_key",
    "form_token",
)  # fmt: skip
POST_COLUMNS = (
    "id", "title", "slug", "author_id", "standfirst", "body", "status", "published_at",
    "created_at", "updated_at",
)  # fmt: skip


@dataclass
class Small:
    hot: Post
    moderator: User
    password: str
    thread: list  # the hot post's approved comments for django-comments-xtd, in creation order


def small():
    """Seed the small scale; return the hot post, the moderator and the thread to export."""
    rng = random.Random(SEED)
    demo = DemoContent()
    with transaction.atomic():
        demo.create_accounts()
        authors = demo.create_authors()
        tags = demo.create_tags()
        entries = [e for e in demo_data.POSTS if e["status"] == "published" and e["days_ago"] > 0]
        for entry in entries[:SMALL_POSTS]:
            # The demo's posts without their comments: the hot one gets exactly its 500.
            demo.create_post({**entry, "comments": [], "comments_closed": False}, authors, tags)
        hot = Post.objects.published().latest("published_at")
        moderator = User.objects.get(username="moderator")
        statuses = ["approved"] * HOT_COMMENTS + ["pending"] * HOT_PENDING
        texts = Texts(rng, unique=True)
        people = People(rng, 150)
        with connection.cursor() as cursor:
            ids = iter(reserve_ids(cursor, Comment, len(statuses)))
            rows = list(thread(rng, ids, hot, statuses, texts, people, moderator.pk))
            copy_rows(cursor, Comment, COMMENT_COLUMNS, rows)
    # The pending comments, seeded last, are the newest: the approved thread comes first.
    return Small(hot, moderator, DEMO_PASSWORD, [for_xtd(row) for row in rows[:HOT_COMMENTS]])


def large(hot):
    """Add posts up to 10,000 and comments up to 1,000,000 on posts other than ``hot``, then
    vacuum and analyze."""
    rng = random.Random(SEED + 1)
    moderator_id = User.objects.get(username="moderator").pk
    existing = Post.objects.order_by("published_at")
    new_posts = LARGE_POSTS - existing.count()
    new_comments = LARGE_COMMENTS - Comment.objects.count()
    texts = Texts(rng)
    people = People(rng, 20_000)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys unchecked (their triggers would double the time at commit): the rows
        # are consistent by construction, as pg_restore --disable-triggers assumes of a dump.
        cursor.execute("SET LOCAL session_replication_role = replica")
        post_ids = reserve_ids(cursor, Post, new_posts)
        copy_rows(cursor, Post, POST_COLUMNS, archive_posts(rng, post_ids, list(existing)))
        tag_ids = list(Tag.objects.values_list("pk", flat=True))
        copy_rows(
            cursor,
            Post.tags.through,
            ("post_id", "tag_id"),
            ((pk, tag) for pk in post_ids for tag in rng.sample(tag_ids, rng.randint(1, 3))),
        )
        # Every post but the hot one shares the comments, some posts far more than others.
        posts = list(Post.objects.published().exclude(pk=hot.pk).only("pk", "published_at"))
        shares = [rng.lognormvariate(0, 1.2) for _ in posts]
        scale = new_comments / sum(shares)
        counts = [int(share * scale) for share in shares]
        counts[0] += new_comments - sum(counts)
        ids = iter(reserve_ids(cursor, Comment, new_comments))
        rows = (
            row
            for post, count in zip(posts, counts, strict=True)
            for row in thread(
                rng, ids, post, rng.choices(statuses, weights, k=count), texts, people, moderator_id
            )
        )
        copy_rows(cursor, Comment, COMMENT_COLUMNS, rows)
    # What autovacuum reaches in production: statistics and an up-to-date visibility map.
    with connection.cursor() as cursor:
        for model in (Post, Post.tags.through, Comment):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    return {"posts": Post.objects.count(), "comments": Comment.objects.count()}


class Texts:
    """Comment bodies of 15 to 90 words from the demo posts' vocabulary, sanitized as stored.

    ``unique`` bodies are written one by one; otherwise a pool of a few thousand is drawn
    from, since sanitizing a million bodies would take longer than everything else.
    """

    POOL = 5_000

    def __init__(self, rng, unique=False):
        self.rng = rng
        self.words = [
            word.lower() if word != "I" else word
            for entry in demo_data.POSTS
            for word in re.findall(r"[A-Za-z']+", strip_tags(entry["body"]))
        ]
        self.pool = None if unique else [self._write() for _ in range(self.POOL)]

    def __call__(self):
        return self._write() if self.pool is None else self.rng.choice(self.pool)

    def _write(self):
        rng = self.rng
        words = rng.choices(self.words, k=rng.randint(15, 90))
        sentences, start = [], 0
        while start < len(words):
            end = start + rng.randint(5, 16)
            sentence = " ".join(words[start:end])
            sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(".....?!"))
            start = end
        cut = rng.randint(1, len(sentences))  # a second paragraph, sometimes
        body = " ".join(sentences[:cut])
        if cut < len(sentences):
            body += "\n\n" + " ".join(sentences[cut:])
        if rng.random() < 0.05:
            body += f"\n\nMore on this: https://example.org/notes/{rng.randint(1, 999)}"
        return body, render_comment_html(body), fingerprint(body)


class People:
    """Commenters (name, email, website, address); a few write most of the comments."""

    def __init__(self, rng, count):
        self.rng = rng
        self.people = []
        for number in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}{number}@example.net".lower()
            website = f"https://example.org/~{first.lower()}{number}" if number % 3 == 0 else ""
            address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
            self.people.append((f"{first} {last}", email, website, address))

    def __call__(self):
        return self.people[int(len(self.people) * self.rng.random() ** 2)]


def thread(rng, ids, post, statuses, texts, people, moderator_id):
    """One post's comment rows in creation order, one per status: replies answer recent
    approved comments, four levels deep at most, as on the site."""
    start = post.published_at + timedelta(minutes=5)
    end = min(post.published_at + timedelta(days=30), timezone.now() - timedelta(minutes=1))
    span = (end - start).total_seconds()
    times = sorted(start + timedelta(seconds=rng.random() * span) for _ in statuses)
    open_to_replies = []  # (id, root_id, depth) of approved comments
    for status, created_at in zip(statuses, times, strict=True):
        pk = next(ids)
        parent_id = root_id = None
        depth = 0
        if open_to_replies and rng.random() < REPLY_SHARE:
            parent_id, parent_root, parent_depth = rng.choice(open_to_replies[-40:])
            root_id, depth = parent_root or parent_id, parent_depth + 1
        if status == "approved" and depth < DEEPEST:
            open_to_replies.append((pk, root_id, depth))
        body, body_html, body_fingerprint = texts()
        name, email, website, address = people()
        decided = status != "pending"
        yield (
            pk, post.pk, parent_id, root_id, depth, name, email, website, body, body_html,
            body_fingerprint, status, REASONS[status], created_at, address, USER_AGENT,
            min(created_at + timedelta(hours=2), end) if decided else None,
            moderator_id if decided else None, False, False, "", "",
        )  # fmt: skip


def for_xtd(row):
    """A comment row as ``bench/xtd_baseline.load_thread`` takes it."""
    columns = dict(zip(COMMENT_COLUMNS, row, strict=True))
    return {
        "id": columns["id"],
        "parent_id": columns["parent_id"],
        "name": columns["author_name"],
        "email": columns["author_email"],
        "url": columns["author_url"],
        "body": columns["body"],
        "submit_date": columns["created_at"].isoformat(),
    }


def archive_posts(rng, ids, models):
    """Rows of the large scale's posts: the small scale's bodies, dates over eight years."""
    now = timezone.now()
    for number, pk in enumerate(ids):
        model = models[number % len(models)]
        published_at = now - timedelta(days=1 + rng.random() * 8 * 365)
        draft = rng.random() < DRAFT_SHARE
        title = " ".join(rng.sample(model.title.split(), k=min(3, len(model.title.split()))))
        yield (
            pk, f"Dispatch {pk}: {title}", f"dispatch-{pk}", model.author_id, model.standfirst,
            model.body, "draft" if draft else "published", None if draft else published_at,
            published_at, published_at,
        )  # fmt: skip


def reserve_ids(cursor, model, count):
    """Take ``count`` consecutive ids from the table's sequence, as if inserted one by one."""
    sequence = f"pg_get_serial_sequence('{model._meta.db_table}', 'id')"
    cursor.execute(f"SELECT nextval({sequence})")
    first = cursor.fetchone()[0]
    cursor.execute(f"SELECT setval({sequence}, %s)", [first + count - 1])
    return range(first, first + count)


def copy_rows(cursor, model, columns, rows):
    with cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
