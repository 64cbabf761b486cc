"""The benchmark of issue #9: `make bench` (about four minutes; not part of the tests).

One run on this machine, one server at a time: a throwaway PostgreSQL cluster is seeded
(``bench/seed.py``); the site is served by gunicorn with 2 sync workers (DEBUG off, the hot
post's 500 comments on one page) and driven by ``wrk -t2 -c8`` for SECONDS per scenario: the
home page and the hot post with the page cache off (cold), the hot post with it on (warm), a
comment POST, the moderation queue as a logged-in moderator. Two baselines follow: the ceiling
(``bench/ceiling.py``, the warm page's bytes from memory) and django-comments-xtd rendering the
same thread in its own project and virtualenv (``bench/xtd_baseline.py``). Then the large scale
(10,000 posts, 1,000,000 comments) is measured again. Queries per request and EXPLAIN plans
are taken in this process, with Django's test client on the benchmark's database.

It prints one table and writes bench/results.json and bench/report.md. Ratios, not absolute
times, are the result: the same machine measures the site and its baselines in the same run.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import django
import psycopg

from bench import xtd_baseline
from devtools.pgcluster import SUPERUSER, Cluster
from devtools.served_site import ROOT, Browser, Forms, free_port

BENCH = ROOT / "bench"
RESULTS = BENCH / "results.json"
REPORT = BENCH / "report.md"
XTD_VENV = BENCH / ".venv-xtd"
QUEUE = "/admin/comments/comment/"
# The production environment, as devtools/served_site.py runs it, with the settings:
# every comment on one page, and no limit on one address posting quickly.
SITE = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "CONN_MAX_AGE": "60",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "COMMENTS_PER_PAGE": "1000",
    "COMMENTS_RATE_LIMIT": "1000000000",
    "COMMENTS_MIN_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}
COLD = {"PAGE_CACHE_SECONDS": "0"}  # the shared page cache off
WORKERS = 2

# Scenarios, as the table names them.
HOME = "home"
POST_COLD = "hot post, cold"
POST_WARM = "hot post, warm"
COMMENT = "comment POST"
QUEUE_LOAD = "moderation queue"
QUEUE_ALONE = "moderation queue, 1 connection"
CEILING = "ceiling: same bytes from memory"
FLOOR = "Django's floor: same bytes from a view"
XTD = "django-comments-xtd /thread/"
# Which page's query count each scenario shows.
PAGES = {
    HOME: "home",
    POST_COLD: "post",
    POST_WARM: "post, warm",
    COMMENT: "comment",
    QUEUE_LOAD: "queue",
    QUEUE_ALONE: "queue",
}
# Ratio column: (scenario, scale) over (scenario, scale), and how the column names the latter.
RATIOS = {
    (POST_COLD, "small"): ((XTD, "small"), "xtd"),
    (POST_WARM, "small"): ((CEILING, "small"), "ceiling"),
    (FLOOR, "small"): ((CEILING, "small"), "ceiling"),
    (HOME, "large"): ((HOME, "small"), "small"),
    (POST_COLD, "large"): ((POST_COLD, "small"), "small"),
}
# "Costs the same" at both scales: within this share of the small scale's requests/s.
SAME_COST = 0.9


class BenchError(RuntimeError):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="length of each wrk run (8)")
    args = parser.parse_args()
    # A `kill` ends the run like Ctrl-C does: servers and the cluster are stopped on the way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    xtd_python = xtd_baseline.prepare(XTD_VENV)  # installs nothing while anything is timed
    work = Path(tempfile.mkdtemp(prefix="blog-bench-"))
    cluster = Cluster(work, fast=True)
    try:
        results = Bench(cluster, work, args.seconds, xtd_python).run()
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    table = render_table(results["scenarios"])
    print(f"\n{table}\n")
    for target in results["targets"]:
        print(
            f"{'met' if target['met'] else 'NOT MET':>7}  {target['target']}: {target['measured']}"
        )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    REPORT.write_text(render_report(results, table))
    print(f"\nWritten to {RESULTS.relative_to(ROOT)} and {REPORT.relative_to(ROOT)}")


class Bench:
    """One run: the cluster, the servers it starts one at a time, and the rows measured."""

    def __init__(self, cluster, work, seconds, xtd_python):
        self.cluster = cluster
        self.work = work
        self.seconds = seconds
        self.xtd_python = xtd_python
        self.rows = []
        self.env = None

    def run(self):
        started = datetime.now(UTC)
        self.set_up_django()
        from bench import seed  # its models need Django set up

        small, small_seconds = timed(seed.small)
        queries = {"small": count_queries(small.hot, small.moderator)}
        self.measure_small(small)
        large, large_seconds = timed(seed.large, small.hot)
        queries["large"] = count_queries(small.hot, small.moderator)
        plans = {page: explain(queries["large"][page]) for page in ("queue", "post", "home")}
        self.measure_large(small)

        counts = {
            scale: {page: len(sql_queries(q)) for page, q in pages.items()}
            for scale, pages in queries.items()
        }
        for row in self.rows:
            row["queries"] = counts[row["scale"]].get(PAGES.get(row["scenario"]))
        add_ratios(self.rows)
        return {
            "measured_at": started.isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": {
                "wrk": f"wrk -t2 -c8 -d{self.seconds}s --latency --timeout 10s",
                "gunicorn": f"{WORKERS} sync workers on 127.0.0.1",
                "site": {**SITE, "SECRET_KEY": "…"},
                "cold": COLD,
                "hot_post": small.hot.get_absolute_url(),
            },
            "seed": {
                "small": {"seconds": small_seconds, "thread": len(small.thread)},
                "large": {"seconds": large_seconds, **large},
            },
            "scenarios": self.rows,
            "queries": counts,
            "targets": check_targets(self.rows, counts),
            "plans": plans,
        }

    def set_up_django(self):
        """Start the cluster and point this process at it: it seeds, counts and explains with
        the page cache off and no statement time limit; servers get the production settings."""
        self.env = {**os.environ, **SITE, "DATABASE_URL": self.cluster.start()}
        os.environ.update(self.env, **COLD, DB_STATEMENT_TIMEOUT_MS="0")
        # Static files are served from the app folders; nothing is collected (as in the tests).
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable")

    def measure_small(self, small):
        """Every scenario at the small scale, then the two baselines."""
        post = small.hot.get_absolute_url()
        with self.site(COLD) as port:
            self.measure(HOME, port, "/")
            self.measure(POST_COLD, port, post)
            self.measure_queue(port, small, "small")
        with self.site() as port:
            # An anonymous reader's page; this first request also fills the cache.
            page = expect(Browser(port), post, 200).text.encode()
            self.measure(POST_WARM, port, post)
            self.measure_comments(port, small.hot)

        ceiling_page = self.work / "ceiling.html"
        ceiling_page.write_bytes(page)
        env = {**self.env, "BENCH_CEILING_PAGE": str(ceiling_page)}
        with gunicorn("bench.ceiling:application", env, "/", self.work / "ceiling.log") as port:
            self.measure(CEILING, port, "/")["page_bytes"] = len(page)
        floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor"}
        with gunicorn("config.wsgi", floor_env, "/", self.work / "floor.log") as port:
            self.measure(FLOOR, port, "/")

        thread_json = self.work / "thread.json"
        thread_json.write_text(json.dumps(small.thread))
        xtd_url = self.create_database("xtd")
        xtd_baseline.load_thread(self.xtd_python, xtd_url, thread_json)
        port = free_port()
        with stopping(xtd_baseline.serve(self.xtd_python, xtd_url, port, workers=WORKERS)):
            self.measure(XTD, port, "/thread/")

    def measure_large(self, small):
        with self.site(COLD) as port:
            self.measure(HOME, port, "/", scale="large")
            self.measure(POST_COLD, port, small.hot.get_absolute_url(), scale="large")
            self.measure_queue(port, small, "large")

    @contextmanager
    def site(self, settings=None):
        env = {**self.env, **(settings or {})}
        with gunicorn("config.wsgi", env, "/", self.work / "site.log") as port:
            yield port

    def measure(self, scenario, port, path, scale="small", connections=8, **wrk_options):
        row = {
            "scenario": scenario,
            "scale": scale,
            "path": path,
            "connections": connections,
            "seconds": self.seconds,
        }
        # Answered once the requests that the last run left queued in gunicorn are.
        Browser(port).request("GET", "/")
        with OtherWork([os.getpid(), self.postmaster()]) as other:
            row.update(wrk(port, path, self.seconds, connections, **wrk_options))
        row["other_cpu"] = other.share
        self.rows.append(row)
        print(
            f"{scenario} ({scale}): {row['requests_per_s']:.1f} req/s, p50 {ms(row['p50_ms'])} ms, "
            f"p99 {ms(row['p99_ms'])} ms, {row['errors']} errors, "
            f"{row['socket_errors']} socket errors, other work {other.share:.0%} of the CPU",
            flush=True,
        )
        return row

    def postmaster(self):
        return int((self.cluster.data / "postmaster.pid").read_text().split()[0])

    def measure_queue(self, port, small, scale):
        """The queue's first page as the moderator, logged in through the admin's login form."""
        browser = Browser(port)
        login = {"username": small.moderator.get_username(), "password": small.password}
        answer = browser.submit("/admin/login/", fields=login)
        if answer.status != 302:
            raise BenchError(f"logging in as the moderator answered {answer.status}")
        expect(browser, QUEUE, 200)
        cookie = "Cookie: " + "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        self.measure(QUEUE_ALONE, port, QUEUE, scale, connections=1, headers=[cookie])
        self.measure(QUEUE_LOAD, port, QUEUE, scale, headers=[cookie])

    def measure_comments(self, port, hot):
        """Comments sent through one form, each with a new text; 302 is success."""
        from comments.models import Comment

        browser = Browser(port)
        form = browser.comment_form(hot.slug)
        answer = browser.send_comment(form, "A first comment, to see the form work.", hot.slug)
        if answer.status != 302:
            raise BenchError(f"the comment form answered {answer.status}, not 302")
        before = Comment.objects.count()
        row = self.measure(
            COMMENT,
            port,
            f"/posts/{hot.slug}/comment/",
            script="post_comment.lua",
            args=[browser.cookies["csrftoken"], form["csrfmiddlewaretoken"], form["issued"]],
        )
        row["stored"] = Comment.objects.count() - before

    def create_database(self, name):
        with psycopg.connect(
            dbname="postgres", user=SUPERUSER, host=str(self.cluster.socket_dir), autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://{SUPERUSER}@/{name}?host={self.cluster.socket_dir}"


# --- Servers and load -----------------------------------------------------------------------


@contextmanager
def gunicorn(app, env, probe, log):
    """Serve WSGI ``app`` as the issue measures it: sync workers on loopback; yield the port
    once ``probe`` answers. The site and the ceiling both run here, so with the same settings."""
    port = free_port()
    with open(log, "ab") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
             "--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    with stopping(server):
        wait_until_up(server, port, probe, log)
        yield port


@contextmanager
def stopping(server):
    try:
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(server, port, probe, log, seconds=60):
    deadline = time.monotonic() + seconds
    while server.poll() is None and time.monotonic() < deadline:
        try:
            if Browser(port).request("GET", probe).status == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    tail = "\n".join(Path(log).read_text(errors="replace").splitlines()[-20:])
    raise BenchError(f"gunicorn did not answer {probe} on port {port}:\n{tail}")


class OtherWork:
    """The share of the machine's CPU that processes other than ours (under ``roots``) used
    meanwhile: anything else running on the machine skews the figures."""

    TICK = 1 / os.sysconf("SC_CLK_TCK")

    def __init__(self, roots):
        self.roots = roots
        self.share = None

    def __enter__(self):
        self.start = time.monotonic(), self.busy(), self.ours()
        return self

    def __exit__(self, *exc_info):
        started, busy, ours = self.start
        now = self.ours()
        ours_used = sum(seconds - ours.get(pid, 0) for pid, seconds in now.items())
        other = max(0.0, self.busy() - busy - ours_used)
        self.share = other / ((time.monotonic() - started) * os.cpu_count())

    def busy(self):
        """CPU seconds the machine has spent working, all processes together."""
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(
            int, Path("/proc/stat").read_text().split(maxsplit=9)[1:9]
        )
        return (user + nice + system + irq + softirq + steal) * self.TICK

    def ours(self):
        """CPU seconds of each process under the roots, with its children that have ended."""
        children, seconds = {}, {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            pid = int(stat.parent.name)
            children.setdefault(int(fields[1]), []).append(pid)
            seconds[pid] = sum(map(int, fields[11:15])) * self.TICK  # utime … cstime
        found, todo = {}, list(self.roots)
        while todo:
            pid = todo.pop()
            if pid in seconds and pid not in found:
                found[pid] = seconds[pid]
                todo += children.get(pid, [])
        return found


def expect(browser, path, status):
    answer = browser.request("GET", path)
    if answer.status != status:
        raise BenchError(f"GET {path} answered {answer.status}, not {status}")
    return answer


WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)[ \t]*$", re.MULTILINE)
WRK_UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}


def wrk(port, path, seconds, connections, script=None, args=(), headers=()):
    """Drive ``path`` with wrk; requests/s, p50/p99 in ms, and what went wrong."""
    threads = min(2, connections)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"
    ]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(BENCH / script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    if args:
        command += ["--", *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = {
        f"p{share}_ms": float(value) * WRK_UNITS[unit]
        for share, value, unit in WRK_LATENCY.findall(output)
    }
    requests = int(re.search(r"(\d+) requests in", output)[1])
    if requests and len(latency) != 2:
        raise BenchError(f"wrk measured no latency for {path}:\n{output}")
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": requests,
        # No request finished in time: no latency to speak of.
        **(latency if requests else {"p50_ms": None, "p99_ms": None}),
        "errors": int(statuses[1]) if statuses else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
    }


# --- In-process measurements ----------------------------------------------------------------


def count_queries(hot, moderator):
    """The SQL each page runs: anonymous home, post page (cache off, then on) and comment
    POST, and the queue's first page as the moderator. Each is asked twice and the second
    counted, as a worker that has served before (and filled the page cache) would run it."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    post_url = hot.get_absolute_url()
    comment_url = reverse("comments:post", args=[hot.slug])
    staff = Client()
    staff.force_login(moderator, backend="django.contrib.auth.backends.ModelBackend")

    def run(client, path, status, data=None):
        with CaptureQueriesContext(connection) as captured:
            answer = client.post(path, data) if data is not None else client.get(path)
        if answer.status_code != status:
            raise BenchError(f"in-process {path} answered {answer.status_code}, not {status}")
        return captured.captured_queries

    def comment():
        reader = Client()
        form = Forms.of(reader.get(post_url).content.decode(), post_url)[comment_url]
        fields = {"author_name": "Counting Reader", "author_email": "counter@example.net"}
        body = f"Comment {secrets.token_hex(4)}, sent to count the queries a comment costs."
        return run(reader, comment_url, 302, {**form, **fields, "body": body})

    @override_settings(PAGE_CACHE_SECONDS=3600)  # on, for longer than the run
    def warm():
        return run(Client(), post_url, 200)

    def second(ask):
        ask()
        return ask()

    return {
        "home": second(lambda: run(Client(), "/", 200)),
        "post": second(lambda: run(Client(), post_url, 200)),
        "post, warm": second(warm),
        "queue": second(lambda: run(staff, QUEUE, 200)),
        "comment": second(comment),
    }


TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")


def sql_queries(captured):
    """The queries among captured statements: transaction control is not counted."""
    return [query for query in captured if not TRANSACTION_CONTROL.match(query["sql"])]


def explain(queries):
    """``EXPLAIN (ANALYZE, BUFFERS)`` of each SELECT among ``queries``, as Django sent it."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(line for (line,) in cursor.fetchall())
            executed = float(re.search(r"Execution Time: ([\d.]+) ms", plan)[1])
            plans.append(
                {
                    "sql": sql,
                    "django_ms": float(query["time"]) * 1000,
                    "executed_ms": executed,
                    "plan": plan,
                }
            )
    return plans


def timed(function, *args):
    """What ``function`` returns, and how many seconds it took."""
    started = time.monotonic()
    return function(*args), round(time.monotonic() - started, 1)


def machine():
    from django.db import connection

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": connection.cursor().connection.info.parameter_status("server_version"),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1],
    }


# --- Results ----------------------------------------------------------------------------------


def add_ratios(rows):
    by_key = {(row["scenario"], row["scale"]): row for row in rows}
    for key, (base, name) in RATIOS.items():
        if key in by_key and by_key.get(base, {}).get("requests_per_s"):
            by_key[key]["ratio"] = by_key[key]["requests_per_s"] / by_key[base]["requests_per_s"]
            by_key[key]["ratio_to"] = name


def check_targets(rows, counts):
    """Issue #9's targets, each with what was measured and whether it is met."""
    row = {(r["scenario"], r["scale"]): r for r in rows}
    # No ratio: the baseline answered nothing.
    ratio = {key: found.get("ratio", 0.0) for key, found in row.items()}
    cold, warm = ratio[(POST_COLD, "small")], ratio[(POST_WARM, "small")]
    post_queries = [counts["small"]["post"], counts["large"]["post"]]
    queue = row[(QUEUE_ALONE, "large")]
    comment = row[(COMMENT, "small")]
    comment_errors = comment["errors"] + comment["socket_errors"]
    same_cost = {
        page: (ratio[(scenario, "large")], counts["small"][page], counts["large"][page], scenario)
        for page, scenario in (("home", HOME), ("post", POST_COLD))
    }

    def shared(*keys):
        """Says so when other processes took a noticeable share of the CPU in those runs."""
        most = max(row[key]["other_cpu"] for key in keys)
        return f" (other work took up to {most:.0%} of the CPU meanwhile)" if most > 0.05 else ""

    return [
        {
            "target": "hot post, cold, ≥ 3× django-comments-xtd's requests/s",
            "measured": f"{cold:.2f}×" + shared((POST_COLD, "small"), (XTD, "small")),
            "met": cold >= 3,
        },
        {
            "target": "hot post, cold, at most 8 queries whatever the comment count",
            "measured": "{} queries (small), {} (large)".format(*post_queries),
            "met": max(post_queries) <= 8 and post_queries[0] == post_queries[1],
        },
        {
            "target": "hot post, warm, ≥ 50% of the ceiling's requests/s",
            "measured": f"{warm:.1%} (Django's own floor: {ratio[(FLOOR, 'small')]:.1%})"
            + shared((POST_WARM, "small"), (CEILING, "small")),
            "met": warm >= 0.5,
        },
        *(
            {
                "target": f"{page} page costs the same with 10,000 posts and 1,000,000 comments "
                f"(≥ {SAME_COST:.0%} of the small scale's requests/s, same queries)",
                "measured": f"{share:.0%} of the small scale's requests/s, "
                f"{small} → {large} queries" + shared((scenario, "small"), (scenario, "large")),
                "met": share >= SAME_COST and small == large,
            }
            for page, (share, small, large, scenario) in same_cost.items()
        ),
        {
            "target": "moderation queue's first page under 500 ms with 1,000,000 comments "
            "(p99, one connection)",
            "measured": f"p50 {ms(queue['p50_ms'])} ms, p99 {ms(queue['p99_ms'])} ms, "
            f"{queue['requests']} requests in {queue['seconds']} s"
            + shared((QUEUE_ALONE, "large")),
            "met": bool(queue["requests"]) and queue["p99_ms"] < 500 and not queue["errors"],
        },
        {
            "target": "comment POST in at most 8 queries, sustained with zero errors",
            "measured": f"{counts['small']['comment']} queries, "
            f"{comment['requests_per_s']:.1f} comments/s ({comment['stored']} stored for "
            f"{comment['requests']} answered), {comment_errors} errors"
            + shared((COMMENT, "small")),
            "met": counts["small"]["comment"] <= 8 and comment_errors == 0,
        },
    ]


