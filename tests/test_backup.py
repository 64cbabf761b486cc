"""Data safety: a pg_dump backup restores the whole site, and every migration runs both ways.

These tests commit what they write (pg_dump and the migration executor see only committed
rows), so they are transactional; serialized rollback gives the rest of the suite back the
rows the migrations made (groups, permissions).
"""

import subprocess
import uuid
from io import StringIO

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blog.models import Post
from comments.closing import load_state
from comments.models import Comment, Discussion, ModerationEvent
from devtools.pgcluster import find_bindir

# Third-party apps whose migrations cannot run backwards, and why. The project's never are.
IRREVERSIBLE_APPS = {"procrastinate": "its SQL migrations ship without a reverse"}
PROJECT_APPS = {"blog", "comments", "demo"}
CLOSED_DEMO_POST = "the-street-is-the-last-public-room"


def _conninfo(dbname):
    """How Django reaches the test server (socket or host, user, options), for ``dbname``."""
    libpq = {option.keyword.decode() for option in psycopg.pq.Conninfo.get_defaults()}
    params = connection.get_connection_params()
    return make_conninfo(
        **{**{key: params[key] for key in params.keys() & libpq}, "dbname": dbname}
    )


def _run(*command):
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def _connect(dbname):
    return psycopg.connect(_conninfo(dbname), autocommit=True)


@pytest.fixture
def fresh_database(django_db_setup):
    """An empty database on the test server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _connect("postgres") as server:
        server.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
        )
    try:
        yield name
    finally:
        with _connect("postgres") as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _rows(db, table, columns="*"):
    """Every row of ``table`` as text, in a stable order: a byte-for-byte comparable copy."""
    query = sql.SQL("SELECT t::text FROM (SELECT {} FROM {}) AS t ORDER BY 1").format(
        sql.SQL(columns), sql.Identifier(table)
    )
    return [row[0] for row in db.execute(query)]


def _snapshot(db):
    """Tables with their rows, and where each sequence stands (new rows must not collide)."""
    tables = [
        row[0]
        for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    sequences = db.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
        "ORDER BY sequencename"
    ).fetchall()
    return {table: _rows(db, table) for table in tables}, sequences


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_custom_format_dump_restores_the_demo_site_identically(
    settings, tmp_path, fresh_database
):
    """pg_dump -Fc of the demo site, restored into a new database, gives back every row."""
    settings.DEBUG = True
    call_command("demo_content", stdout=StringIO())
    # The server's own folder (pg_ctl may be a symlink elsewhere): dump tools of its version.
    bindir = (find_bindir() / "pg_ctl").resolve().parent
    dump = tmp_path / "blog.dump"
    database = connection.settings_dict["NAME"]

    _run(bindir / "pg_dump", "--format=custom", "--file", dump, "--dbname", _conninfo(database))
    _run(
        bindir / "pg_restore", "--no-owner", "--exit-on-error",
        "--dbname", _conninfo(fresh_database), dump,
    )  # fmt: skip

    with _connect(database) as original, _connect(fresh_database) as restored:
        # What the issue names, column by column, so a failure says what was lost.
        named = {
            Post: "id, slug, title, status, published_at, body, author_id",
            Comment: "id, post_id, parent_id, root_id, status, status_reason, body, body_html",
            Discussion: "post_id, closed_at, close_reason, keep_open, closes_at",
            ModerationEvent: "id, post_id, comment_id, action, from_state, to_state, reason",
        }
        for model, columns in named.items():
            rows = _rows(original, model._meta.db_table, columns)
            assert rows, f"the demo site has no {model._meta.verbose_name_plural}"
            assert _rows(restored, model._meta.db_table, columns) == rows
        # Then everything else: every table, every column, and the sequences.
        assert _snapshot(restored) == _snapshot(original)

    # The demo exercises what a backup must keep: threads, every status, a closed discussion.
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert set(Comment.objects.values_list("status", flat=True)) >= {"approved", "pending"}
    assert Discussion.objects.filter(closed_at__isnull=False).exists()


def _irreversible_apps(executor):
    return {
        key[0]
        for key, migration in executor.loader.graph.nodes.items()
        if not all(operation.reversible for operation in migration.operations)
    }


def _schema():
    """Each table with the names of its constraints and indexes (the RunSQL ones included)."""
    with connection.cursor() as cursor:
        return {
            table: sorted(connection.introspection.get_constraints(cursor, table))
            for table in connection.introspection.table_names(cursor)
        }


@pytest.fixture
def executor(settings):
    """A migration executor on the test database holding the demo site.

    Whatever happens, the schema is back at the latest migrations afterwards, for the rest
    of the suite.
    """
    settings.DEBUG = True
    call_command("demo_content", stdout=StringIO())
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    yield executor
    executor.loader.build_graph()
    executor.migrate(latest)
    ContentType.objects.clear_cache()  # their rows were dropped and made again


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_migration_runs_backwards_and_forwards(executor):
    """With the demo site in it, every app migrates to zero and back up to its latest state."""
    latest = executor.loader.graph.leaf_nodes()
    irreversible = _irreversible_apps(executor)
    assert irreversible <= IRREVERSIBLE_APPS.keys()
    assert not irreversible & PROJECT_APPS

    schema = _schema()

    executor.migrate([(app, None) for app in executor.loader.migrated_apps - irreversible])
    executor.loader.build_graph()
    assert not {table for table in _schema() if table.startswith(("blog_", "comments_", "auth_"))}

    executor.migrate(latest)
    executor.loader.build_graph()
    assert executor.migration_plan(latest) == []
    assert _schema() == schema
    with connection.cursor() as cursor:  # the data migrations ran again
        cursor.execute("SELECT name FROM auth_group ORDER BY name")
        assert [row[0] for row in cursor.fetchall()] == ["Authors", "Editors", "Moderators"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rolling_back_the_discussion_migrations_keeps_closed_discussions(executor):
    """Undoing the move of the "comments closed" switch keeps it, and redoing it closes again."""
    latest = executor.loader.graph.leaf_nodes()

    executor.migrate(
        [("blog", "0003_discussion_permission"), ("comments", "0003_email_index_ignores_case")]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM blog_post WHERE comments_closed ORDER BY slug")
        assert [row[0] for row in cursor.fetchall()] == [CLOSED_DEMO_POST]

    executor.loader.build_graph()
    executor.migrate(latest)
    assert load_state(Post.objects.get(slug=CLOSED_DEMO_POST)).closed
    assert not load_state(Post.objects.exclude(slug=CLOSED_DEMO_POST).first()).closed
