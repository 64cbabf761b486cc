"""How fast ``import_wordpress`` goes and how much memory it takes, by export size.

    .venv/bin/python -m bench.wordpress_import --megabytes 100 10

Writes a synthetic WordPress export of each size (posts of a few KB, five comments each, one
reply in three), imports it into a throwaway PostgreSQL cluster, and prints items/s and the
import process's peak RSS: the peak should not grow with the file. Not part of the tests.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devtools.pgcluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "DB_STATEMENT_TIMEOUT_MS": "0",
}
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench-{size}.example.org</wp:base_site_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>bench</wp:author_login>
<wp:author_email>bench@example.org</wp:author_email>
<wp:author_display_name>Bench Writer</wp:author_display_name></wp:author>
"""
PARAGRAPH = "A sentence of an old blog post, long enough to look like prose. " * 8
COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author>Reader {id}</wp:comment_author>
<wp:comment_author_email>reader{id}@example.net</wp:comment_author_email>
<wp:comment_author_IP>192.0.2.{ip}</wp:comment_author_IP>
<wp:comment_date_gmt>2016-03-02 11:{minute:02d}:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[I <b>agree</b> with this, mostly.

{text}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>
"""


def write_export(path, megabytes):
    """A WXR file of about ``megabytes``; returns how many posts and comments it holds."""
    posts = comments = 0
    with path.open("w") as out:
        out.write(HEAD.format(size=megabytes))
        while out.tell() < megabytes * 1_000_000:
            posts += 1
            out.write(
                f"<item><title>Post {posts}</title><dc:creator>bench</dc:creator>"
                f"<wp:post_id>{posts}</wp:post_id><wp:post_name>post-{posts}</wp:post_name>"
                "<wp:post_date_gmt>2016-03-01 09:30:00</wp:post_date_gmt>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f"<content:encoded><![CDATA[{(PARAGRAPH + chr(10) * 2) * 6}]]></content:encoded>"
                f"<category domain='post_tag' nicename='tag-{posts % 50}'>Tag {posts % 50}"
                "</category>"
            )
            first = comments + 1
            for n in range(5):
                comments += 1
                parent = first if n % 3 == 2 else 0
                out.write(
                    COMMENT.format(
                        id=comments, ip=n + 1, minute=n, text=PARAGRAPH[:200], parent=parent
                    )
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")
    return posts, comments


def import_in_child(path, env):
    """Run the import in its own process; its seconds and peak RSS (MB)."""
    code = (
        "import django, resource, sys; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('import_wordpress', sys.argv[1], stderr=open('/dev/null', 'w')); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    peak_kb = int(result.stdout.strip().splitlines()[-1])
    return time.monotonic() - started, peak_kb / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, nargs="+", default=[100, 10])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="blog-bench-wp-"))
    pg = Path(tempfile.mkdtemp(prefix="blog-bench-wp-pg-"))
    cluster = Cluster(pg, fast=True)
    try:
        env = {**os.environ, **ENV, "DATABASE_URL": cluster.start()}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity=0"], env=env, cwd=ROOT, check=True
        )
        header = ("file", 8), ("posts", 7), ("comments", 9), ("seconds", 8), ("items/s", 8)
        print(" ".join(label.rjust(width) for label, width in header), " peak RSS")
        for megabytes in args.megabytes:
            path = work / f"export-{megabytes}.xml"
            posts, comments = write_export(path, megabytes)
            seconds, peak = import_in_child(path, env)
            print(
                f"{megabytes:>6}MB {posts:>7} {comments:>9} {seconds:>8.1f} "
                f"{(posts + comments) / seconds:>8.0f} {peak:>7.0f}MB"
            )
            path.unlink()
    finally:
        cluster.stop()
        for folder in (work, pg):
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
