"""Exporting the site and importing the file into an empty database gives the same site back."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from blog.models import Author, MediaEmbed, Post, Tag
from comments import services
from comments.models import Comment, Discussion, ModerationEvent

pytestmark = pytest.mark.django_db

Status = Comment.Status
# WordPress dates have no fractions of a second: the site's are whole seconds here.
START = datetime(2016, 3, 1, 9, 30, tzinfo=UTC)


def at(minutes):
    return START + timedelta(minutes=minutes)


@pytest.fixture
def site(author, make_author, moderator):
    """A site with every kind of post, a 10-deep thread, each status and a closed discussion."""
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
    add(scheduled, 50)
    add(closed, 60, body="Written before it closed; & still < readable >.")
    services.close(closed, by=moderator, reason="Enough said.")
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
            "closed": Discussion.objects.filter(post=post, closed_at__isnull=False).exists(),
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
        }
        for comment in Comment.objects.select_related("post", "parent", "in_reply_to", "user")
    }
    return posts, comments


def test_export_then_import_into_an_empty_database_reproduces_the_site(site, moderator, tmp_path):
    """Posts, authors, tags, media, threads at any depth, statuses and switches come back."""
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
    assert len(after[1]) == 18
    chain = [c for c in after[1].values() if c["ip"] == "203.0.113.7"]
    assert sum(c["answers"] is not None for c in chain) == 9  # all nine links of ten levels
