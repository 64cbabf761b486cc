"""Related media: the fallback link under each embed, ordering in the admin, and its preview."""

import pytest
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from blog.models import MediaEmbed

pytestmark = pytest.mark.django_db

YOUTUBE = "https://youtu.be/aqz-KE-bpKQ?t=1m2s"
VIMEO = "https://vimeo.com/76979871/8272103f6e"
LINK = "https://example.org/reports/trams"


def _media_form(post, rows, initial=0):
    """The post's change form as the admin posts it, with ``rows`` as the related-media forms."""
    data = {
        "title": post.title,
        "slug": post.slug,
        "standfirst": post.standfirst,
        "body": post.body,
        "status": post.status,
        "published_at_0": post.published_at.strftime("%Y-%m-%d"),
        "published_at_1": post.published_at.strftime("%H:%M:%S"),
        "media-TOTAL_FORMS": str(len(rows)),
        "media-INITIAL_FORMS": str(initial),
        "media-MIN_NUM_FORMS": "0",
        "media-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"media-{index}-{name}": value for name, value in row.items()})
        data.setdefault(f"media-{index}-credit", "")
        data.setdefault(f"media-{index}-caption", "")
    return data


@pytest.mark.parametrize(
    ("url", "watch_url", "label"),
    [
        (YOUTUBE, "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=62s", "YouTube"),
        (VIMEO, "https://vimeo.com/76979871/8272103f6e", "Vimeo"),
        ("https://vimeo.com/76979871#t=90", "https://vimeo.com/76979871#t=90s", "Vimeo"),
    ],
)
def test_every_embed_has_its_title_and_a_watch_link_under_it(client, post, url, watch_url, label):
    """Under a video, readers see its title and a link to the provider's own page for it."""
    MediaEmbed.objects.create(post=post, url=url, title="Trams & buses")
    response = client.get(post.get_absolute_url())
    assertInHTML('<span class="media-title">Trams &amp; buses</span>', response.content.decode())
    assertInHTML(
        f'<a class="media-watch" href="{watch_url}" rel="noopener nofollow">Watch on {label}'
        '<span class="visually-hidden">: Trams &amp; buses</span></a>',
        response.content.decode(),
    )


def test_a_link_card_keeps_its_link_and_gets_no_watch_link(client, post):
    """A plain link stays a link card to its URL, with no "Watch on" line."""
    MediaEmbed.objects.create(post=post, url=LINK, title="The report")
    response = client.get(post.get_absolute_url())
    assertContains(response, f'<a class="link-card" href="{LINK}"')
    assertNotContains(response, "Watch on")


def test_admin_saves_related_media_in_the_order_posted(client, make_author, make_post):
    """Positions the admin form posts (as the reorder script sets them) order the page."""
    author = make_author("ines")
    post = make_post(author=author)
    first = MediaEmbed.objects.create(post=post, url=YOUTUBE, title="First clip", position=0)
    second = MediaEmbed.objects.create(post=post, url=VIMEO, title="Second clip", position=1)
    client.force_login(author.user)
    rows = [
        {"id": first.pk, "post": post.pk, "url": YOUTUBE, "title": "First clip", "position": "2"},
        {"id": second.pk, "post": post.pk, "url": VIMEO, "title": "Second clip", "position": "0"},
        {"url": LINK, "title": "New link", "position": "1"},
    ]
    response = client.post(
        f"/admin/blog/post/{post.pk}/change/", _media_form(post, rows, initial=2)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [item.title for item in post.media.all()] == ["Second clip", "New link", "First clip"]
    page = client.get(post.get_absolute_url()).content.decode()
    assert page.index("Second clip") < page.index("New link") < page.index("First clip")


def test_admin_change_form_previews_a_saved_video_with_the_safe_frame(
    client, make_author, make_post
):
    """A saved video shows the page's own privacy-enhanced frame and its watch link in the admin."""
    author = make_author("ines")
    post = make_post(author=author)
    MediaEmbed.objects.create(post=post, url=YOUTUBE, title="The clip")
    client.force_login(author.user)
    response = client.get(f"/admin/blog/post/{post.pk}/change/")
    assertContains(
        response, 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=62"', count=1
    )
    assertContains(response, 'href="https://www.youtube.com/watch?v=aqz-KE-bpKQ&amp;t=62s"')
    assertContains(response, 'data-media-preview="/admin/blog/media-preview/"')
    assertContains(response, "js/media_order.js")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (VIMEO, 'src="https://player.vimeo.com/video/76979871?dnt=1&amp;h=8272103f6e"'),
        (LINK, "A link card to <strong>example.org</strong>"),
        ("javascript:alert(1)", "Enter a full web address starting with http:// or https://."),
        ("https://youtube.com.evil.example/watch?v=aqz-KE-bpKQ", "not an official YouTube"),
        ("", "Paste a YouTube, Vimeo or other web address"),
    ],
)
def test_preview_endpoint_renders_a_typed_url_safely(client, make_author, url, expected):
    """A typed URL is previewed as the page would show it, or with the reason it is refused."""
    client.force_login(make_author("ines").user)
    response = client.get("/admin/blog/media-preview/", {"url": url, "title": "<b>x</b>"})
    assertContains(response, expected)
    assertNotContains(response, "<b>x</b>")
    assertNotContains(response, "javascript:")


def test_preview_endpoint_is_for_staff_only(client, django_user_model):
    """A reader (anonymous or not staff) is sent to the admin login, not given a preview."""
    assert client.get("/admin/blog/media-preview/", {"url": VIMEO}).status_code == 302
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    response = client.get("/admin/blog/media-preview/", {"url": VIMEO})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
