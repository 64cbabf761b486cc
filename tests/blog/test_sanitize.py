import pytest

from blog.sanitize import removed_markup, sanitize_article_html

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
    '<figure><img src="https://example.org/a.jpg" alt="Street" loading="lazy" decoding="async">'
    "<figcaption>C</figcaption></figure>",
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


@pytest.mark.parametrize(
    "html",
    [
        "<script>stealCookies()</script><p>ok</p>",
        "<style>p { display: none }</style><p>ok</p>",
        '<iframe src="https://evil.example">Your browser has no frames</iframe><p>ok</p>',
        "<object data='x'><p>Fallback</p><object>inner</object></object><p>ok</p>",
        "<svg><text>Drawn</text><script>x()</script></svg><p>ok</p>",
        "<p>ok</p><script>never closed <p>swallowed</p>",
    ],
)
def test_removed_elements_leave_no_text(html):
    """Scripts, styles, frames and objects go with their content: none of it stays as prose."""
    assert sanitize_article_html(html) == "<p>ok</p>"


def test_text_of_other_stripped_tags_is_kept():
    """Tags outside the policy that merely wrap text lose the tag, never the words."""
    assert sanitize_article_html("<p><span>kept</span> <font>too</font></p>") == ("<p>kept too</p>")


@pytest.mark.parametrize(
    ("html", "removed"),
    [
        ("<script>x()</script>", ["<script> (with its content)"]),
        ('<p onclick="x()" style="color:red">a</p>', ["onclick attributes", "style attributes"]),
        ('<a href=" JaVa&#x09;Script:alert(1)">x</a>', ["javascript: links"]),
        ('<img src="data:image/png;base64,AA" alt="a">', ["data: images"]),
        ('<img src="/local.jpg" alt="a">', ["images without a full web address (https://...)"]),
        (
            '<img src="/media/../admin/x" alt="a">',
            ["images without a full web address (https://...)"],
        ),
        ("<p><span>a</span><span>b</span></p><!-- note -->", ["<span>", "HTML comments"]),
    ],
)
def test_removed_markup_is_named(html, removed):
    """What sanitising takes out is named for the author, once each and in order."""
    assert removed_markup(html) == removed


@pytest.mark.parametrize("html", [*KEPT, '<pre tabindex="0"><code>x</code></pre>', ""])
def test_nothing_is_reported_for_clean_markup(html):
    """Markup within the policy (and a body already sanitised once) reports no removal."""
    assert removed_markup(html) == []
    assert removed_markup(sanitize_article_html(html)) == []
