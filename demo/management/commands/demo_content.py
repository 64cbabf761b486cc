from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from blog.models import Author, Image, MediaEmbed, Post, Tag
from comments import services
from comments.models import Comment
from demo import data as demo_data
from demo import pictures as demo_pictures

DEMO_PASSWORD = "demo-password"
ACCOUNTS = [
    # username, role, group
    ("admin", "superuser", None),
    ("editor", "editor: every post", "Editors"),
    ("moderator", "moderator", "Moderators"),
]


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo site: accounts, authors, tags and posts. Never in production."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo content is for development only: it needs DEBUG on.")
        with transaction.atomic():
            self.create_accounts()
            authors = self.create_authors()
            tags = self.create_tags()
            pictures = self.create_pictures()
            for entry in demo_data.POSTS:
                self.create_post(entry, authors, tags, pictures)
        self.stdout.write(self.style.SUCCESS("Demo content is ready. Log in at /admin/ as:"))
        logins = [(username, role) for username, role, _ in ACCOUNTS] + [
            (author["username"], f"author: {author['display_name']}")
            for author in demo_data.AUTHORS
        ]
        for username, role in logins:
            self.stdout.write(f"  {username:<10} / {DEMO_PASSWORD}   ({role})")

    def create_accounts(self):
        for username, _, group_name in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = True
            user.is_superuser = group_name is None
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))

    def create_tags(self):
        """The demo's tags, by slug."""
        return {
            slug: Tag.objects.update_or_create(slug=slug, defaults={"name": name})[0]
            for name, slug in demo_data.TAGS
        }

    def create_pictures(self):
        """The demo's pictures in the image library, drawn and uploaded once (by file name)."""
        pictures = {}
        for data in demo_data.PICTURES:
            picture = Image.objects.filter(original_name=data["name"]).first()
            if picture is None:
                drawn = getattr(demo_pictures, data["draw"])()
                picture = Image.objects.upload(
                    SimpleUploadedFile(data["name"], demo_pictures.jpeg(drawn)),
                    **{key: data[key] for key in ("alt", "caption", "credit")},
                )
            pictures[data["name"]] = picture
        return pictures

    def create_authors(self):
        authors = {}
        for data in demo_data.AUTHORS:
            user, created = User.objects.get_or_create(
                username=data["username"], defaults={"email": data["email"], "is_staff": True}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name="Authors"))
            authors[data["username"]] = Author.objects.update_or_create(
                user=user,
                defaults={key: data[key] for key in ("display_name", "slug", "bio", "website")},
            )[0]
        return authors

    def create_post(self, entry, authors, tags, pictures):
        """Create a post once; a later run leaves it (and any edits made to it) alone."""
        if Post.objects.filter(slug=entry["slug"]).exists():
            return
        published_at = timezone.now() - timedelta(days=entry["days_ago"])
        leading = [p for p in demo_data.PICTURES if entry["slug"] in p["leads"]]
        post = Post.objects.create(
            slug=entry["slug"],
            title=entry["title"],
            author=authors[entry["author"]],
            featured_image=pictures[leading[0]["name"]] if leading else None,
            standfirst=entry["standfirst"],
            body=self.with_pictures(entry, pictures),
            status=entry["status"],
            published_at=published_at if entry["status"] == Post.Status.PUBLISHED else None,
        )
        post.tags.set(tags[slug] for slug in entry["tags"])
        for position, media in enumerate(entry.get("media", [])):
            MediaEmbed.objects.create(post=post, position=position, **media)
        self.create_comments(post, entry.get("comments", []))
        if entry.get("comments_closed"):
            services.close(post, None, "The discussion ran its course.")
        if "inactive_days" in entry:
            services.set_inactive_days(post, entry["inactive_days"], None)

    def with_pictures(self, entry, pictures):
        """The post's body with the pictures placed in it after its first paragraph, as the
        editor writes them (``data-file``: the post's save adds their sizes and srcset)."""
        body = entry["body"]
        for data in demo_data.PICTURES:
            if data.get("in_body") == entry["slug"]:
                picture = pictures[data["name"]]
                figure = format_html(
                    '<figure><img src="{}" alt="{}" data-file="{}">'
                    "<figcaption>{}</figcaption></figure>",
                    picture.source_for(800).url,
                    picture.alt,
                    picture.pk,
                    picture.caption,
                )
                body = body.replace("</p>", f"</p>{figure}", 1)
        return body

    def create_comments(self, post, entries, parent=None):
        for data in entries:
            comment = Comment(
                post=post,
                parent=parent,
                author_name=data["name"],
                author_email=data["email"],
                author_url=data["website"],
                body=data["body"],
                status=data["status"],
                created_at=post.published_at + timedelta(minutes=data["minutes_after"]),
            )
            if data["name"] is None:  # the post's author, logged in
                comment.user, comment.by_post_author = post.author.user, True
                comment.author_name = post.author.display_name
                comment.author_email = post.author.user.email
            services.import_comment(comment, "Demo content.")
            if data["replies_closed"]:
                services.lock_replies(comment, None, "Heated: moderators closed these replies.")
            self.create_comments(post, data.get("replies", []), parent=comment)
