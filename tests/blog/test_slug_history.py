"""A renamed post keeps its old addresses: pages redirect for good, comments still land."""

import pytest
from django.test import Client

from blog.models import FormerSlug, Post
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_author(client, author):
    """The client, logged in as the author who writes the posts."""
    client.force_login(author.user)
    return client


@pytest.fixture
def rename(as_author, post_change_form):
    """``rename(post, slug)`` through the admin, as its author does."""

    def rename(post, slug):
        form = post_change_form(post, slug=slug)
        response = as_author.post(f"/admin/blog/post/{post.pk}/change/", form)
        assert response.status_code == 302, response.content.decode()
        post.refresh_from_db()
        assert post.slug == slug

    return rename


def test_renamed_post_redirects_its_old_address_for_good(post, rename):
    """After a rename in the admin, the old URL answers 301 to the new one."""
    rename(post, "a-better-name")
    reader = Client()

    response = reader.get("/posts/post-1/")

    assert response.status_code == 301
    assert response["Location"] == "/posts/a-better-name/"
    assert "max-age=3600" in response["Cache-Control"]
    page = reader.get("/posts/a-better-name/")
    assert page.status_code == 200
    assert post.title in page.content.decode()


def test_redirect_keeps_the_query_string_and_leaves_the_fragment_to_the_browser(post, rename):
    """Links to a comment page keep their query; the Location carries no #fragment of its own."""
    rename(post, "renamed")

    response = Client().get("/posts/post-1/", {"cpage": "2", "utm_source": "feed"})

    assert response.status_code == 301
    assert response["Location"] == "/posts/renamed/?cpage=2&utm_source=feed"


def test_comment_sent_to_the_old_address_lands_on_the_post(post, comment_data, rename):
    """A reader who opened the form before the rename still gets their comment stored."""
    data = comment_data(post, body="Typed while the slug changed.")
    rename(post, "renamed-meanwhile")

    response = Client().post("/posts/post-1/comment/", data)

    assert response.status_code == 302
    assert response["Location"].startswith("/posts/renamed-meanwhile/")
    comment = Comment.objects.get(body="Typed while the slug changed.")
    assert comment.post == post


def test_chained_renames_all_lead_to_the_current_address(post, rename):
    """a → b → c: both a and b redirect straight to c (no chain of redirects)."""
    rename(post, "second-name")
    rename(post, "third-name")
    reader = Client()

    for old in ("post-1", "second-name"):
        response = reader.get(f"/posts/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/posts/third-name/"
    assert set(post.former_slugs.values_list("slug", flat=True)) == {"post-1", "second-name"}


def test_renaming_back_to_a_former_slug_serves_the_page_there(post, rename):
    """a → b → a: a is the page again (no loop), b redirects to it."""
    rename(post, "detour")
    rename(post, "post-1")
    reader = Client()

    assert reader.get("/posts/post-1/").status_code == 200
    response = reader.get("/posts/detour/")
    assert response.status_code == 301
    assert response["Location"] == "/posts/post-1/"
    assert list(post.former_slugs.values_list("slug", flat=True)) == ["detour"]


def test_a_drafts_former_slug_is_as_hidden_as_the_draft(as_author, make_post, comment_data, rename):
    """Readers get 404 at a draft's old address; its author's preview follows it, uncached."""
    draft = make_post(status=Post.Status.DRAFT)
    old = draft.slug
    rename(draft, "draft-renamed")
    reader = Client()

    assert reader.get(f"/posts/{old}/").status_code == 404
    assert reader.get("/posts/draft-renamed/").status_code == 404
    assert reader.post(f"/posts/{old}/comment/", comment_data(draft)).status_code == 404
    preview = as_author.get(f"/posts/{old}/")
    assert preview.status_code == 301
    assert preview["Location"] == "/posts/draft-renamed/"
    assert "no-store" in preview["Cache-Control"]


def test_unpublishing_hides_the_old_addresses_too(post, rename):
    """A published post renamed then taken back to draft leaks its new slug nowhere."""
    rename(post, "then-withdrawn")
    post.status = Post.Status.DRAFT
    post.save()

    response = Client().get("/posts/post-1/")

    assert response.status_code == 404
    assert "then-withdrawn" not in response.content.decode()


def test_a_new_post_may_not_take_another_posts_former_slug(
    as_author, post, rename, post_change_form
):
    """The admin refuses a former slug for a new post, saying why; the old links stay put."""
    rename(post, "moved-on")
    form = post_change_form(post, title="An impostor", slug="post-1", status="draft")
    form.update(published_at_0="", published_at_1="")

    response = as_author.post("/admin/blog/post/add/", form)

    assert response.status_code == 200
    assert FormerSlug.TAKEN_MESSAGE in response.content.decode()
    assert not Post.objects.filter(title="An impostor").exists()
    assert Client().get("/posts/post-1/")["Location"] == "/posts/moved-on/"


def test_a_rename_may_not_take_another_posts_former_slug(
    as_author, post, make_post, rename, post_change_form
):
    """Renaming a second post to the first one's old slug is refused the same way."""
    other = make_post(title="The other one")
    rename(post, "moved-on")

    response = as_author.post(
        f"/admin/blog/post/{other.pk}/change/", post_change_form(other, slug="post-1")
    )

    assert response.status_code == 200
    assert FormerSlug.TAKEN_MESSAGE in response.content.decode()
    other.refresh_from_db()
    assert other.slug != "post-1"


def test_a_slug_a_post_has_now_means_that_post(make_post):
    """Data that skipped validation still resolves: the current owner of a slug wins."""
    first = make_post(title="First owner")
    first.slug = "moved"
    first.save()
    second = make_post(title="Second owner")
    Post.objects.filter(pk=second.pk).update(slug="post-1")  # no save(): history untouched
    reader = Client()

    response = reader.get("/posts/post-1/")

    assert response.status_code == 200
    assert "Second owner" in response.content.decode()
    assert Post.objects.at_slug("post-1") == second
    # A save that takes the slug over drops it from the first post's history.
    second.refresh_from_db()
    second.save()
    assert not FormerSlug.objects.filter(slug="post-1").exists()


def test_deleting_a_post_frees_its_former_slugs(make_post):
    """Old addresses die with their post and can be used again."""
    post = make_post()
    post.slug = "renamed"
    post.save()
    post.delete()

    assert not FormerSlug.objects.exists()
    reused = Post(title="Reused", slug="post-1", author=post.author, body="<p>Hi.</p>")
    reused.full_clean()
