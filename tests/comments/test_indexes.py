"""The indexes the issue promises serve their queries, on a table the planner has analysed."""

import pytest
from django.db import connection

from comments.models import PENDING_FIRST, Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_site(make_post):
    """Thousands of comments across posts and statuses, with statistics gathered."""
    posts = [make_post() for _ in range(4)]
    statuses = list(Comment.Status)
    roots = Comment.objects.bulk_create(
        Comment(
            post=posts[n % 4],
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.net",
            body="A thought.",
            body_html="<p>A thought.</p>",
            status=statuses[n % 4],
        )
        for n in range(1000)
    )
    Comment.objects.bulk_create(
        Comment(
            post=root.post,
            parent=root,
            root=root,
            depth=1,
            author_name=f"Replier {n}",
            author_email=f"replier{n}@example.net",
            body="A reply.",
            body_html="<p>A reply.</p>",
            status=statuses[n % 4],
        )
        for n, root in enumerate(roots * 3)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    return posts, roots


def test_commenter_history_uses_the_case_insensitive_email_index(busy_site):
    query = Comment.objects.filter(author_email__iexact="Reader1@Example.net", status="spam")
    assert "comment_email_status_idx" in query.order_by().explain()


def test_known_browser_lookup_uses_the_browser_index(busy_site):
    query = Comment.objects.approved().filter(browser_key="a" * 64, user__isnull=True)
    assert "comment_approved_browser_idx" in query.order_by().explain()


def test_replies_of_a_page_use_the_approved_thread_index(busy_site):
    posts, roots = busy_site
    page = [root.pk for root in roots[:200] if root.post == posts[0]]
    query = Comment.objects.filter(post=posts[0]).approved().filter(root__in=page)
    assert "comment_approved_thread_idx" in query.explain()


def test_moderation_queue_by_status_uses_the_queue_index(busy_site):
    query = Comment.objects.filter(status=Comment.Status.PENDING).order_by("-created_at")[:50]
    assert "comment_queue_idx" in query.explain()


def test_the_queue_all_tab_reads_its_first_page_from_its_index(busy_site):
    """Pending first, then newest: the first page without sorting the table."""
    query = Comment.objects.order_by(PENDING_FIRST.asc(), "-created_at", "-id")[:50]
    assert "comment_queue_all_idx" in query.explain()
