from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def import_wordpress():
    """``import_wordpress(file, *options)``: run the command on a fixture's name or a path;
    its summary (stdout) with its progress bar (stderr) as ``.progress``."""

    def run(file, *options):
        path = FIXTURES / file if isinstance(file, str) else file
        out, err = StringIO(), StringIO()
        call_command("import_wordpress", str(path), *options, stdout=out, stderr=err)
        summary = Summary(out.getvalue())
        summary.progress = err.getvalue()
        return summary

    return run


ONE_POST = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>http://one.example.org</wp:base_site_url>
  {authors}
  <item>
    <title>{title}</title>
    <dc:creator>{creator}</dc:creator>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <wp:post_id>1</wp:post_id>
    <wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>
    <wp:post_modified_gmt>2021-06-15 08:30:00</wp:post_modified_gmt>
    <wp:post_name>{post_name}</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>{extra}
  </item>
</channel>
</rss>
"""


@pytest.fixture
def import_one(import_wordpress, tmp_path):
    """``import_one(**fields)``: import ONE_POST with those fields; its summary."""

    def run(title="The post", creator="writer", post_name="the-post", authors="", **more):
        fields = {"title": title, "creator": creator, "post_name": post_name, "authors": authors}
        more = {"content": "<p>Text.</p>", "extra": "", **more}  # extra: elements of the item
        path = tmp_path / "one.xml"
        path.write_text(ONE_POST.format(**fields, **more))
        return import_wordpress(path)

    return run


# blog.xml as the same site exports it from another address (its guids stay).
MOVED = [
    (
        f"<{element}>http://old.example.org</{element}>",
        f"<{element}>https://new.example.com</{element}>",
    )
    for element in ("link", "wp:base_site_url", "wp:base_blog_url")
]


@pytest.fixture
def blog_xml_with(tmp_path):
    """``blog_xml_with(*replacements)``: a copy of the blog.xml fixture with each (old, new)
    text replaced; its path."""

    def write(*replacements):
        text = (FIXTURES / "blog.xml").read_text()
        for old, new in replacements:
            text = text.replace(old, new)
        path = tmp_path / f"blog-{len(list(tmp_path.iterdir()))}.xml"
        path.write_text(text)
        return path

    return write


@pytest.fixture
def moved_blog_xml(blog_xml_with):
    """blog.xml as the same site exports it from another address (its guids stay)."""
    return blog_xml_with(*MOVED)


class Summary(str):
    """The command's summary table, with a way to read one of its counts."""

    def count(self, label):
        for line in self.splitlines():
            if line.startswith(label + "  ") or line.rstrip().startswith(label + " "):
                head, _, number = line.rpartition(" ")
                if head.strip() == label.strip():  # "    approved": a detail of the row above
                    return int(number)
        raise AssertionError(f"No row “{label}” in:\n{self}")
