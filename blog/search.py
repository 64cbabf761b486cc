"""Full-text search of what readers may see: ``/search/?q=``.

Any text is a valid query: ``websearch_to_tsquery`` reads quotes as phrases, ``-word`` as
"without", ``or`` as either, and ignores the rest (unbalanced quotes, punctuation, SQL).
Only published posts are found, for staff too: this is the public site.

Matches are highlighted by ``ts_headline`` with two private-use characters as markers, on
the text of the title, standfirst and body (markup removed, see ``search_index``). The text
is escaped first and the markers turned into ``<mark>`` after, so nothing a post holds can
become markup in a snippet.
"""

import html
import re

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, Func, TextField
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Post

# Longer queries are cut here: nobody types more, and a page of pasted text would only make
# PostgreSQL AND together hundreds of words that no post has all of.
MAX_QUERY_LENGTH = 200

START, STOP = "\ue000", "\ue001"
MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
SNIPPET_WORDS = 20
SNIPPET_FRAGMENTS = 2


def clean_query(text):
    """The query as searched: its spaces trimmed, cut at ``MAX_QUERY_LENGTH``."""
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def find_posts(text):
    """Published posts matching ``text``, best first, with highlighted headlines."""
    query = SearchQuery(text, search_type="websearch", config=settings.SEARCH_CONFIG)

    def headline(expression, **options):
        return SearchHeadline(
            expression,
            query,
            config=settings.SEARCH_CONFIG,
            start_sel=START,
            stop_sel=STOP,
            **options,
        )

    body_text = Func(F("body"), function="blog_html_text", output_field=TextField())
    return (
        Post.objects.published()
        .filter(search_vector=query)
        .for_listing()
        .defer("body")  # only its snippet is shown
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            title_headline=headline("title", highlight_all=True),
            standfirst_headline=headline("standfirst", highlight_all=True),
            body_headline=headline(
                body_text,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
                max_fragments=SNIPPET_FRAGMENTS,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def marked(headline, *, from_html=False):
    """``headline`` escaped, its matches in ``<mark>``. ``from_html``: its entities decoded
    first (body text keeps ``&lt;``, ``&gt;`` and ``&amp;`` encoded)."""
    text = html.unescape(headline) if from_html else headline
    escaped = MARKED.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(escaped.replace(START, "").replace(STOP, ""))


def present(post):
    """Give a result the highlighted title, standfirst and excerpt its template shows.

    The body's excerpt is shown where it holds a match, or where there is no standfirst.
    """
    post.title_html = marked(post.title_headline)
    post.standfirst_html = marked(post.standfirst_headline)
    body_matches = START in post.body_headline
    post.excerpt_html = None
    if body_matches or not post.standfirst:
        post.excerpt_html = marked(post.body_headline.strip(), from_html=True)
    return post
