import pytest

from blog.sanitize import sanitize_article_html

STRIPPED = [
    ("<script>alert(1)</script><p>ok</p>", "<script"),
    ('<p onclick="alert(1)">x</p>', "onclick"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert(1)"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ('<p style="background:url(javascript:alert(1))">x</p>', "style"),
    ("<style>body{display:none}</style><p>x</p>", "<style"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<img src="javascript:alert(1)">', "javascript:"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "data:"),
    ("<svg><script>alert(1)</script></svg>", "<svg"),
    ('<form action="https://evil.example"><input name="q"></form>', "<form"),
    ("<object data='x'></object><embed src='y'>", "<object"),
    ('<blockquote cite="javascript:alert(1)">q</blockquote>', "javascript:"),
    ("<!-- <script>alert(1)</script> -->", "<!--"),
]

KEPT = [
    "<p>Para</p>",
    "<h2>Heading</h2>",
    "<h3>Sub</h3>",
    "<ul><li>one</li><li>two</li></ul>",
    "<ol><li>first</li></ol>",
    '<a href="https://example.org/a">link</a>',
    '<a href="mailto:ed@example.org">mail</a>',
    "<em>em</em> <strong>strong</strong>",
    '<blockquote cite="https://example.org">quote</blockquote>',
    '<figure><img src="https://example.org/a.jpg" alt="Street"><figcaption>C</figcaption></figure>',
]


@pytest.mark.parametrize(("html", "forbidden"), STRIPPED)
def test_dangerous_markup_is_removed(html, forbidden):
    """Scripts, handlers, dangerous URLs and styles never survive sanitising."""
    assert forbidden.lower() not in sanitize_article_html(html).lower()


@pytest.mark.parametrize("html", KEPT)
def test_article_markup_is_kept(html):
    """The markup an article needs passes through unchanged."""
    assert sanitize_article_html(html) == html


def test_code_blocks_become_keyboard_scrollable():
    """Wide code blocks can be focused, so keyboard users can scroll them."""
    html = '<pre onclick="x()" tabindex="5"><code>print(1)</code></pre>'
    assert sanitize_article_html(html) == '<pre tabindex="0"><code>print(1)</code></pre>'
