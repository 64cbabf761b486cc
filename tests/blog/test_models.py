from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from blog.models import Post

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_scheduled_posts(make_post):
    """Only published posts whose date has come are public."""
    live = make_post()
    make_post(status=Post.Status.DRAFT)
    make_post(published_at=timezone.now() + timedelta(days=1))
    assert list(Post.objects.published()) == [live]


def test_previews_follow_admin_rights(make_post, make_author, django_user_model):
    """visible_to() is the single rule behind previews: own drafts, or all for editors."""
    live = make_post()
    draft = make_post(status=Post.Status.DRAFT)
    superuser = django_user_model.objects.create_superuser("root", password="pw")
    colleague = make_author("colleague").user
    reader = django_user_model.objects.create_user("reader", password="pw")
    assert set(Post.objects.visible_to(superuser)) == {live, draft}
    assert set(Post.objects.visible_to(draft.author.user)) == {live, draft}
    assert set(Post.objects.visible_to(colleague)) == {live}
    assert set(Post.objects.visible_to(reader)) == {live}


def test_publishing_without_a_date_stamps_now(author):
    """Publishing without a date publishes immediately."""
    post = Post.objects.create(
        title="T", slug="t", author=author, body="<p>x</p>", status=Post.Status.PUBLISHED
    )
    assert post.published_at is not None
    assert post.published_at <= timezone.now()
    assert post.is_public


def test_database_refuses_published_post_without_date(make_post):
    """The invariant lives in the database, not only in save()."""
    post = make_post()
    with pytest.raises(IntegrityError):
        Post.objects.filter(pk=post.pk).update(published_at=None)


def test_slug_is_unique(make_post):
    """Two posts cannot share a URL."""
    post = make_post()
    with pytest.raises(IntegrityError):
        Post.objects.create(title="Other", slug=post.slug, author=post.author, body="x")


def test_body_is_sanitized_when_saved(author):
    """What is stored is already safe to render."""
    post = Post.objects.create(
        title="T",
        slug="t",
        author=author,
        body='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x()">l</a></p>',
    )
    post.refresh_from_db()
    assert "onclick" not in post.body
    assert "<script" not in post.body
    assert "javascript:" not in post.body
    assert post.body.startswith("<p>Hi ")


def test_names_and_urls(make_post):
    """Every model names itself and knows its page."""
    post = make_post(title="Streets")
    tag = post.tags.create(name="Cities", slug="cities")
    media = post.media.create(url="https://youtu.be/aqz-KE-bpKQ", title="Clip")
    assert str(post) == "Streets"
    assert str(post.author) == post.author.display_name
    assert str(tag) == "Cities"
    assert str(media) == "Clip"
    assert post.get_absolute_url() == f"/posts/{post.slug}/"
    assert post.author.get_absolute_url() == f"/authors/{post.author.slug}/"
    assert tag.get_absolute_url() == "/tags/cities/"
    assert media.get_absolute_url() == f"/posts/{post.slug}/#media-{media.pk}"


def test_media_credit_defaults_to_the_author(make_post):
    """Related media is credited to the post's author unless a credit is given."""
    post = make_post()
    video = post.media.create(url="https://youtu.be/aqz-KE-bpKQ", title="Clip")
    link = post.media.create(url="https://example.org/report", title="Report", credit="Via X")
    assert video.credit_line == f"Related video added by {post.author.display_name}"
    assert link.credit_line == "Via X"
