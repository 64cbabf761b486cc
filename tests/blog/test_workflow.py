"""The post form's workflow buttons: Save draft, Preview, Schedule, Publish, Unpublish."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from blog import workflow
from blog.models import Post

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
LATER = datetime(2030, 12, 3, 8, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"


@pytest.fixture
def alice(make_author, client):
    """An author, logged in."""
    author = make_author("alice")
    client.force_login(author.user)
    return author


def _form(action=None, when=None, **overrides):
    data = {
        "title": "Rivers in the city",
        "slug": "rivers-in-the-city",
        "standfirst": "Why we buried them.",
        "body": "<p>Water first.</p>",
        "published_at_0": when.strftime("%Y-%m-%d") if when else "",
        "published_at_1": when.strftime("%H:%M:%S") if when else "",
        "media-TOTAL_FORMS": "0",
        "media-INITIAL_FORMS": "0",
        "media-MIN_NUM_FORMS": "0",
        "media-MAX_NUM_FORMS": "1000",
    }
    if action:
        data["_workflow"] = action
    data.update(overrides)
    return data


def _add(client, action, when=None, **overrides):
    return client.post("/admin/blog/post/add/", _form(action, when, **overrides), follow=True)


def _change(client, post, action, when=None):
    url = f"/admin/blog/post/{post.pk}/change/"
    return client.post(url, _form(action, when, slug=post.slug), follow=True)


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def test_save_draft_keeps_a_new_post_a_draft_and_says_so(client, alice):
    """Save draft stores a draft, stays on its form and says so in words."""
    response = _add(client, "draft", when=LATER)
    post = Post.objects.get()
    assert (post.status, post.published_at) == ("draft", LATER)
    assert response.redirect_chain[-1][0] == f"/admin/blog/post/{post.pk}/change/"
    assert _messages(response) == ["“Rivers in the city” saved as a draft."]
    assert "added successfully" not in response.content.decode()


def test_schedule_with_a_future_date_says_when_in_the_sites_time_zone(client, alice):
    """Schedule publishes later, and the message names the date and the time zone."""
    response = _add(client, "schedule", when=LATER)
    post = Post.objects.get()
    assert (post.status, post.published_at, post.is_public) == ("published", LATER, False)
    assert _messages(response) == [
        "“Rivers in the city” is scheduled for 3 December 2030, 08:00 Europe/Berlin."
    ]


@pytest.mark.parametrize("when", [None, timezone.now() - timedelta(days=1)])
def test_schedule_needs_a_future_date(client, alice, when):
    """Schedule without a date, or with a past one, is refused next to the date."""
    response = _add(client, "schedule", when=when)
    assert response.status_code == 200
    assert "give a publication date in the future" in response.content.decode()
    assert not Post.objects.exists()


def test_publish_without_a_date_publishes_now(client, alice):
    """Publish with no date publishes at once."""
    response = _add(client, "publish")
    post = Post.objects.get()
    assert post.is_public
    assert _messages(response) == ["“Rivers in the city” is published."]


def test_publish_keeps_a_past_date(client, alice):
    """Publishing with a past date back-dates the post (an old piece brought over)."""
    then = datetime(2015, 6, 1, 9, 30, tzinfo=BERLIN)
    _add(client, "publish", when=then)
    post = Post.objects.get()
    assert (post.is_public, post.published_at) == (True, then)


def test_publish_with_a_future_date_points_to_schedule(client, alice, make_post):
    """Publish with a future date is refused: Schedule is the button for that."""
    draft = make_post(author=alice, status="draft")
    response = _change(client, draft, "publish", when=LATER)
    assert "press Schedule to publish the post then" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("published_at", [LATER, datetime(2020, 1, 1, tzinfo=BERLIN)])
def test_unpublish_makes_a_draft_again_and_keeps_the_date(client, alice, make_post, published_at):
    """Unpublish turns a scheduled or published post back into a draft, date kept."""
    post = make_post(author=alice, published_at=published_at)
    response = _change(client, post, "unpublish", when=published_at)
    post.refresh_from_db()
    assert (post.status, post.published_at) == ("draft", published_at)
    assert _messages(response) == [f"“{post.title}” unpublished: it is a draft again."]


def test_preview_saves_a_draft_and_opens_its_page(client, alice):
    """Preview saves the new post as a draft and opens its (preview) page."""
    response = _add(client, "preview")
    post = Post.objects.get()
    assert post.status == "draft"
    assert response.redirect_chain[-1][0] == post.get_absolute_url()
    assert "Preview — not published" in response.content.decode()


def test_preview_keeps_a_scheduled_post_scheduled(client, alice, make_post):
    """Previewing a scheduled post keeps it scheduled, and never publishes it early; the
    preview's banner says when it goes out, with the site's time zone."""
    post = make_post(author=alice, published_at=LATER)
    response = _change(client, post, "preview", when=LATER)
    post.refresh_from_db()
    assert (post.status, post.published_at) == ("published", LATER)
    banner = f"Scheduled for {workflow.long_time(LATER)}."
    assert banner in response.content.decode()
    assert banner.endswith(f" {settings.TIME_ZONE}.")
    response = _change(client, post, "preview", when=timezone.now() - timedelta(days=1))
    assert "give a publication date in the future" in response.content.decode()
    post.refresh_from_db()
    assert post.published_at == LATER


def test_a_form_sent_without_a_button_keeps_the_state(client, alice, make_post):
    """Enter in a field (no button) keeps the post's state, whatever status is posted."""
    published = make_post(author=alice)
    url = f"/admin/blog/post/{published.pk}/change/"
    client.post(url, _form(when=published.published_at, slug=published.slug, status="draft"))
    published.refresh_from_db()
    assert published.is_public
    client.post("/admin/blog/post/add/", _form(status="published"))
    assert Post.objects.get(slug="rivers-in-the-city").status == "draft"


