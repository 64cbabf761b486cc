"""The post body's rich-text editor in a real browser: the toolbar makes the markup, the CSP
holds, and the form stays accessible and fits a phone."""

import re

from playwright.sync_api import expect

from .test_csp import REPORT_VIOLATIONS
from .test_post_workflow import _fits

SELECT_WORD = """word => {
    const editor = document.querySelector("[contenteditable].ProseMirror");
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const at = walker.currentNode.data.indexOf(word);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(walker.currentNode, at);
        range.setEnd(walker.currentNode, at + word.length);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        return;
    }
}"""


def _write_article(page):
    """A heading, a paragraph with bold text and a link, made with the toolbar and keyboard."""
    box = page.get_by_role("textbox", name="Body")
    box.click()
    page.keyboard.type("Getting there")
    page.locator(".prose-menubar__selected").click()
    page.get_by_role("button", name="Heading 2").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Take the night train")
    page.keyboard.press("Shift+Home")
    page.get_by_role("button", name="bold", exact=True).click()
    page.keyboard.press("End")
    page.keyboard.type(" to Vienna")
    expect(box).to_contain_text("Take the night train to Vienna")
    # Select "Vienna" as a reader's mouse would (the editor follows the document's selection);
    # keys pressed while the editor redraws could be dropped.
    page.evaluate(SELECT_WORD, "Vienna")
    page.wait_for_function("() => getSelection().toString() === 'Vienna'")
    page.get_by_role("button", name="insert link").click()
    page.locator("dialog").get_by_label("URL").fill("https://www.oebb.at/")
    page.get_by_role("button", name="Update").click()


def test_author_formats_the_body_with_the_toolbar(page, make_author, log_in, axe):
    """Heading, bold and a link made with the toolbar reach the saved post and its preview."""
    from blog.models import Post

    violations = []
    page.context.expose_function("reportPolicyViolation", lambda item: violations.append(item))
    page.context.add_init_script(REPORT_VIOLATIONS)
    make_author("ines", display_name="Inès Laurent")
    log_in(page, "ines")
    page.goto("/admin/blog/post/add/")
    page.locator("#id_title").fill("Night trains")
    page.locator("#id_title").blur()
    _write_article(page)
    assert violations == []  # before axe, which injects a style element of its own
    found = axe(page)
    assert not found, axe.describe(found)

    page.get_by_role("button", name="Save draft").click()
    post = Post.objects.get(title="Night trains")
    assert post.body.startswith("<h2>Getting there</h2><p><strong>Take the night train")
    assert '<a href="https://www.oebb.at/"' in post.body
    expect(page.locator(".messagelist .warning")).to_have_count(0)

    page.goto(f"/admin/blog/post/{post.pk}/change/")
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/posts/night-trains/$"))
    article = page.locator("article")
    expect(article.get_by_role("heading", name="Getting there", level=2)).to_be_visible()
    expect(article.locator("strong").first).to_contain_text("Take the night train")
    expect(article.get_by_role("link", name="Vienna")).to_have_attribute(
        "href", "https://www.oebb.at/"
    )


def test_editor_fits_a_phone(new_page, make_author, log_in):
    """On a phone the editor and its toolbar wrap instead of widening the page."""
    page = new_page(viewport="phone")
    make_author("ines", display_name="Inès Laurent")
    log_in(page, "ines")
    page.goto("/admin/blog/post/add/")
    expect(page.get_by_role("textbox", name="Body")).to_be_visible()
    assert _fits(page)
