"""The posts' search vector, kept current by PostgreSQL itself.

``Post.search_vector`` is written by triggers, not by Python, so every way a post changes
keeps it right at no query per row: a save from the admin, ``Post.objects.update(...)``, an
importer writing thousands of posts, a tag added to or removed from posts (one statement per
statement on the join table) or a tag renamed (one statement for the posts that carry it).

Weights: the title is A, the standfirst and the tags B, the body C. Tags are B, not A: a tag
names a topic like the standfirst summarises one, and a broad tag sits on hundreds of posts,
so as A it would tie every one of them with the post whose title names the query.

The body is HTML: its markup is removed and its entities decoded (``caf&eacute;`` is found as
"café") before it is indexed; ``&lt;``, ``&gt;`` and ``&amp;`` stay encoded, so no text turns
into markup. The search page's snippets are cut from the same text (``blog_html_text``), in
which a heading, list item, caption or table cell ends with a dash, so a snippet never runs a
heading into the sentence after it.

The text search configuration (``settings.SEARCH_CONFIG``) is written into the function when
the migration runs; after changing it, ``manage.py rebuild_search_index`` writes it again and
recomputes every vector.
"""

import json
import re
from html.entities import name2codepoint

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Past this many characters of body text a post is not indexed further: a tsvector holds
# at most 1 MB, which pathological text (tens of thousands of distinct numbers) can reach.
# That is about 40,000 words, longer than any essay.
MAX_BODY_CHARACTERS = 250_000

# Entities that would turn text into markup once decoded.
KEPT_ENTITIES = {"amp", "lt", "gt"}


def _entities_json():
    named = {name: chr(code) for name, code in name2codepoint.items() if name not in KEPT_ENTITIES}
    named["apos"] = "'"
    return json.dumps(named, ensure_ascii=False, sort_keys=True).replace("'", "''")


def _config(config):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?", config):
        raise ImproperlyConfigured(f"SEARCH_CONFIG {config!r} is not a text search configuration")
    return f"'{config}'::regconfig"


def install_sql(config=None):
    """The functions and triggers, for the text search configuration ``config``."""
    cfg = _config(config or settings.SEARCH_CONFIG)
    return f"""
CREATE OR REPLACE FUNCTION blog_decode_entity(entity text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    code bigint;
BEGIN
    IF entity ~* '^&#x[0-9a-f]{{1,6}};$' THEN
        code := ('x' || lpad(substr(entity, 4, length(entity) - 4), 8, '0'))::bit(32)::bigint;
    ELSIF entity ~ '^&#[0-9]{{1,7}};$' THEN
        code := substr(entity, 3, length(entity) - 3)::bigint;
    ELSE
        RETURN coalesce('{_entities_json()}'::jsonb ->> substr(entity, 2, length(entity) - 2),
                        entity);
    END IF;
    IF code < 32 OR code IN (38, 60, 62) OR code BETWEEN 55296 AND 57343 OR code > 1114111 THEN
        RETURN entity;
    END IF;
    RETURN chr(code::int);
END
$$;

CREATE OR REPLACE FUNCTION blog_html_text(html text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(string_agg(coalesce(part[1], blog_decode_entity(part[2]), part[3]), ''
                               ORDER BY n), '')
    FROM regexp_matches(
        regexp_replace(
            regexp_replace(html, '</(?:h[1-6]|li|dt|figcaption|th|td)>', ' — ', 'gi'),
            '<(?:[^>"'']|"[^"]*"|''[^'']*'')*>', ' ', 'g'
        ),
        '([^&]+)|(&#x[0-9a-f]+;|&#[0-9]+;|&[a-z][a-z0-9]*;)|(&)', 'gi'
    ) WITH ORDINALITY AS found(part, n)
$$;

CREATE OR REPLACE FUNCTION blog_post_search_vector(
    post_id bigint, title text, standfirst text, body text
) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector({cfg}, coalesce(title, '')), 'A')
        || setweight(to_tsvector({cfg}, coalesce(standfirst, '')), 'B')
        || setweight(to_tsvector({cfg}, coalesce((
               SELECT string_agg(tag.name, ' ')
               FROM blog_post_tags AS link JOIN blog_tag AS tag ON tag.id = link.tag_id
               WHERE link.post_id = blog_post_search_vector.post_id
           ), '')), 'B')
        || setweight(to_tsvector({cfg}, left(blog_html_text(body), {MAX_BODY_CHARACTERS})), 'C')
$$;

CREATE OR REPLACE FUNCTION blog_post_search_vector_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := blog_post_search_vector(NEW.id, NEW.title, NEW.standfirst, NEW.body);
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION blog_post_tags_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE blog_post
    SET search_vector = blog_post_search_vector(id, title, standfirst, body)
    WHERE id IN (SELECT post_id FROM changed);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION blog_tag_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE blog_post
    SET search_vector = blog_post_search_vector(id, title, standfirst, body)
    WHERE id IN (
        SELECT link.post_id
        FROM blog_post_tags AS link
        JOIN new_tags ON new_tags.id = link.tag_id
        JOIN old_tags ON old_tags.id = new_tags.id
        WHERE old_tags.name IS DISTINCT FROM new_tags.name
    );
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER blog_post_search_insert
    BEFORE INSERT ON blog_post
    FOR EACH ROW EXECUTE FUNCTION blog_post_search_vector_trigger();
CREATE OR REPLACE TRIGGER blog_post_search_update
    BEFORE UPDATE OF title, standfirst, body ON blog_post
    FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title
          OR OLD.standfirst IS DISTINCT FROM NEW.standfirst
          OR OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION blog_post_search_vector_trigger();
CREATE OR REPLACE TRIGGER blog_post_tags_search_insert
    AFTER INSERT ON blog_post_tags REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION blog_post_tags_search_trigger();
CREATE OR REPLACE TRIGGER blog_post_tags_search_delete
    AFTER DELETE ON blog_post_tags REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION blog_post_tags_search_trigger();
CREATE OR REPLACE TRIGGER blog_tag_search_update
    AFTER UPDATE ON blog_tag REFERENCING OLD TABLE AS old_tags NEW TABLE AS new_tags
    FOR EACH STATEMENT EXECUTE FUNCTION blog_tag_search_trigger();
"""


# Every vector, computed again (after the migration adds the column, or a new config).
REFRESH_SQL = """
UPDATE blog_post SET search_vector = blog_post_search_vector(id, title, standfirst, body);
"""

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS blog_tag_search_update ON blog_tag;
DROP TRIGGER IF EXISTS blog_post_tags_search_delete ON blog_post_tags;
DROP TRIGGER IF EXISTS blog_post_tags_search_insert ON blog_post_tags;
DROP TRIGGER IF EXISTS blog_post_search_update ON blog_post;
DROP TRIGGER IF EXISTS blog_post_search_insert ON blog_post;
DROP FUNCTION IF EXISTS blog_tag_search_trigger();
DROP FUNCTION IF EXISTS blog_post_tags_search_trigger();
DROP FUNCTION IF EXISTS blog_post_search_vector_trigger();
DROP FUNCTION IF EXISTS blog_post_search_vector(bigint, text, text, text);
DROP FUNCTION IF EXISTS blog_html_text(text);
DROP FUNCTION IF EXISTS blog_decode_entity(text);
"""
