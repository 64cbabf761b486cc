"""import_wordpress: comments with their statuses, people, thread and the discussion switch."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from procrastinate.contrib.django.models import ProcrastinateJob

from comments.models import Comment, Discussion, ModerationEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(import_wordpress):
    return import_wordpress("blog.xml")


def by_name(name):
    return Comment.objects.get(author_name=name)


def test_statuses_map_from_wordpress(imported):
    """1 → approved, 0 → pending, spam → spam, trash → trash, and our own status in
    _blog_comment_status (rejected) wins over WordPress's trash."""
    assert by_name("Carol").status == Comment.Status.APPROVED
    assert by_name("Erin Waiting").status == Comment.Status.PENDING
    assert by_name("Cheap Pills").status == Comment.Status.SPAM
    assert by_name("Frank").status == Comment.Status.TRASH
    assert by_name("Grace").status == Comment.Status.REJECTED
    assert imported.count("Comments created") == 9


def test_pingbacks_and_trackbacks_are_skipped_and_counted(imported):
    """This site has no pingbacks: they are left out, and counted."""
    assert not Comment.objects.filter(author_name__in=["Some Blog", "Other Blog"]).exists()
    assert imported.count("Pingbacks skipped") == 1
    assert imported.count("Trackbacks skipped") == 1


def test_people_dates_and_addresses(imported):
    """Names are decoded, valid emails/URLs/IPs kept, invalid ones dropped, dates in UTC."""
    carol = by_name("Carol")
    assert (carol.author_email, carol.author_url, carol.ip_address) == (
        "carol@example.net",
        "https://carol.example.net/",
        "203.0.113.7",
    )
    assert carol.created_at == datetime(2016, 3, 2, 11, 0, tzinfo=UTC)
    dan = by_name("Dan & Co")
    assert (dan.author_email, dan.author_url, dan.ip_address) == ("", "", None)
    assert by_name("Alice Writer").ip_address == "2001:db8::1"


def test_a_comment_by_the_posts_author_is_theirs(imported):
    """wp:comment_user_id naming the post's author links the account and marks it."""
    alice = by_name("Alice Writer")
    assert alice.user.username == "alice"
    assert alice.by_post_author
    assert by_name("Carol").user is None


def test_wordpress_markup_is_mapped_not_escaped(imported):
    """<b>/<i> become strong/em; tags comments do not keep go, their text stays."""
    dan = by_name("Dan & Co")
    assert dan.body_html == (
        "<p><strong>Great</strong> post, truly bad good.</p><p>Second paragraph.</p>"
    )
    assert by_name("Carol").body_html == "<p>I answer Dan: <em>quite</em> right.</p>"


def test_replies_keep_the_comment_they_answer(imported):
    """wp:comment_parent → the answered comment, even when it comes later in the file."""
    dan = by_name("Dan & Co")
    assert by_name("Carol").parent == dan
    assert by_name("Carol").in_reply_to == dan
    assert by_name("Alice Writer").in_reply_to == dan


def test_a_reply_to_a_comment_missing_from_the_file_is_top_level(imported):
    """Its parent is gone: shown at the top level, and reported."""
    heidi = by_name("Heidi")
    assert heidi.parent is None
    assert heidi.in_reply_to is None
    assert "Comment 110 on “Hello & welcome” answers comment 999, which is not in the file" in (
        imported
    )


def test_ten_levels_keep_ten_parent_links(import_wordpress, client):
    """A thread ten deep keeps every answered comment; the page flattens it at the max depth."""
    import_wordpress("deep_thread.xml")
    chain = []
    comment = by_name("Level 10")
    while comment is not None:
        chain.append(comment.author_name)
        comment = comment.in_reply_to
    assert chain == [f"Level {n}" for n in range(10, 0, -1)]
    deepest = settings.COMMENTS_MAX_DEPTH - 1
    assert by_name("Level 10").depth == deepest
    assert by_name("Level 10").parent == by_name("Level 9").parent
    assert {by_name(f"Level {n}").depth for n in range(1, 11)} == {0, 1, 2, 3, deepest}
    page = client.get("/posts/a-long-argument/").content.decode()
    assert all(f"Reply at level {n}." in page for n in range(1, 11))
    assert "in reply to" in page


def test_imported_comments_email_nobody(imported, mailoutbox):
    """Importing queues no notification job and sends no email; each arrival is logged."""
    assert mailoutbox == []
    assert not ProcrastinateJob.objects.exists()
    assert ModerationEvent.objects.filter(action="submit").count() == 9


def test_a_closed_discussion_stays_closed_and_readable(imported, client):
    """wp:comment_status closed → the discussion's close switch, its comments still shown."""
    discussion = Discussion.objects.get(post__slug="an-old-debate")
    assert discussion.closed_at is not None
    assert discussion.close_reason == "Closed on WordPress before the import."
    page = client.get("/posts/an-old-debate/").content.decode()
    assert "Comments are closed." in page
    assert "An argument kept after the close." in page
    assert Discussion.objects.get(post__slug="hello-world").closed_at is None


def test_reader_sees_approved_comments_only(imported, client):
    """Pending, spam, rejected and trashed imports stay hidden from readers."""
    page = client.get("/posts/hello-world/").content.decode()
    assert "quite</em> right." in page
    assert "Thank you all." in page
    for hidden in ("Held for moderation", "Spam text", "Binned text", "Rejected here"):
        assert hidden not in page, hidden
