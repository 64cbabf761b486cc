"""The ceiling: the hot post page's final bytes, from memory, under the same gunicorn settings.

No page of the site can be served faster than this by the same server on the same machine;
``bench/run.py`` fetches the bytes from the warm site and names the file in BENCH_CEILING_PAGE.
"""

import os
from pathlib import Path

PAGE = Path(os.environ["BENCH_CEILING_PAGE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(PAGE)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [PAGE]
