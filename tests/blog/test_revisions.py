"""A post's revisions in the admin: kept on every save that changes its text, listed, shown,
restored, and only to someone who may edit the post."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User

from blog.models import PostRevision

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"


@pytest.fixture
def mara(author, client):
    """The post's author, logged in."""
    client.force_login(author.user)
    return author


@pytest.fixture
def draft(make_post, author):
    return make_post(title="Rivers in the city", status="draft")


def _save(client, post, post_change_form, **changes):
    url = f"/admin/blog/post/{post.pk}/change/"
    return client.post(url, post_change_form(post, **changes), follow=True)


def _revisions_url(post):
    return f"/admin/blog/post/{post.pk}/revisions/"


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def test_a_new_post_keeps_its_first_version(client, mara):
    """Adding a post in the admin writes its first revision, by its author."""
    data = {
        "title": "Night trains",
        "slug": "night-trains",
        "standfirst": "",
        "body": "<p>Paris to Vienna.</p>",
        "_workflow": "draft",
        "media-TOTAL_FORMS": "0",
        "media-INITIAL_FORMS": "0",
    }
    client.post("/admin/blog/post/add/", data)
    (revision,) = PostRevision.objects.filter(post__slug="night-trains")
    assert (revision.title, revision.body) == ("Night trains", "<p>Paris to Vienna.</p>")
    assert revision.author_of_change == mara.user


def test_an_edit_keeps_the_earlier_text_and_the_new_one(client, mara, draft, post_change_form):
    """The first edit of an older post keeps the text it replaces, then the saved version."""
    _save(client, draft, post_change_form, body="<p>Body of post 1, now longer.</p>")
    newest, earlier = PostRevision.objects.filter(post=draft)
    assert earlier.body == "<p>Body of post 1.</p>"
    assert earlier.author_of_change is None
    assert newest.body == "<p>Body of post 1, now longer.</p>"
    assert newest.author_of_change == mara.user
    assert newest.summary == "body +12/−0 characters"


def test_a_save_that_leaves_the_text_alone_keeps_no_revision(client, mara, draft, post_change_form):
    """Publishing without touching the text adds no revision."""
    _save(client, draft, post_change_form, status="published")
    assert not PostRevision.objects.filter(post=draft).exists()


def test_the_change_form_lists_who_changed_what_when(client, mara, draft, post_change_form):
    """The change form's Revisions section says when, who and what changed, and links all."""
    _save(client, draft, post_change_form, title="Rivers under the city")
    response = client.get(f"/admin/blog/post/{draft.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Title changed" in content
    assert ">mara</bdi>" in content
    assert f'href="{_revisions_url(draft)}"' in content


def test_the_revision_list_costs_a_fixed_number_of_queries(
    client, mara, draft, post_change_form, django_assert_max_num_queries
):
    """Thirty revisions list with the same few queries as one."""
    for number in range(30):
        _save(client, draft, post_change_form, body=f"<p>Version {number}.</p>")
    with django_assert_max_num_queries(8):
        response = client.get(_revisions_url(draft))
    assert response.content.decode().count("Body +") == 30


def test_a_revision_page_shows_its_text_sanitised(client, mara, draft, post_change_form):
    """A revision's page shows its title, standfirst and body, and how it differs from now."""
    _save(client, draft, post_change_form, body="<p>Second <em>draft</em>.</p>")
    earlier = PostRevision.objects.filter(post=draft).last()
    response = client.get(earlier.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "<p>Body of post 1.</p>" in content
    assert "Compared with the post now: body" in content
    assert "Restore this version" in content


def test_restore_puts_the_text_back_and_says_so(client, mara, draft, post_change_form):
    """Restore brings back the version's text, keeps it as a new revision and names it."""
    _save(client, draft, post_change_form, title="Rivers under the city", body="<p>New.</p>")
    newest = PostRevision.objects.filter(post=draft).first()
    PostRevision.objects.filter(pk=newest.pk).update(
        created_at=datetime(2025, 12, 3, 8, 0, tzinfo=BERLIN)
    )
    _save(client, draft, post_change_form, title="Something else", body="<p>Else.</p>")

    response = client.post(newest.get_absolute_url(), follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/blog/post/{draft.pk}/change/"
    assert "Restored the version of 3 December 2025, 08:00 CET by mara." in _messages(response)
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("Rivers under the city", "<p>New.</p>")
    restored = PostRevision.objects.filter(post=draft).first()
    assert restored.summary.startswith("restored the version of 3 December 2025, 08:00 CET")
    assert restored.author_of_change == mara.user


def test_restoring_the_current_text_changes_nothing(client, mara, draft, post_change_form):
    """Restoring the version the post already has says so and keeps no revision."""
    _save(client, draft, post_change_form, body="<p>New.</p>")
    newest = PostRevision.objects.filter(post=draft).first()
    response = client.post(newest.get_absolute_url(), follow=True)
    assert any("already has" in message for message in _messages(response))
    assert PostRevision.objects.filter(post=draft).count() == 2


def test_an_editor_restores_another_authors_post(client, mara, draft, post_change_form):
    """An editor, who edits every post, sees and restores its revisions."""
    _save(client, draft, post_change_form, body="<p>New.</p>")
    earlier = PostRevision.objects.filter(post=draft).last()
    editor = User.objects.create_user("eddie", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(_revisions_url(draft)).status_code == 200
    client.post(earlier.get_absolute_url())
    draft.refresh_from_db()
    assert draft.body == "<p>Body of post 1.</p>"
    assert PostRevision.objects.filter(post=draft).first().author_of_change == editor


def test_another_author_gets_403(client, mara, draft, post_change_form, make_author):
    """Another author can neither read nor restore the post's revisions."""
    _save(client, draft, post_change_form, body="<p>New.</p>")
    earlier = PostRevision.objects.filter(post=draft).last()
    client.force_login(make_author("ines").user)
    assert client.get(_revisions_url(draft)).status_code == 403
    assert client.get(earlier.get_absolute_url()).status_code == 403
    assert client.post(earlier.get_absolute_url()).status_code == 403
    draft.refresh_from_db()
    assert draft.body == "<p>New.</p>"


def test_a_moderator_sees_the_post_but_not_its_revisions(client, mara, draft, moderator):
    """A moderator, who may view but not edit the post, has no Revisions section and a 403."""
    client.force_login(moderator)
    response = client.get(f"/admin/blog/post/{draft.pk}/change/")
    assert response.status_code == 200
    assert "All revisions" not in response.content.decode()
    assert client.get(_revisions_url(draft)).status_code == 403


def test_a_revision_of_another_post_or_a_missing_post_is_not_found(client, mara, draft, make_post):
    """A revision id under the wrong post, or a post that does not exist, answers 404."""
    other = make_post()
    revision = PostRevision.objects.create(post=other, title="x", body="<p>x</p>")
    assert client.get(f"/admin/blog/post/{draft.pk}/revisions/{revision.pk}/").status_code == 404
    assert client.get("/admin/blog/post/999999/revisions/").status_code == 404
