"""Load the benchmark's thread into xtd's tables, replacing any previous one, in one COPY each."""

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django_comments.models import Comment
from django_comments_xtd.conf import settings
from django_comments_xtd.models import XtdComment

from xtd.models import Post


def thread_fields(items):
    """xtd's thread_id, parent_id, level, order and nested_count of each comment, by id.

    What XtdComment.save() works out one insert at a time: a root is its own parent and thread;
    ``order`` numbers a thread depth first, each comment's replies in the order they came;
    ``nested_count`` counts every reply below a comment.
    """
    replies = defaultdict(list)
    for item in items:
        replies[item["parent_id"]].append(item["id"])
    fields = {}

    def number(comment_id, parent_id, thread_id, level, order):
        """Number the comment and its replies from ``order`` on; return the next free order."""
        if level > settings.COMMENTS_XTD_MAX_THREAD_LEVEL:
            raise CommandError(f"comment {comment_id} is deeper than COMMENTS_XTD_MAX_THREAD_LEVEL")
        first = order
        order += 1
        for reply in replies[comment_id]:
            order = number(reply, comment_id, thread_id, level + 1, order)
        fields[comment_id] = {
            "thread_id": thread_id,
            "parent_id": parent_id,
            "level": level,
            "order": first,
            "nested_count": order - first - 1,
        }
        return order

    for root in replies[None]:
        number(root, root, root, 0, 1)
    if len(fields) != len(items):
        raise CommandError("some comments reply to a comment that is not in the thread")
    return fields


def copy_rows(cursor, model, instances):
    """COPY the columns ``model``'s own table holds (XtdComment's parent table is Comment's)."""
    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)

    def prepare(field, instance):
        return field.get_db_prep_save(getattr(instance, field.attname), connection)

    with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for instance in instances:
            copy.write_row([prepare(field, instance) for field in fields])


class Command(BaseCommand):
    help = "Load a thread (the benchmark's JSON list of comments) onto the one post."

    def add_arguments(self, parser):
        parser.add_argument("thread_json", type=Path)

    @transaction.atomic
    def handle(self, *args, thread_json, **options):
        items = json.loads(thread_json.read_text())
        fields = thread_fields(items)
        Comment.objects.all().delete()
        Post.objects.all().delete()
        post = Post.objects.create(title=f"A thread of {len(items)} comments")
        comments = [
            XtdComment(
                id=item["id"],  # in Comment's table
                comment_ptr_id=item["id"],  # in XtdComment's
                content_type=ContentType.objects.get_for_model(Post),
                object_pk=str(post.pk),
                site_id=settings.SITE_ID,
                user_name=item["name"],
                user_email=item["email"],
                user_url=item["url"],
                comment=item["body"],
                submit_date=datetime.fromisoformat(item["submit_date"]),
                is_public=True,
                **fields[item["id"]],
            )
            for item in items
        ]
        with connection.cursor() as cursor:
            for model in (Comment, XtdComment):
                copy_rows(cursor, model, comments)
            for sql in connection.ops.sequence_reset_sql(no_style(), [Comment]):
                cursor.execute(sql)
        self.stdout.write(f"{len(comments)} comments loaded on {post}")
