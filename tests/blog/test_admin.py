import pytest
from django.contrib.auth.models import Group

from blog.models import MediaEmbed, Post

pytestmark = pytest.mark.django_db


def _post_form(**overrides):
    data = {
        "title": "Rivers in the city",
        "slug": "rivers-in-the-city",
        "standfirst": "Why we buried them.",
        "body": "<p>Water first.</p>",
        "published_at_0": "",
        "published_at_1": "",
        "media-TOTAL_FORMS": "0",
        "media-INITIAL_FORMS": "0",
        "media-MIN_NUM_FORMS": "0",
        "media-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def authors(make_author, make_post, client):
    """Two authors, each with a post; the client is logged in as the first."""
    alice, bob = make_author("alice"), make_author("bob")
    client.force_login(alice.user)
    return alice, bob, make_post(author=alice), make_post(author=bob)


def test_author_lists_only_their_own_posts(client, authors):
    """The changelist shows an author their own posts, not a colleague's."""
    _, _, mine, theirs = authors
    response = client.get("/admin/blog/post/")
    assert response.status_code == 200
    assert mine.title in response.content.decode()
    assert theirs.title not in response.content.decode()


@pytest.mark.parametrize("suffix", ["change/", "delete/", "history/"])
def test_author_cannot_open_another_authors_post_by_url(client, authors, suffix):
    """Another author's post answers 403 even by direct URL."""
    _, _, _, theirs = authors
    assert client.get(f"/admin/blog/post/{theirs.pk}/{suffix}").status_code == 403


def test_author_cannot_change_another_authors_post_by_post(client, authors):
    """A forged POST to another author's post changes nothing."""
    _, _, _, theirs = authors
    response = client.post(f"/admin/blog/post/{theirs.pk}/change/", _post_form(title="Hacked"))
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.title != "Hacked"


def test_new_post_is_credited_to_its_author_whatever_is_posted(client, authors):
    """The author field is theirs and not editable, even by a forged form."""
    alice, bob, _, _ = authors
    response = client.post("/admin/blog/post/add/", _post_form(author=bob.pk))
    assert response.status_code == 302
    assert Post.objects.get(slug="rivers-in-the-city").author == alice
    form_page = client.get("/admin/blog/post/add/").content.decode()
    assert 'name="author"' not in form_page


def test_author_edits_own_post_with_inline_media(client, authors):
    """Media embeds are edited inline on the author's own post."""
    _, _, mine, _ = authors
    data = _post_form(
        title=mine.title,
        slug=mine.slug,
        published_at_0="2025-01-02",
        published_at_1="10:00:00",
        **{
            "media-TOTAL_FORMS": "1",
            "media-0-url": "https://youtu.be/aqz-KE-bpKQ?t=1m2s",
            "media-0-title": "The clip",
            "media-0-position": "0",
            "media-0-credit": "",
            "media-0-caption": "Shot in 2008.",
        },
    )
    response = client.post(f"/admin/blog/post/{mine.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    media = MediaEmbed.objects.get(post=mine)
    assert media.media.embed_src == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=62"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "https://youtube.com.evil.example/watch?v=aqz-KE-bpKQ",
        "https://user:secret@example.org/",
        "https://www.youtube.com@evil.example/",
    ],
)
def test_hostile_media_urls_are_refused_with_a_message(client, authors, url):
    """The admin form refuses hostile media URLs beside the field and stores nothing."""
    _, _, mine, _ = authors
    data = _post_form(
        title=mine.title,
        slug=mine.slug,
        **{
            "media-TOTAL_FORMS": "1",
            "media-0-url": url,
            "media-0-title": "Bad",
            "media-0-position": "0",
        },
    )
    response = client.post(f"/admin/blog/post/{mine.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[0]["url"]
    assert not MediaEmbed.objects.exists()


def test_an_author_without_a_profile_is_not_offered_a_new_post(client, django_user_model):
    """Posts are credited to an author profile; without one, "Add post" is not offered."""
    user = django_user_model.objects.create_user("newcomer", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Authors"))
    client.force_login(user)
    assert client.get("/admin/blog/post/add/").status_code == 403
    response = client.post("/admin/blog/post/add/", _post_form())
    assert response.status_code == 403
    assert not Post.objects.exists()
    assert 'href="/admin/blog/post/add/"' not in client.get("/admin/").content.decode()


def test_editor_sees_and_edits_every_post(client, authors, django_user_model):
    """Editors (and superusers) work on all posts."""
    _, _, mine, theirs = authors
    editor = django_user_model.objects.create_user(username="ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    html = client.get("/admin/blog/post/").content.decode()
    assert mine.title in html
    assert theirs.title in html
    assert client.get(f"/admin/blog/post/{theirs.pk}/change/").status_code == 200


def test_changelist_tools(admin_client, make_post, django_assert_max_num_queries):
    """Status, date, author columns, preview links and filters, at a fixed query cost."""
    draft = make_post(status=Post.Status.DRAFT)
    for _ in range(10):
        make_post()
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/blog/post/")
    html = response.content.decode()
    assert f'<a href="{draft.get_absolute_url()}">Preview</a>' in html
    assert "By status" in html
    assert "published_at__year=" in html  # the date hierarchy
    assert admin_client.get("/admin/blog/post/?q=number").status_code == 200
    change = admin_client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
    assert "View on site" in change


def test_author_is_told_what_markup_was_removed(client, authors):
    """Saving a body the policy trims warns the author, naming each kind of markup removed."""
    _, _, mine, _ = authors
    body = '<p onclick="x()">Hi <a href="javascript:go()">there</a></p><script>steal()</script>'
    response = client.post(
        f"/admin/blog/post/{mine.pk}/change/", _post_form(body=body), follow=True
    )
    assert response.status_code == 200
    shown = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert (
        "warning",
        "Some markup was removed: onclick attributes, javascript: links, "
        "<script> (with its content).",
    ) in shown
    mine.refresh_from_db()
    assert mine.body == "<p>Hi <a>there</a></p>"


def test_clean_body_saves_without_a_warning(client, authors):
    """A body within the policy saves with no markup warning."""
    response = client.post("/admin/blog/post/add/", _post_form(), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