def render_table(rows):
    header = [
        "scenario", "scale", "req/s", "p50 ms", "p99 ms", "errors", "queries", "ratio", "other CPU"
    ]  # fmt: skip
    lines = [header]
    for row in rows:
        errors = row["errors"] + row["socket_errors"]
        ratio = f"{row['ratio']:.2f}× {row['ratio_to']}" if "ratio" in row else ""
        lines.append(
            [
                row["scenario"],
                row["scale"],
                f"{row['requests_per_s']:.1f}",
                ms(row["p50_ms"]),
                ms(row["p99_ms"]),
                f"{errors} ({row['socket_errors']} socket)"
                if row["socket_errors"]
                else str(errors),
                "" if row.get("queries") is None else str(row["queries"]),
                ratio,
                f"{row['other_cpu']:.0%}",
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]

    def cells(line):
        return (
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
            + " |"
        )

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([cells(lines[0]), separator, *map(cells, lines[1:])])


def ms(value):
    return "—" if value is None else f"{value:.1f}"


def render_report(results, table):
    run = results["machine"]
    seed = results["seed"]
    page_bytes = next(row["page_bytes"] for row in results["scenarios"] if "page_bytes" in row)
    lines = [
        "# Benchmark report (issue #9)",
        "",
        f"Written by `make bench` ({Path(__file__).relative_to(ROOT)}) on "
        f"{results['measured_at']}: {run['cpus']} CPUs ({run['cpu']}), Python {run['python']}, "
        f"Django {run['django']}, PostgreSQL {run['postgresql']}, wrk {run['wrk']}. "
        f"`{results['settings']['wrk']}` on loopback against gunicorn with "
        f"{results['settings']['gunicorn']}, DEBUG off, COMMENTS_PER_PAGE=1000; cold is "
        "PAGE_CACHE_SECONDS=0, warm the default after one request.",
        "",
        f"Small scale: 10 posts; the hot post {results['settings']['hot_post']} has "
        f"{seed['small']['thread']} approved comments threaded four levels deep, all on its "
        f"page of {page_bytes / 1000:.0f} KB (seeded in "
        f"{seed['small']['seconds']} s). Large scale: {seed['large']['posts']:,} posts and "
        f"{seed['large']['comments']:,} comments (COPY, then VACUUM ANALYZE: "
        f"{seed['large']['seconds']} s). Queries per request are counted in-process (Django's "
        "test client; the page cache off, but on for the warm post page) on the second of two "
        "requests, transaction control (BEGIN, COMMIT, savepoints) left out. The moderation "
        "queue is measured with one connection too, for the latency of one request alone. "
        "The last column is the share of the machine's CPU that other processes used during "
        "each run: a run that shared the two cores is not comparable with the others.",
        "",
        table,
        "",
        "## Targets",
        "",
        *(
            f"- {'Met' if t['met'] else '**Not met**'}: {t['target']} — {t['measured']}."
            for t in results["targets"]
        ),
        "",
        "Why the targets that are not met are not: see “Gaps” in bench/README.md.",
        "",
        "## Queries per request",
        "",
        "| page | small | large |",
        "|---|---|---|",
        *(
            f"| {page} | {small} | {results['queries']['large'][page]} |"
            for page, small in results["queries"]["small"].items()
        ),
        "",
        "## Query plans at the large scale",
        "",
        "`EXPLAIN (ANALYZE, BUFFERS)` of every SELECT the page runs, in order.",
    ]
    for page, title in (
        ("queue", "Moderation queue, first page (moderator)"),
        ("post", "Hot post page, cold (anonymous)"),
        ("home", "Home page (anonymous)"),
    ):
        lines += ["", f"### {title}"]
        for number, entry in enumerate(results["plans"][page], 1):
            lines += [
                "",
                f"{number}. {entry['executed_ms']:.1f} ms executing (EXPLAIN ANALYZE), "
                f"{entry['django_ms']:.0f} ms as Django timed the page's query",
                "",
                "```sql",
                entry["sql"],
                "```",
                "",
                "```",
                entry["plan"],
                "```",
            ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
