"""Emails leave the request through the task queue: never slow, never lost, retried, visible."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from comments import services
from comments.models import Comment

ROOT = Path(__file__).resolve().parents[2]
EMAIL_TASK = "comments.email_pending"


@contextmanager
def silent_mail_server():
    """A local SMTP "server" that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def closed_port():
    """A local port where nothing listens: a mail server that refuses."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    return f"postgres://{db['USER']}@/{db['NAME']}?host={host}"


def worker(email_url, *, one_shot=True, **env):
    """A real worker process (`manage.py procrastinate worker`) on the test database."""
    command = [
        sys.executable,
        "manage.py",
        "procrastinate",
        "worker",
        "--queues",
        "emails,maintenance",
    ]
    if one_shot:
        command.append("--one-shot")
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": email_url,
        "TASKS_HEARTBEAT_SECONDS": "0.5",
        **env,
    }
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def email_job():
    return ProcrastinateJob.objects.get(task_name=EMAIL_TASK)


@pytest.fixture(autouse=True)
def _empty_queue(django_db_blocker):
    """The queue's tables are not Django's to flush: start each test with an empty queue."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_workers CASCADE")


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db
def test_a_silent_mail_server_never_delays_the_reader(
    client, post, comment_data, moderator, settings
):
    """With a mail server that never answers, posting still answers at once; the email waits."""
    with silent_mail_server() as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 30
        started = time.monotonic()
        response = client.post(f"/posts/{post.slug}/comment/", comment_data(post))
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 1.5
    comment = Comment.objects.get()
    job = email_job()
    assert (job.status, job.queue_name, job.args["comment_id"]) == ("todo", "emails", comment.pk)


@pytest.mark.django_db
def test_an_email_is_queued_only_if_its_comment_is_stored(post, make_comment):
    """The job is written in the comment's transaction: rolled back together, nothing is sent."""
    comment = Comment(post=post, author_name="Ada", author_email="ada@example.net", body="Hi")
    queued = []

    def submit_then_fail():
        with transaction.atomic():
            services.submit(comment)
            queued.append(ProcrastinateJob.objects.filter(task_name=EMAIL_TASK).count())
            raise RuntimeError("anything failing later in the same transaction")

    with pytest.raises(RuntimeError, match="later in the same transaction"):
        submit_then_fail()
    assert queued == [1]
    assert not Comment.objects.exists()
    assert not ProcrastinateJob.objects.exists()


@pytest.mark.django_db
def test_moderators_see_the_queue_in_the_admin(client, post, comment_data, moderator):
    """A failed email is for moderators to notice: they may read the jobs, not change them."""
    client.post(f"/posts/{post.slug}/comment/", comment_data(post))
    client.force_login(moderator)
    page = client.get("/admin/procrastinate/procrastinatejob/")
    assert page.status_code == 200
    assert EMAIL_TASK in page.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_retries_a_refusing_mail_server_with_backoff_then_delivers(
    client, post, comment_data, moderator, admin_client, tmp_path
):
    """A refused delivery is retried later (staff see it failing); then the email goes out."""
    client.post(f"/posts/{post.slug}/comment/", comment_data(post, body="Please look."))
    refused = worker(f"smtp://127.0.0.1:{closed_port()}")
    assert refused.wait(timeout=60) == 0, refused.stdout.read()
    job = email_job()
    assert (job.status, job.attempts) == ("todo", 1)
    assert job.scheduled_at > timezone.now()  # backing off, not hammering
    events = list(job.procrastinateevent_set.order_by("at").values_list("type", flat=True))
    assert events[:3] == ["deferred", "started", "deferred_for_retry"]
    page = admin_client.get(f"/admin/procrastinate/procrastinatejob/{job.pk}/change/")
    assert page.status_code == 200
    assert "deferred_for_retry" in page.content.decode()  # staff see the failed attempt

    ProcrastinateJob.objects.filter(pk=job.pk).update(scheduled_at=timezone.now())
    delivered = worker(f"filemail:///{tmp_path}")
    assert delivered.wait(timeout=60) == 0, delivered.stdout.read()
    assert email_job().status == "succeeded"
    sent = "".join(path.read_text() for path in tmp_path.iterdir())
    assert "Please look." in sent
    assert moderator.email in sent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_job_loses_no_email(client, post, comment_data, moderator, tmp_path):
    """Kill -9 a worker stuck sending: another worker takes the job up and delivers it."""
    client.post(f"/posts/{post.slug}/comment/", comment_data(post, body="Do not lose me."))
    with silent_mail_server() as port:
        stuck = worker(f"smtp://127.0.0.1:{port}", one_shot=False, EMAIL_TIMEOUT="120")
        try:
            assert wait_for(lambda: email_job().status == "doing"), "the job never started"
        finally:
            stuck.send_signal(signal.SIGKILL)
            stuck.wait(timeout=10)
    assert email_job().status == "doing"  # its worker is gone, the job is not
    rescuer = worker(
        f"filemail:///{tmp_path}",
        one_shot=False,
        TASKS_STALLED_AFTER="2",
        TASKS_STALLED_SWEEP_CRON="* * * * * *",
    )
    try:
        assert wait_for(lambda: email_job().status == "succeeded", seconds=40), "not delivered"
    finally:
        rescuer.terminate()
        rescuer.wait(timeout=20)
    sent = "".join(path.read_text() for path in tmp_path.iterdir())
    assert sent.count("Do not lose me.") == 1


@pytest.mark.django_db
def test_a_comment_decided_before_the_worker_runs_sends_nothing(
    post, make_comment, moderator, mailoutbox
):
    """The worker asks moderators only about comments that still wait for them."""
    from comments.notifications import notify_pending_comment

    comment = make_comment(post, status="approved")
    notify_pending_comment(comment.pk, "http://testserver")
    assert mailoutbox == []
    pending = make_comment(post, status="pending")
    notify_pending_comment(pending.pk, "http://testserver")
    assert len(mailoutbox) == 1
