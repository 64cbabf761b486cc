import shutil
import tempfile

import psycopg
import pytest

from devtools.pgcluster import Cluster, ClusterError, find_bindir


def test_missing_server_binaries_say_what_to_do(monkeypatch):
    """Without PostgreSQL binaries, one clear sentence names the fix."""
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ClusterError, match=r"install PostgreSQL .* or set DATABASE_URL"):
        find_bindir(debian_layout="/nonexistent/*/bin")


def test_cluster_starts_once_and_keeps_its_data():
    """Starting twice reuses the running cluster and its data; stopping stops it."""
    root = tempfile.mkdtemp(prefix="pgc-")  # Short: Unix socket paths are limited.
    cluster = Cluster(root, fast=True)
    try:
        url = cluster.start()
        with psycopg.connect(url) as connection:
            connection.execute("CREATE TABLE kept (n int)")
        assert cluster.start() == url
        assert cluster.is_running()
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT count(*) FROM kept").fetchone() == (0,)
    finally:
        cluster.stop()
    assert not cluster.is_running()
    shutil.rmtree(root, ignore_errors=True)


def test_long_project_paths_get_a_short_socket_folder(tmp_path):
    """Unix socket paths have a length limit; deep checkouts still work."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    cluster = Cluster(deep)
    assert len(str(cluster.socket_dir)) < 90
    assert str(cluster.socket_dir) in cluster.url
