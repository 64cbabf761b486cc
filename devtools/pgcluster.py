"""A project-local PostgreSQL cluster built from the machine's server binaries.

Used by the run command (a persistent cluster in ``.pg/``) and by the test suite
(a throwaway cluster in a temporary folder) so that nobody has to install or start
a database server by hand. The server listens only on a Unix socket inside the
cluster's folder: no port is opened, so nothing clashes with another server.
``start_replica`` adds a streaming standby of a running cluster, on a socket of its own.

PostgreSQL refuses to run as root; as root the server runs as the ``postgres``
user on a folder that user owns.
"""

import argparse
import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DATABASE = "blog"
SUPERUSER = "blog"
# Unix socket paths are limited to 107 bytes; leave room for "/.s.PGSQL.5432".
MAX_SOCKET_DIR = 90
# Durability is pointless for a throwaway test database; speed is not.
FAST_OPTIONS = " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class ClusterError(RuntimeError):
    pass


def find_bindir(debian_layout="/usr/lib/postgresql/*/bin"):
    """Where initdb and pg_ctl live: PATH, then pg_config, then Debian's layout."""
    candidates = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        # Its real folder: a link on PATH may stand for some of the tools only.
        candidates.append(Path(on_path).resolve().parent)
    if shutil.which("pg_config"):
        result = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    debian = sorted(glob.glob(debian_layout), key=lambda p: int(Path(p).parent.name), reverse=True)
    candidates.extend(Path(p) for p in debian)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise ClusterError(
        "No PostgreSQL server binaries (initdb, pg_ctl) were found: install PostgreSQL "
        "(e.g. `apt-get install postgresql`) or set DATABASE_URL to an existing database."
    )


class Cluster:
    def __init__(self, root, fast=False):
        self.root = Path(root).resolve()
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.fast = fast
        self.as_root = os.geteuid() == 0
        socket_dir = self.root / "run"
        if len(str(socket_dir)) > MAX_SOCKET_DIR:
            digest = hashlib.sha1(str(self.root).encode()).hexdigest()[:12]
            socket_dir = Path(tempfile.gettempdir()) / f"blog-pg-{digest}"
        self.socket_dir = socket_dir

    @property
    def url(self):
        return f"postgres://{SUPERUSER}@/{DATABASE}?host={self.socket_dir}"

    @property
    def _no_sync(self):
        """Tells initdb and pg_basebackup not to wait for the disk, on a throwaway cluster."""
        return ["--no-sync"] if self.fast else []

    def _run(self, *args):
        command = [str(arg) for arg in args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise ClusterError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
        return result

    def _prepare_folders(self):
        for folder in (self.root, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
            if self.as_root:
                try:
                    owner = pwd.getpwnam("postgres")
                except KeyError:
                    raise ClusterError(
                        "PostgreSQL cannot run as root and there is no 'postgres' user: "
                        "run as a normal user or set DATABASE_URL."
                    ) from None
                os.chown(folder, owner.pw_uid, owner.pw_gid)

    def is_running(self):
        bindir = find_bindir()
        if not (self.data / "PG_VERSION").exists():
            return False
        command = [str(bindir / "pg_ctl"), "status", "-D", str(self.data)]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True).returncode == 0

    def start(self):
        """Initialise the cluster if needed, start it if stopped, and create the database."""
        bindir = find_bindir()
        self._prepare_folders()
        if not (self.data / "PG_VERSION").exists():
            self._run(
                bindir / "initdb", "-D", self.data, "-U", SUPERUSER, "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions", *self._no_sync,
            )  # fmt: skip
        if not self.is_running():
            # pg_ctl hands these to the server through a shell: quote the path.
            options = f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}'"
            if self.fast:
                options += FAST_OPTIONS
            self._run(
                bindir / "pg_ctl", "start", "-w", "-D", self.data, "-l", self.log, "-o", options
            )
        self._create_database()
        return self.url

    def _create_database(self):
        import psycopg

        with psycopg.connect(
            dbname="postgres", user=SUPERUSER, host=str(self.socket_dir), autocommit=True
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{DATABASE}"')

    def start_replica(self, root):
        """Start a streaming replica of this running cluster in ``root`` and return it.

        The first time, ``pg_basebackup -R`` copies the cluster over its Unix socket (initdb's
        pg_hba.conf already lets local replication connections in) and leaves the settings that
        make the copy a standby following this cluster; it listens on a socket folder of its own.
        """
        replica = Cluster(root, fast=self.fast)
        if not (replica.data / "PG_VERSION").exists():
            replica._prepare_folders()
            self._run(
                find_bindir() / "pg_basebackup", "-D", replica.data, "-h", self.socket_dir,
                "-U", SUPERUSER, "--write-recovery-conf", "--wal-method=stream",
                "--checkpoint=fast", *self._no_sync,
            )  # fmt: skip
        replica.start()
        return replica

    def stop(self):
        if self.is_running():
            self._run(find_bindir() / "pg_ctl", "stop", "-m", "fast", "-w", "-D", self.data)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "url"])
    parser.add_argument("--dir", default=".pg", help="cluster folder (default: .pg)")
    args = parser.parse_args(argv)
    cluster = Cluster(args.dir)
    try:
        if args.action == "start":
            print(cluster.start())
        elif args.action == "stop":
            cluster.stop()
        else:
            print(cluster.url)
    except ClusterError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
