"""django-comments-xtd 2.10.13 serving the benchmark's thread: the baseline of issue #9.

The minimal project in ``bench/xtd/`` runs in a virtualenv of its own, so xtd never enters
the site's; this module runs with the site's python and drives that virtualenv's python
through subprocesses.
"""

import hashlib
import http.client
import os
import socket
import subprocess
import time
from pathlib import Path
from venv import EnvBuilder

BENCH = Path(__file__).resolve().parent
REQUIREMENTS = BENCH / "xtd" / "requirements.txt"


def prepare(venv: Path) -> Path:
    """Create the venv with bench/xtd/requirements.txt if missing or stale; return its python."""
    venv = Path(venv).absolute()
    python = venv / "bin" / "python"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]
    stamp = venv / f".installed-{digest}"
    if not stamp.exists():
        # Start afresh: packages dropped from the requirements must not linger.
        EnvBuilder(clear=True, with_pip=True).create(venv)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--requirement", REQUIREMENTS],
            check=True,
        )  # fmt: skip
        stamp.touch()
    return python


def _run_options(database_url):
    """Where and how the xtd venv's python runs: in bench/, which holds the ``xtd`` package."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xtd.settings", "DATABASE_URL": database_url}
    return {"cwd": BENCH, "env": env}


def load_thread(python: Path, database_url: str, thread_json: Path) -> None:
    """Migrate the xtd project's database and load the thread (replacing any previous one)."""
    for command in (
        ["migrate", "--no-input", "--verbosity", "0"],
        ["load_thread", Path(thread_json).resolve()],
    ):
        subprocess.run(
            [Path(python).absolute(), "-m", "django", *command],
            check=True, stdout=subprocess.DEVNULL, **_run_options(database_url),
        )  # fmt: skip


def serve(python: Path, database_url: str, port: int, workers: int = 2) -> subprocess.Popen:
    """gunicorn (sync workers, like ours) on 127.0.0.1:port; GET /thread/ renders the whole tree.
    Returns once it answers 200."""
    with socket.socket() as probe:
        # Another server there would answer for this one while gunicorn retries the bind.
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is already in use")
    server = subprocess.Popen(
        [Path(python).absolute(), "-m", "gunicorn", "xtd.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"],
        **_run_options(database_url),
    )  # fmt: skip
    try:
        _wait_for_thread(server, port)
    except BaseException:
        server.terminate()
        server.wait(timeout=30)
        raise
    return server


def _wait_for_thread(server, port, seconds=60):
    deadline = time.monotonic() + seconds
    while server.poll() is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", "/thread/")
            status = connection.getresponse().status
        except OSError:
            status = None  # not listening yet
        finally:
            connection.close()
        if status == 200:
            return
        if status is not None:
            raise RuntimeError(f"the xtd baseline answered /thread/ with {status}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the xtd baseline did not answer on port {port} in {seconds} s")
        time.sleep(0.1)
    raise RuntimeError(f"the xtd baseline's gunicorn exited with {server.returncode}")
