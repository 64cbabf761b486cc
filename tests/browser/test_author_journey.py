"""An author's path from the admin to the published site, in a real browser."""

import re
from xml.etree import ElementTree

from playwright.sync_api import expect

from .conftest import YOUTUBE_EMBED_PREFIX, YOUTUBE_URL

ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = "A bus lane in every street"
SLUG = "a-bus-lane-in-every-street"


def test_author_drafts_previews_and_publishes_a_post_with_a_video(page, make_author, log_in):
    """An author writes a post with a video in the admin, previews the draft, then publishes it."""
    from blog.models import Post

    author = make_author("ines", display_name="Inès Laurent")
    log_in(page, "ines")

    page.get_by_role("link", name="Posts", exact=True).click()
    page.get_by_role("link", name="Add post").click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_title").blur()  # as leaving the field does: the admin then fills the slug
    expect(page.locator("#id_slug")).to_have_value(SLUG)  # filled in from the title
    page.locator("#id_standfirst").fill("Buses are fast when nothing is in their way.")
    page.get_by_role("textbox", name="Body").fill("Paint is cheap. Time is not.")
    expect(page.locator("#id_slug")).to_have_value(SLUG)  # and only from the title
    expect(page.locator(".field-publishing_state")).to_contain_text("Draft")

    page.get_by_text("Add another Related media").click()
    page.locator("#id_media-0-url").fill(YOUTUBE_URL)
    page.locator("#id_media-0-title").fill("Bus lanes, explained in four minutes")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist")).to_contain_text(f"“{TITLE}” saved as a draft.")

    page.locator(".object-tools").get_by_role("link", name="View on site").click()
    expect(page).to_have_url(re.compile(f"/posts/{SLUG}/$"))
    expect(page.locator(".preview-banner")).to_contain_text("Preview — not published")
    expect(page.locator(".related-media iframe")).to_have_attribute(
        "src", re.compile("^" + re.escape(YOUTUBE_EMBED_PREFIX))
    )

    page.go_back()
    # The date is left empty: publishing means now.
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(f"“{TITLE}” is published.")
    post = Post.objects.get(slug=SLUG)
    assert (post.author, post.status, post.media.count()) == (author, "published", 1)

    page.goto("/")
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    page.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.locator(".preview-banner")).to_have_count(0)
    expect(page.locator(".post-header .meta")).to_contain_text(author.display_name)

    feed = page.request.get("/feed/")
    assert feed.ok, feed.status
    entries = ElementTree.fromstring(feed.body()).findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert TITLE in titles
    entry = entries[titles.index(TITLE)]
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/posts/{SLUG}/")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == author.display_name


def test_publishing_a_draft_with_no_date_publishes_it_now(page, make_author, make_post, log_in):
    """Publishing a draft in the admin with no date publishes it now, as the help text says."""
    author = make_author("ines", display_name="Inès Laurent")
    draft = make_post(title="Draft to publish", author=author, status="draft")
    log_in(page, "ines")
    page.goto(f"/admin/blog/post/{draft.pk}/change/")
    expect(page.locator("#id_published_at_0")).to_have_value("")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish", exact=True).click()

    assert page.locator(".errornote, .errorlist").all_inner_texts() == []
    draft.refresh_from_db()
    assert draft.is_public
