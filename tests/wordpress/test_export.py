import json
import re
from datetime import UTC, datetime, timedelta
from io import BytesIO, StringIO
from itertools import pairwise

import pytest
from defusedxml import ElementTree
from django.core.management import CommandError, call_command
from django.utils import timezone

from blog.models import MediaEmbed, Post, Tag
from comments import services
from comments.models import Comment, Discussion, ModerationEvent
from wordpress import wxr

pytestmark = pytest.mark.django_db

SITE = "https://blog.example.org"
WP = f"{{{wxr.WP}}}"
CONTENT = f"{{{wxr.CONTENT}}}"
EXCERPT = f"{{{wxr.EXCERPT}}}"
DC = f"{{{wxr.DC}}}"


def export_text(**options):
    """The command's output as written, with its report on standard error."""
    out, err = StringIO(), StringIO()
    call_command("export_wordpress", site_url=SITE, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def export(**options):
    return ElementTree.fromstring(export_text(**options)[0].encode())


def item_of(root, post):
    (item,) = [i for i in root.iter("item") if i.findtext(f"{WP}post_id") == str(post.pk)]
    return item


def comments_of(item):
    return {int(c.findtext(f"{WP}comment_id")): c for c in item.iter(f"{WP}comment")}


def meta(element, tag, key):
    values = [
        m.findtext(f"{WP}meta_value")
        for m in element.iter(f"{WP}{tag}")
        if m.findtext(f"{WP}meta_key") == key
    ]
    return values[0] if values else None


@pytest.fixture
def make_image_for_export():
    """A library picture, 1000 pixels wide (a copy at 480 and 800)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as Pillow

    from blog.models import Image

    content = BytesIO()
    Pillow.new("RGB", (1000, 600), (90, 120, 150)).save(content, "JPEG")
    return Image.objects.upload(SimpleUploadedFile("a.jpg", content.getvalue()), alt="A lake")


@pytest.fixture
def add_comment():
    """``add_comment(post, parent=None, status=..., **fields)``: a comment stored as the
    importer stores one, hung where the thread takes it."""
    counter = iter(range(1, 10_000))

    def add(post, parent=None, status=Comment.Status.APPROVED, **fields):
        number = next(counter)
        fields.setdefault("author_name", f"Reader {number}")
        fields.setdefault("author_email", f"reader{number}@example.net")
        fields.setdefault("body", f"Comment number {number}.")
        comment = Comment(post=post, parent=parent, status=status, **fields)
        return services.import_comment(comment, "Written for the test.")

    return add


def test_envelope_is_a_wxr_1_2_rss_file(post):
    """RSS 2.0 with WordPress's five namespaces, WXR 1.2, the site's address and a generator."""
    output, _ = export_text()
    assert output.startswith('<?xml version="1.0" encoding="UTF-8" ?>\n')
    assert "<!-- generator=" in output
    for prefix, uri in [
        ("excerpt", "http://wordpress.org/export/1.2/excerpt/"),
        ("content", "http://purl.org/rss/1.0/modules/content/"),
        ("wfw", "http://wellformedweb.org/CommentAPI/"),
        ("dc", "http://purl.org/dc/elements/1.1/"),
        ("wp", "http://wordpress.org/export/1.2/"),
    ]:
        assert f'xmlns:{prefix}="{uri}"' in output
    root = ElementTree.fromstring(output.encode())
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "The Margin"
    assert channel.findtext("link") == SITE
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == SITE
    assert channel.findtext(f"{WP}base_blog_url") == SITE


def test_authors_are_listed_with_their_accounts(make_author, make_post):
    """Each author: account id and login, email, display name, first and last name."""
    author = make_author("jo", display_name="Jo Writer")
    author.user.first_name, author.user.last_name = "Joanna", "Writer"
    author.user.save()
    make_post(author=author)
    (entry,) = [a for a in export().iter(f"{WP}author") if a.findtext(f"{WP}author_login") == "jo"]
    assert entry.findtext(f"{WP}author_id") == str(author.user.pk)
    assert entry.findtext(f"{WP}author_email") == "jo@example.org"
    assert entry.findtext(f"{WP}author_display_name") == "Jo Writer"
    assert entry.findtext(f"{WP}author_first_name") == "Joanna"
    assert entry.findtext(f"{WP}author_last_name") == "Writer"


def test_a_published_post_keeps_every_field(make_post, settings):
    """Title, link, guid, slug, body, standfirst, author, type and dates local and GMT."""
    settings.TIME_ZONE = "Europe/Paris"
    published = datetime(2016, 7, 14, 21, 30, tzinfo=UTC)
    post = make_post(title="Ten years on", published_at=published)
    item = item_of(export(), post)
    assert item.findtext("title") == "Ten years on"
    assert item.findtext("link") == f"{SITE}/posts/{post.slug}/"
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.findtext("guid") == f"{SITE}/?p={post.pk}"
    assert item.findtext("pubDate") == "Thu, 14 Jul 2016 21:30:00 +0000"
    assert item.findtext(f"{DC}creator") == post.author.user.username
    assert item.findtext(f"{CONTENT}encoded") == post.body
    assert item.findtext(f"{EXCERPT}encoded") == post.standfirst
    assert item.findtext(f"{WP}post_name") == post.slug
    assert item.findtext(f"{WP}post_type") == "post"
    assert item.findtext(f"{WP}status") == "publish"
    assert item.findtext(f"{WP}post_date") == "2016-07-14 23:30:00"
    assert item.findtext(f"{WP}post_date_gmt") == "2016-07-14 21:30:00"
    assert item.findtext(f"{WP}comment_status") == "open"
    assert item.findtext(f"{WP}ping_status") == "closed"
    assert item.findtext(f"{WP}post_password") == ""


def test_scheduled_and_draft_posts_are_exported_with_their_status(make_post):
    """A scheduled post is "future"; a draft is "draft", with WordPress's empty GMT date."""
    scheduled = make_post(published_at=timezone.now() + timedelta(days=2))
    draft = make_post(status=Post.Status.DRAFT)
    root = export()
    assert item_of(root, scheduled).findtext(f"{WP}status") == "future"
    draft_item = item_of(root, draft)
    assert draft_item.findtext(f"{WP}status") == "draft"
    assert draft_item.findtext(f"{WP}post_date_gmt") == "0000-00-00 00:00:00"
    assert draft_item.find("pubDate") is None
    local = timezone.localtime(draft.created_at)
    assert draft_item.findtext(f"{WP}post_date") == f"{local:%Y-%m-%d %H:%M:%S}"


def test_tags_are_listed_and_attached_to_their_posts(make_post):
    """Every tag in the channel, and each post's tags as post_tag categories."""
    cities = Tag.objects.create(name="Cities & towns", slug="cities")
    Tag.objects.create(name="Unused", slug="unused")
    post = make_post(tags=[cities])
    root = export()
    listed = {
        t.findtext(f"{WP}tag_slug"): t.findtext(f"{WP}tag_name") for t in root.iter(f"{WP}tag")
    }
    assert listed == {"cities": "Cities & towns", "unused": "Unused"}
    (category,) = item_of(root, post).findall("category")
    assert category.attrib == {"domain": "post_tag", "nicename": "cities"}
    assert category.text == "Cities & towns"


def test_related_media_travel_as_postmeta_in_their_order(make_post):
    """Related media: one _blog_related_media postmeta, a JSON list in position order."""
    post = make_post()
    MediaEmbed.objects.create(
        post=post, position=2, url="https://example.com/talk", title="The talk"
    )
    MediaEmbed.objects.create(
        post=post,
        position=1,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        title="A video",
        credit="Added by Jo",
        caption="Seen in 2016.",
    )
    bare = make_post()
    root = export()
    value = meta(item_of(root, post), "postmeta", "_blog_related_media")
    assert json.loads(value) == [
        {
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "A video",
            "credit": "Added by Jo",
            "caption": "Seen in 2016.",
        },
        {"url": "https://example.com/talk", "title": "The talk", "credit": "", "caption": ""},
    ]
    assert meta(item_of(root, bare), "postmeta", "_blog_related_media") is None


def test_comments_keep_the_comment_each_one_answers(post, add_comment, settings):
    """Every comment names the one it answers, even a reply hung beside it on the page."""
    chain = [add_comment(post)]
    for _ in range(settings.COMMENTS_MAX_DEPTH - 1):
        chain.append(add_comment(post, parent=chain[-1]))
    flattened = add_comment(post, parent=chain[-1])
    assert flattened.parent == chain[-2]  # shown as the deepest comment's sibling
    exported = comments_of(item_of(export(), post))
    assert exported[chain[0].pk].findtext(f"{WP}comment_parent") == "0"
    for parent, child in pairwise(chain):
        assert exported[child.pk].findtext(f"{WP}comment_parent") == str(parent.pk)
    assert exported[flattened.pk].findtext(f"{WP}comment_parent") == str(chain[-1].pk)
    assert list(exported) == sorted(exported)  # parents before replies, as WordPress reads


def test_comment_fields_are_exported_as_typed(post, add_comment, settings):
    """Name, email, URL, IP, dates local and GMT, the text as typed and its type."""
    settings.TIME_ZONE = "America/New_York"
    comment = add_comment(
        post,
        author_name="Ada",
        author_email="ada@example.net",
        author_url="https://ada.example.net/?a=1&b=2",
        ip_address="203.0.113.9",
        body="First paragraph.\n\nSecond, with <b>markup</b> typed.",
        created_at=datetime(2015, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    exported = comments_of(item_of(export(), post))[comment.pk]
    assert exported.findtext(f"{WP}comment_author") == "Ada"
    assert exported.findtext(f"{WP}comment_author_email") == "ada@example.net"
    assert exported.findtext(f"{WP}comment_author_url") == "https://ada.example.net/?a=1&b=2"
    assert exported.findtext(f"{WP}comment_author_IP") == "203.0.113.9"
    assert exported.findtext(f"{WP}comment_date") == "2015-01-01 22:04:05"
    assert exported.findtext(f"{WP}comment_date_gmt") == "2015-01-02 03:04:05"
    assert exported.findtext(f"{WP}comment_content") == comment.body
    assert exported.findtext(f"{WP}comment_approved") == "1"
    assert exported.findtext(f"{WP}comment_type") == "comment"
    assert exported.findtext(f"{WP}comment_user_id") == "0"


@pytest.mark.parametrize(
    ("status", "approved", "kept_as"),
    [
        (Comment.Status.APPROVED, "1", None),
        (Comment.Status.PENDING, "0", None),
        (Comment.Status.SPAM, "spam", None),
        (Comment.Status.TRASH, "trash", None),
        (Comment.Status.REJECTED, "trash", "rejected"),
    ],
)
def test_every_comment_status_is_exported(post, add_comment, status, approved, kept_as):
    """Each status as WordPress spells it; a rejected one is trash with its status in meta."""
    comment = add_comment(post, status=status)
    exported = comments_of(item_of(export(), post))[comment.pk]
    assert exported.findtext(f"{WP}comment_approved") == approved
    assert meta(exported, "commentmeta", "_blog_comment_status") == kept_as


def test_a_comment_by_an_author_keeps_their_account(post, add_comment, author, moderator):
    """An author's comment names their wp:author_id; another account's names none (0)."""
    own = add_comment(post, user=author.user)
    staff = add_comment(post, user=moderator)
    exported = comments_of(item_of(export(), post))
    assert exported[own.pk].findtext(f"{WP}comment_user_id") == str(author.user.pk)
    assert exported[staff.pk].findtext(f"{WP}comment_user_id") == "0"


def test_a_closed_discussion_is_exported_closed(make_post, moderator):
    """The discussion's close switch is wp:comment_status closed; others stay open."""
    closed, open_ = make_post(), make_post()
    services.close(closed, moderator, "Enough said.")
    root = export()
    assert item_of(root, closed).findtext(f"{WP}comment_status") == "closed"
    assert item_of(root, open_).findtext(f"{WP}comment_status") == "open"


def test_a_discussion_closed_by_age_is_exported_closed_as_readers_see_it(make_post, settings):
    """wp:comment_status says what readers see: closed by age here is closed in WordPress,
    while the switches in _blog_discussion say no moderator closed it."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_post(published_at=timezone.now() - timedelta(days=40))
    item = item_of(export(), old)
    assert item.findtext(f"{WP}comment_status") == "closed"
    assert json.loads(meta(item, "postmeta", "_blog_discussion")) == {
        "closed": False,
        "closed_at": None,
        "close_reason": "",
        "keep_open": False,
        "closes_at": None,
        "inactive_days": None,
        "last_active_at": None,
    }


def test_the_discussions_switches_travel_as_postmeta(make_post, moderator):
    """Closed, when and why, a scheduled close, the post's inactivity limit and its last
    activity; the body is marked as this site's HTML."""
    post = make_post()
    Discussion.objects.create(post=post, closes_at=datetime(2030, 5, 1, 12, 0, tzinfo=UTC))
    services.set_inactive_days(post, 14, moderator)
    services.close(post, moderator)
    services.reopen(post, moderator)  # active again from now
    services.close(post, moderator, "Enough said.")
    discussion = Discussion.objects.get(post=post)
    item = item_of(export(), post)
    assert json.loads(meta(item, "postmeta", "_blog_discussion")) == {
        "closed": True,
        "closed_at": discussion.closed_at.isoformat(),
        "close_reason": "Enough said.",
        "keep_open": False,
        "closes_at": "2030-05-01T12:00:00+00:00",
        "inactive_days": 14,
        "last_active_at": discussion.last_active_at.isoformat(),
    }
    assert meta(item, "postmeta", "_blog_body_format") == "html"


def test_moderation_flags_travel_as_commentmeta(post, add_comment, moderator):
    """A removal that hid the replies, locked replies and a staff comment: a JSON list each;
    a comment without flags has no such meta."""
    removed, plain = add_comment(post), add_comment(post)
    staff = add_comment(post, by_staff=True)
    services.lock_replies(removed, moderator)
    services.moderate(
        removed, ModerationEvent.Action.REMOVE, moderator, replies=services.RepliesFate.HIDE
    )
    exported = comments_of(item_of(export(), post))
    flags = {pk: meta(exported[pk], "commentmeta", "_blog_comment_flags") for pk in exported}
    assert json.loads(flags[removed.pk]) == ["replies_hidden", "replies_locked"]
    assert json.loads(flags[staff.pk]) == ["by_staff"]
    assert flags[plain.pk] is None


def test_awkward_characters_survive_the_xml_parser(make_post, add_comment):
    """ "]]>", "&", "<", emoji and CRLF come back exactly; control characters are dropped."""
    awkward = "Ends a CDATA ]]> here & <there> 🦜 — ok"
    post = make_post(title=awkward)
    post.standfirst = "Line one\r\nline two ]]]]> end"
    post.save()
    Tag.objects.create(name="A&B ]]> 🦜", slug="ab").posts.add(post)
    comment = add_comment(
        post,
        author_name="Bell\x07 Esc\x1b",
        body="Para one\r\n\r\npara two ]]> \x01\x0b\x0c\ufffe🦜",
    )
    item = item_of(export(), post)
    assert item.findtext("title") == awkward
    assert item.findtext(f"{EXCERPT}encoded") == "Line one\r\nline two ]]]]> end"
    assert item.find("category").text == "A&B ]]> 🦜"
    exported = comments_of(item)[comment.pk]
    assert exported.findtext(f"{WP}comment_author") == "Bell Esc"
    assert exported.findtext(f"{WP}comment_content") == "Para one\r\n\r\npara two ]]> 🦜"


def test_output_goes_to_a_file_and_the_report_to_the_console(post, add_comment, tmp_path):
    """--output writes the whole file (nothing left beside it) and says what it exported."""
    add_comment(post)
    target = tmp_path / "site.xml"
    target.write_text("an older export")
    output, _ = export_text(output=str(target))
    assert output.strip() == (
        f"Exported 1 post(s), 1 comment(s), 0 image(s), 1 author(s) and 0 tag(s) to {target}."
    )
    root = ElementTree.parse(str(target)).getroot()
    assert [i.findtext("title") for i in root.iter("item")] == [post.title]
    assert [p.name for p in tmp_path.iterdir()] == ["site.xml"]


def test_standard_output_carries_only_the_file(post):
    """Exported to standard output, the report goes to standard error."""
    output, report = export_text()
    assert output.rstrip().endswith("</rss>")
    assert "Exported 1 post(s)" in report


def test_an_unwritable_output_is_reported(tmp_path):
    """A folder that does not exist is an error message, not a traceback."""
    with pytest.raises(CommandError, match="Cannot write into"):
        export_text(output=str(tmp_path / "missing" / "site.xml"))


@pytest.mark.parametrize(
    ("site_url", "message"),
    [
        ("", "give --site-url"),
        ("blog.example.org", "a scheme and a host"),
        ("https://blog.example.org/blog/", "a scheme and a host"),
    ],
)
def test_the_site_address_is_required_and_checked(settings, site_url, message):
    """Links are absolute: without a usable address the command says what to give."""
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match=message):
        call_command("export_wordpress", site_url=site_url, stdout=StringIO())


def test_the_site_url_setting_is_the_default(settings, post):
    """SITE_URL gives the links when --site-url is not given."""
    settings.SITE_URL = "https://margin.example.com/"
    out = StringIO()
    call_command("export_wordpress", stdout=out, stderr=StringIO())
    root = ElementTree.fromstring(out.getvalue().encode())
    assert root.find("channel").findtext(f"{WP}base_site_url") == "https://margin.example.com"


def test_queries_do_not_grow_with_posts_or_comments(
    make_post, add_comment, make_image_for_export, django_assert_max_num_queries
):
    """A fixed number of queries, whatever the number of posts, tags, images, media and
    comments."""
    tag = Tag.objects.create(name="Cities", slug="cities")

    def add_posts(count):
        for _ in range(count):
            post = make_post(tags=[tag], featured_image=make_image_for_export)
            MediaEmbed.objects.create(post=post, url="https://example.com/a", title="A")
            first = add_comment(post)
            add_comment(post, parent=first)

    # Its savepoint, authors, tags, images, the last post's id (images are numbered after
    # it), posts, and for each chunk of posts their tags, media and comments (a chunk is 100
    # posts) and its release.
    add_posts(1)
    with django_assert_max_num_queries(10):
        export()
    add_posts(30)
    with django_assert_max_num_queries(10):
        root = export()
    assert len(root.findall("channel/item")) == 31 + 1  # and the image's attachment
    assert len(list(root.iter(f"{WP}comment"))) == 62


def test_pictures_from_the_library_travel_as_wordpress_writes_them(
    make_post, make_image_for_export
):
    """A body's library picture is written as WordPress writes an attachment's: the
    original's absolute address and wp-image-<attachment id>, its width and height, none of
    this site's resized copies and no library reference (its id names another picture on
    the other side)."""
    image = make_image_for_export
    post = make_post()
    post.body = f'<p>Look.</p><img src="/x.jpg" alt="" data-file="{image.pk}">'
    post.save()

    root = export()
    body = item_of(root, post).findtext(f"{CONTENT}encoded")

    attachment_id = next(root.iter("item")).findtext(f"{WP}post_id")
    assert f'src="{SITE}{image.file.url}"' in body
    assert f'class="wp-image-{attachment_id}"' in body
    assert 'width="800" height="480"' in body  # as the body had them
    assert "srcset" not in body
    assert "sizes=" not in body
    assert "-800w" not in body
    assert "data-file" not in body


def test_the_image_library_travels_as_attachments_with_featured_images(
    make_post, make_image_for_export, author
):
    """Each library image is an attachment WordPress can download (its original's address,
    alt text, caption, credit), listed before the posts; a post names its featured image
    with _thumbnail_id, as WordPress does."""
    image = make_image_for_export
    image.caption, image.credit, image.uploaded_by = "At noon", "Photo: Ana", author.user
    image.save()
    post = make_post(featured_image=image)

    root = export()

    items = list(root.iter("item"))
    attachment = items[0]
    assert attachment.findtext(f"{WP}post_type") == "attachment"
    assert attachment.findtext(f"{WP}attachment_url") == f"{SITE}{image.file.url}"
    assert attachment.findtext(f"{EXCERPT}encoded") == "At noon"
    assert attachment.findtext(f"{CONTENT}encoded") == "Photo: Ana"
    assert attachment.findtext(f"{DC}creator") == author.user.username
    assert meta(attachment, "postmeta", "_wp_attachment_image_alt") == "A lake"
    attachment_id = attachment.findtext(f"{WP}post_id")
    assert int(attachment_id) > post.pk
    assert meta(item_of(root, post), "postmeta", "_thumbnail_id") == attachment_id


def test_an_imported_export_says_what_stays_at_the_old_site(
    make_post, make_image_for_export, tmp_path
):
    """Imported elsewhere, the featured image and the body's library pictures are reported
    as still at the old site; the attachment items are counted as skipped."""
    image = make_image_for_export
    post = make_post(featured_image=image)
    post.body = f'<p>Lake.</p><img src="/x.jpg" alt="" data-file="{image.pk}">'
    post.save()
    target = tmp_path / "site.xml"
    export_text(output=str(target))
    Post.objects.all().delete()

    out = StringIO()
    call_command("import_wordpress", str(target), stdout=out, stderr=StringIO())

    report = out.getvalue()
    assert re.search(r"Featured images left at the old site +1", report)
    assert re.search(r"Images still loading from the old site +1", report)
    assert re.search(r"Attachments skipped +1", report)
    imported = Post.objects.get()
    assert imported.featured_image is None
    assert "data-file" not in imported.body
    assert f'src="{SITE}{image.file.url}"' in imported.body
