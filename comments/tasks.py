"""Side effects of discussion events, run by the task worker from a queue in PostgreSQL.

Jobs are deferred inside the transaction that records the event, so a rolled-back comment
sends nothing and a committed one is never forgotten; the worker retries failures with
backoff, and the sweep below requeues the job of a worker killed in the middle of one.
Start the worker with ``manage.py procrastinate worker``.
"""

from django.conf import settings
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from . import services
from .models import RateCounter
from .notifications import notify_pending_comment
from .reply_emails import announce

# 14 retries over about nine hours: 2, 4, 8, … 16,384 s between attempts.
EMAIL_RETRIES = RetryStrategy(max_attempts=14, exponential_wait=2)


@app.task(name="comments.email_pending", queue="emails", retry=EMAIL_RETRIES)
def email_pending_comment(comment_id, base_url):
    """Tell moderators and the post's author that a comment waits (raises to retry)."""
    notify_pending_comment(comment_id, base_url)


@app.task(name="comments.announce", queue="emails", retry=EMAIL_RETRIES)
def announce_comment(comment_id, base_url, held=False):
    """Tell subscribers about a published comment, and its author (raises to retry)."""
    announce(comment_id, base_url, held)


@app.periodic(cron=settings.TASKS_STALLED_SWEEP_CRON)
@app.task(name="tasks.requeue_stalled", queue="maintenance", pass_context=True)
async def requeue_stalled_jobs(context, timestamp):
    """Jobs whose worker stopped sending heartbeats (killed, lost) go back to the queue."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=settings.TASKS_STALLED_AFTER):
        await manager.retry_job(job)


@app.periodic(cron="*/10 * * * *")
@app.task(name="comments.log_clock_closes", queue="maintenance")
def log_clock_closes(timestamp):
    """Closes by the clock happen when readers look; this writes them to the moderation log."""
    services.log_clock_closes()


@app.periodic(cron="17 * * * *")
@app.task(name="comments.prune_rate_counters", queue="maintenance")
def prune_rate_counters(timestamp):
    """Counters of windows that have ended only take room."""
    RateCounter.objects.filter(window_ends__lt=timezone.now()).delete()


@app.periodic(cron="29 4 * * *")
@app.task(name="comments.prune_addresses", queue="maintenance")
def prune_addresses(timestamp):
    """Commenters' IP addresses and user agents are kept COMMENTS_KEEP_ADDRESSES_DAYS days."""
    services.prune_addresses()


@app.periodic(cron="43 3 * * *")
@app.task(name="tasks.remove_old_jobs", queue="maintenance", pass_context=True)
async def remove_old_jobs(context, timestamp):
    """Finished jobs are kept a week for staff to read, failed ones until staff remove them."""
    await context.app.job_manager.delete_old_jobs(nb_hours=7 * 24, include_failed=False)
