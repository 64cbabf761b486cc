"""Search over 10,000 posts, with and without the GIN index: `python -m bench.search`.

Not part of the tests (about a minute). A throwaway PostgreSQL cluster gets 10,000 published
posts of 400 words each (a fixed random seed, words drawn from a 20,000-word vocabulary by a
Zipf-like law, so some words are common and most are rare), inserted in bulk so the triggers
index them. Then the search page's queries (the page of ranked, highlighted results and the
count) are timed for a rare, a middling and a common word, and a two-word query, first with
the GIN index, then with it dropped (in a transaction rolled back after). The median of
several runs of each; the ratios are the result, not the absolute times. The page's time is
mostly its ten snippets (``ts_headline``, computed after the limit); the count is the match
alone.
"""

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import django

from devtools.pgcluster import Cluster

POSTS = 10_000
WORDS_PER_POST = 400
VOCABULARY = 20_000
RUNS = 7
SEED = 11


def words(rng):
    """A vocabulary of made-up words; the i-th is drawn with weight 1/(i+1)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = sorted(
        {"".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(25_000)}
    )[:VOCABULARY]
    rng.shuffle(vocabulary)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    return vocabulary, weights


def seed():
    from django.contrib.auth.models import User
    from django.utils import timezone

    from blog.models import Author, Post

    rng = random.Random(SEED)
    vocabulary, weights = words(rng)
    user = User.objects.create_user("bench", password=None)
    author = Author.objects.create(user=user, display_name="Bench", slug="bench")
    now = timezone.now()
    batch = []
    for number in range(POSTS):
        text = rng.choices(vocabulary, weights, k=WORDS_PER_POST)
        paragraphs = [" ".join(text[i : i + 80]) for i in range(0, WORDS_PER_POST, 80)]
        batch.append(
            Post(
                title=" ".join(rng.choices(vocabulary, weights, k=6)),
                slug=f"post-{number}",
                author=author,
                standfirst=" ".join(rng.choices(vocabulary, weights, k=25)),
                body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                status=Post.Status.PUBLISHED,
                published_at=now - timedelta(hours=number),
            )
        )
    started = time.perf_counter()
    Post.objects.bulk_create(batch, batch_size=1000)
    seconds = time.perf_counter() - started
    return vocabulary, seconds


def timed(query):
    """Median seconds of the search page's two queries: (its page of results, its count)."""
    from blog.search import find_posts

    def once():
        posts = find_posts(query)
        started = time.perf_counter()
        list(posts[:11])
        middle = time.perf_counter()
        posts.count()
        return middle - started, time.perf_counter() - middle

    once()  # warm the caches
    runs = [once() for _ in range(RUNS)]
    return tuple(statistics.median(run[part] for run in runs) for part in (0, 1))


def main():
    work = Path(tempfile.mkdtemp(prefix="blog-bench-search-"))
    cluster = Cluster(work, fast=True)
    try:
        os.environ.update(
            DATABASE_URL=cluster.start(),
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="true",
            DB_STATEMENT_TIMEOUT_MS="0",
        )
        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from blog.models import Post
        from blog.search import find_posts

        call_command("migrate", verbosity=0)
        vocabulary, insert_seconds = seed()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE blog_post")
        print(f"{POSTS} posts inserted and indexed by the triggers in {insert_seconds:.1f} s")
        queries = {
            "rare word": vocabulary[15_000],
            "middling word": vocabulary[300],
            "common word": vocabulary[3],
            "two words": f"{vocabulary[40]} {vocabulary[90]}",
        }
        rows = []
        for label, query in queries.items():
            matches = find_posts(query).count()
            with_index = timed(query)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("DROP INDEX post_search_idx")
                without_index = timed(query)
                plan = find_posts(query)[:11].explain()
                transaction.set_rollback(True)
            rows.append((label, matches, with_index, without_index))
            assert "post_search_idx" not in plan
        assert "post_search_idx" in find_posts(vocabulary[15_000]).explain()
        print(
            "\n| Query | Posts found | Page, GIN | Page, no index | Ratio "
            f"| Count, GIN | Count, no index | Ratio |\n|{'---|' * 8}"
        )
        for label, matches, with_index, without_index in rows:
            cells = [label, str(matches)]
            for part in (0, 1):
                ratio = without_index[part] / with_index[part]
                cells += [
                    f"{with_index[part] * 1000:.1f} ms",
                    f"{without_index[part] * 1000:.1f} ms",
                ]
                cells.append(f"{ratio:.1f}×")
            print(f"| {' | '.join(cells)} |")
        print(f"\n{Post.objects.count()} posts; medians of {RUNS} runs.")
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
