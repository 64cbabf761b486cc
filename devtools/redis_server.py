"""A throwaway redis-server of the project's own, for the tests and the benchmark.

Debian's ``redis-server`` on a free loopback port, keeping nothing (no snapshots, no append-only
file) in a temporary folder that is removed when it stops, like the PostgreSQL cluster of
``devtools.pgcluster``: nobody has to install or start a cache server by hand, and nothing
clashes with a Redis the machine already runs.

    with RedisServer() as server:
        env["CACHE_URL"] = f"rediscache://127.0.0.1:{server.port}/1"
"""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from devtools.served_site import free_port

REDIS_SERVER = Path("/usr/bin/redis-server")


class RedisServer:
    """Start it (or enter it) to get a server that answers; stop it (or leave it) to end it."""

    def __init__(self, binary=REDIS_SERVER):
        self.binary = Path(binary)
        self.folder = None
        self.port = None
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self, seconds=10):
        """Start the server and return once it answers PING, within ``seconds``."""
        if not self.binary.exists():
            raise FileNotFoundError(
                f"{self.binary} is missing: `make test` installs it as root "
                "(apt-get install redis-server)"
            )
        self.folder = Path(tempfile.mkdtemp(prefix="blog-redis-"))
        self.port = free_port()
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.folder, "--logfile", self.folder / "redis.log"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + seconds
        with redis.Redis(port=self.port) as client:
            while True:
                try:
                    client.ping()
                    return self
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        self._fail()
                    time.sleep(0.05)

    def _fail(self):
        log = self.folder / "redis.log"
        said = log.read_text(errors="replace") if log.exists() else "(no log)"
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}:\n{said}")

    def stop(self):
        """End the server (if it still runs) and remove its folder; stopping twice is fine."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
