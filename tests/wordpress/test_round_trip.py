"""Exporting the site and importing the file into an empty database gives the same site back."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from blog.models import Author, MediaEmbed, Post, Tag
from comments import services
from comments.closing import state_of
from comments.models import Comment, Discussion, ModerationEvent

pytestmark = pytest.mark.django_db

Status = Comment.Status
Action = ModerationEvent.Action
# WordPress dates have no fractions of a second: the site's are whole seconds here.
START = datetime(2016, 3, 1, 9, 30, tzinfo=UTC)


def at(minutes):
    return START + timedelta(minutes=minutes)


@pytest.fixture
def site(author, make_author, moderator, settings):
    """A site with every kind of post, a 10-deep thread, each status, moderation flags
    (a sub-thread hidden by a removal, replies locked, staff) and each discussion switch
    (closed, kept open past the age limit, a scheduled close, its own inactivity limit)."""
    mara, jo = author, make_author("jo", display_name="Jo Writer")
    cities = Tag.objects.create(name="Cities", slug="cities")
    night = Tag.objects.create(name="Night & day", slug="night-day")

    def make_post(slug, author, **fields):
        fields.setdefault("status", Post.Status.PUBLISHED)
        return Post.objects.create(
            title=slug.replace("-", " ").capitalize(), slug=slug, author=author, **fields
        )

    published = make_post(
        "ten-years",
        mara,
        standfirst="What a decade of comments taught us.",
        body='<p>First <em>paragraph</em>.</p><p>A <a href="https://example.org/">link</a>.</p>',
        published_at=at(0),
    )
    published.tags.set([cities, night])
    MediaEmbed.objects.create(
        post=published,
        position=0,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        title="The talk",
        credit="Related video added by Mara",
        caption="Filmed in 2015.",
    )
    scheduled = make_post(
        "coming-soon", jo, published_at=timezone.now().replace(microsecond=0) + timedelta(days=7)
    )
    make_post("half-written", jo, status=Post.Status.DRAFT, body="<p>Notes.</p>")
    closed = make_post("closed-one", mara, published_at=at(-60), body="<p>Closed.</p>")

    def add(post, minutes, parent=None, status=Status.APPROVED, **fields):
        name = fields.pop("name", f"Reader {minutes}")
        fields.setdefault("author_email", f"reader{minutes}@example.net")
        comment = Comment(
            post=post,
            parent=parent,
            status=status,
            author_name=name,
            body=fields.pop("body", f"Said at minute {minutes}.\n\nA second paragraph."),
            created_at=at(minutes),
            **fields,
        )
        return services.import_comment(comment, "Written for the test.")

    parent = None
    for depth in range(10):  # deeper than the page shows: it flattens the last levels
        parent = add(published, 10 + depth, parent, ip_address="203.0.113.7")
    for minutes, status in enumerate(Status.values, start=30):
        add(published, minutes, status=status, author_url="https://reader.example/")
    add(published, 40, name="Mara", user=mara.user, by_post_author=True)
    add(published, 41, name="Staff", by_staff=True)
    troll = add(published, 42, name="Troll")
    add(published, 43, troll, name="Fed", body="Hidden reply to the troll.")
    services.moderate(troll, Action.REMOVE, moderator, replies=services.RepliesFate.HIDE)
    services.lock_replies(add(published, 44, name="Heated"), moderator, "Cool down.")
    add(scheduled, 50)
    add(closed, 60, body="Written before it closed; & still < readable >.")
    services.close(closed, by=moderator, reason="Enough said.")
    settings.COMMENTS_CLOSE_AFTER_DAYS = 365  # the 2016 posts are closed by age...
    settings.COMMENTS_CLOSE_AFTER_INACTIVE_DAYS = 30  # ...and, earlier, by inactivity...
    services.reopen(published, moderator)  # ...but this one is kept open, active again
    Discussion.objects.filter(post=scheduled).update(closes_at=timezone.now() + timedelta(60))
    services.set_inactive_days(scheduled, 30, moderator)
    return published


def snapshot():
    """The site as a reader, an author and a moderator know it, by natural keys (no ids)."""

    def key(comment):
        return None if comment is None else (comment.author_name, comment.created_at)

    posts = {
        post.slug: {
            "title": post.title,
            "status": post.status,
            "published_at": post.published_at,
            "standfirst": post.standfirst,
            "body": post.body,
            "author": (post.author.user.username, post.author.display_name),
            "tags": sorted((tag.slug, tag.name) for tag in post.tags.all()),
            "media": [(m.url, m.title, m.credit, m.caption) for m in post.media.all()],
            "discussion": switches(post),
        }
        for post in Post.objects.select_related("author__user").prefetch_related("tags", "media")
    }
    comments = {
        (comment.post.slug, *key(comment)): {
            "answers": key(comment.in_reply_to),
            "hangs_from": key(comment.parent),
            "depth": comment.depth,
            "status": comment.status,
            "email": comment.author_email,
            "url": comment.author_url,
            "ip": comment.ip_address,
            "body": comment.body,
            "account": comment.user.username if comment.user else None,
            "by_post_author": comment.by_post_author,
            "flags": (comment.replies_hidden, comment.replies_locked, comment.by_staff),
        }
        for comment in Comment.objects.select_related("post", "parent", "in_reply_to", "user")
    }
    return posts, comments


def switches(post):
    discussion = Discussion.objects.filter(post=post).first() or Discussion()
    return {
        "closed_at": discussion.closed_at,
        "reason": discussion.close_reason,
        "keep_open": discussion.keep_open,
        "closes_at": discussion.closes_at,
        "inactive_days": discussion.inactive_days,
        "last_active_at": discussion.last_active_at,
        "readers_see_it_closed": state_of(post, discussion).closed,
    }


def test_export_then_import_into_an_empty_database_reproduces_the_site(
    site, moderator, tmp_path, client
):
    """Posts, authors, tags, media, threads at any depth, statuses, moderation flags and
    discussion switches come back; a hidden sub-thread stays hidden from readers."""
    page = site.get_absolute_url()
    assert "Hidden reply to the troll." not in client.get(page).text
    before = snapshot()
    assert before[1][("ten-years", "Reader 19", at(19))]["depth"] < 9  # flattened on the page
    export = tmp_path / "site.xml"
    call_command(
        "export_wordpress", output=str(export), site_url="https://old.example", stderr=StringIO()
    )

    ModerationEvent.objects.all().delete()
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.exclude(pk=moderator.pk).delete()
    assert snapshot() == ({}, {})

    out = StringIO()
    call_command("import_wordpress", str(export), stdout=out, stderr=StringIO())

    after = snapshot()
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert len(after[1]) == 22
    assert after[0]["ten-years"]["discussion"]["keep_open"]
    assert after[0]["closed-one"]["discussion"]["reason"] == "Enough said."
    assert after[0]["coming-soon"]["discussion"]["inactive_days"] == 30
    assert after[0]["coming-soon"]["discussion"]["closes_at"]
    fed = Comment.objects.get(author_name="Fed")
    assert fed.status == Status.APPROVED
    assert fed.parent.replies_hidden
    response = client.get(Post.objects.get(slug="ten-years").get_absolute_url())
    assert response.status_code == 200
    assert "Said at minute 40." in response.text
    assert "Hidden reply to the troll." not in response.text
    chain = [c for c in after[1].values() if c["ip"] == "203.0.113.7"]
    assert sum(c["answers"] is not None for c in chain) == 9  # all nine links of ten levels