def test_a_form_refused_elsewhere_changes_no_state(client, alice, make_post):
    """A publish refused for another field leaves the post and its buttons as they were."""
    draft = make_post(author=alice, status="draft")
    url = f"/admin/blog/post/{draft.pk}/change/"
    response = client.post(url, _form("publish", slug=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="draft"' in html
    assert 'value="unpublish"' not in html
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize(
    ("state", "buttons"),
    [
        ("draft", ["Save draft", "Preview", "Schedule", "Publish"]),
        ("scheduled", ["Update schedule", "Preview", "Publish now", "Unpublish"]),
        ("published", ["Update", "Unpublish"]),
    ],
)
def test_change_form_offers_the_buttons_of_the_state(client, alice, make_post, state, buttons):
    """Each state offers its own actions, the one keeping the state first."""
    fields = {"draft": {"status": "draft"}, "scheduled": {"published_at": LATER}}
    post = make_post(author=alice, **fields.get(state, {}))
    response = client.get(f"/admin/blog/post/{post.pk}/change/")
    html = response.content.decode()
    labels = [label for label in buttons if f">{label}</button>" in html]
    assert labels == buttons
    assert "In Europe/Berlin time (CET)" in html
    assert "Save and add another" not in html


def test_post_list_shows_scheduled_posts_with_date_and_zone(
    client, alice, make_post, django_assert_max_num_queries
):
    """The list says Draft / Scheduled / Published, with the local date and zone."""
    make_post(title="Soon", author=alice, published_at=LATER)
    make_post(title="Old", author=alice, published_at=datetime(2020, 7, 1, 12, tzinfo=BERLIN))
    make_post(title="Unfinished", author=alice, status="draft")
    with django_assert_max_num_queries(12):
        html = client.get("/admin/blog/post/").content.decode()
    assert "Scheduled, 3 Dec 2030, 08:00 CET" in html
    assert "Published, 1 Jul 2020, 12:00 CEST" in html
    assert '<td class="field-state">Draft</td>' in html


@pytest.mark.parametrize(
    ("state", "titles"),
    [("draft", ["Unfinished"]), ("scheduled", ["Soon"]), ("published", ["Old"])],
)
def test_post_list_filters_by_state(client, alice, make_post, state, titles):
    """The status filter tells scheduled posts from published ones."""
    make_post(title="Soon", author=alice, published_at=LATER)
    make_post(title="Old", author=alice)
    make_post(title="Unfinished", author=alice, status="draft")
    response = client.get(f"/admin/blog/post/?state={state}")
    listed = [post.title for post in response.context["cl"].result_list]
    assert listed == titles
    assert "Scheduled" in response.content.decode()  # a choice of the filter


def test_an_author_cannot_unpublish_another_authors_post(client, alice, make_author, make_post):
    """Per-object permissions still hold for the workflow buttons."""
    theirs = make_post(author=make_author("bob"))
    response = client.post(
        f"/admin/blog/post/{theirs.pk}/change/", _form("unpublish", slug=theirs.slug)
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.is_public


def test_publish_now_publishes_a_scheduled_post_at_once(client, alice, make_post):
    """ "Publish now" on a scheduled post publishes it now, whatever date it had."""
    post = make_post(author=alice, published_at=LATER)
    response = _change(client, post, "publish", when=LATER)
    post.refresh_from_db()
    assert post.is_public
    assert post.published_at <= timezone.now()
    assert _messages(response) == [f"“{post.title}” is published."]


def test_the_history_names_a_status_change(client, alice, make_post):
    """The post's history says the status changed when a button changed it."""
    draft = make_post(author=alice, status="draft")
    _change(client, draft, "publish")
    html = client.get(f"/admin/blog/post/{draft.pk}/history/").content.decode()
    assert "Changed Status." in html
