"""A reader's path through the site, in a real browser."""

import re

from playwright.sync_api import expect

from .conftest import YOUTUBE_EMBED_PREFIX


def test_reader_follows_a_post_to_its_video_and_its_author(page, published_post):
    """From the home page a reader reaches a post, its related video embed and the author page."""
    author = published_post.author
    page.goto("/")
    page.get_by_role("link", name=published_post.title, exact=True).click()

    expect(page).to_have_url(re.compile(re.escape(published_post.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(published_post.title)

    related = page.locator("section.related-media")
    expect(related.get_by_role("heading", name="Related media")).to_be_visible()
    video = related.locator("iframe")
    expect(video).to_have_count(1)
    expect(video).to_have_attribute("src", re.compile("^" + re.escape(YOUTUBE_EMBED_PREFIX)))
    expect(video).to_have_attribute("title", re.compile(r"\S"))
    expect(related).to_contain_text(f"Related video added by {author.display_name}")

    byline = page.locator(".post-header .meta").get_by_role("link", name=author.display_name)
    expect(byline).to_have_attribute("href", author.get_absolute_url())
    byline.click()
    expect(page).to_have_url(re.compile(re.escape(author.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(author.display_name)
    expect(page.get_by_role("link", name=published_post.title, exact=True)).to_be_visible()
