"""Reliability drill: outages, stalls and junk input against the site as production runs it.

`make drill` (not part of the tests) serves the demo site with gunicorn on a throwaway
PostgreSQL cluster, then, for a number of rounds: reads and comments while all is well, stops
PostgreSQL and keeps reading and commenting, starts it again and times the recovery, and
stalls it with a lock held on the post's discussion. Last, it throws random input at the
comment endpoint.
It prints one table (also written as JSON) of what was measured: outages survived, requests
answered during them and how, acknowledged comments lost, inputs tried and 500s seen.
"""

import argparse
import json
import random
import string
import time
from collections import Counter
from pathlib import Path

from devtools.served_site import ROOT, SLUG, Browser, discussion_locked, served_site, stored_bodies

REPORT = ROOT / "test-artifacts" / "drill.json"
ALPHABET = string.printable + "éßдом中文😀\u200b\u202e\u0000\ufeff"


def junk(rng):
    """A random form submission: odd text, sizes, tokens and parent ids."""

    def text(limit):
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, limit)))

    if rng.random() < 0.5:  # a plausible reader with an odd text: these are stored
        return {
            "author_name": rng.choice(["Ada", "Zoë Ñandú", "محمد", "李雷"]),
            "author_email": f"reader{rng.randint(1, 10**9)}@example.net",
            "body": "".join(c for c in text(300) if c.isprintable() or c in "\n\t") + " ok",
        }
    fields = {
        "author_name": text(150),
        "author_email": rng.choice(["ada@example.net", text(30), ""]),
        "author_url": rng.choice(["", "https://example.org", text(40), "javascript:alert(1)"]),
        "body": text(rng.choice([5, 200, 12000])),
        "parent": rng.choice(["", "0", "-1", "99999999999999999999", text(5), "1"]),
        "issued": rng.choice(["", text(20), "eyJwb3N0IjoxfQ:bad:sig"]),
        "homepage_url": rng.choice(["", "", text(10)]),
    }
    return {key: value for key, value in fields.items() if rng.random() > 0.1}


def run(rounds, junk_inputs, seed):
    rng = random.Random(seed)
    figures = Counter()
    statuses = Counter()
    slowest_outage_answer = 0.0
    recoveries = []
    acknowledged = []
    with served_site() as (cluster, port):
        browser = Browser(port)
        for round_ in range(rounds):
            for number in range(5):  # all is well
                body = f"Round {round_}, calm comment {number}."
                if browser.send_comment(browser.comment_form(), body).status == 302:
                    acknowledged.append(body)
                statuses[("up", browser.request("GET", "/").status)] += 1
            form = browser.comment_form()
            cluster.stop()  # an outage
            figures["outages"] += 1
            for number in range(10):
                for response in (
                    browser.request("GET", rng.choice(["/", f"/posts/{SLUG}/", "/archive/"])),
                    browser.send_comment(form, f"Round {round_}, outage comment {number}."),
                ):
                    statuses[("down", response.status)] += 1
                    slowest_outage_answer = max(slowest_outage_answer, response.elapsed)
                    if response.status == 302:
                        acknowledged.append(f"Round {round_}, outage comment {number}.")
            cluster.start()
            started = time.monotonic()
            while browser.request("GET", "/").status != 200:
                time.sleep(0.05)
            recoveries.append(time.monotonic() - started)
            with discussion_locked(cluster):
                figures["stalls"] += 1
                response = browser.send_comment(form, f"Round {round_}, stalled comment.")
                statuses[("stalled", response.status)] += 1
                if response.status == 302:
                    acknowledged.append(f"Round {round_}, stalled comment.")
        for _ in range(junk_inputs):
            form = browser.comment_form() or {}
            fields = {**junk(rng), "csrfmiddlewaretoken": form.get("csrfmiddlewaretoken", "")}
            status = browser.request("POST", f"/posts/{SLUG}/comment/", fields).status
            statuses[("junk", status)] += 1
            if status == 302:
                acknowledged.append(fields["body"].strip())  # forms strip the ends
        stored = stored_bodies(cluster)
    lost = [body for body in acknowledged if body not in stored]
    return {
        "outages survived (PostgreSQL stopped, then started)": figures["outages"],
        "stalls survived (discussion locked)": figures["stalls"],
        "requests answered while stopped": sum(
            n for (phase, _), n in statuses.items() if phase == "down"
        ),
        "  of which 503": statuses[("down", 503)],
        "slowest answer while stopped (s)": round(slowest_outage_answer, 3),
        "slowest recovery once started (s)": round(max(recoveries), 3),
        "comments acknowledged": len(acknowledged),
        "acknowledged comments lost": len(lost),
        "junk inputs tried": junk_inputs,
        "500s seen (all phases)": sum(n for (_, status), n in statuses.items() if status == 500),
        "answers by phase and status": {f"{p} {s}": n for (p, s), n in sorted(statuses.items())},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--junk", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    report = run(args.rounds, args.junk, args.seed)
    width = max(len(key) for key in report)
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {Path(REPORT).relative_to(ROOT)}")
    return 1 if report["acknowledged comments lost"] or report["500s seen (all phases)"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
