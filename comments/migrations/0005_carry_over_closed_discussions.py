"""Carry each post's old "comments closed" switch over to its Discussion, and back."""

from django.db import migrations
from django.utils import timezone

CARRIED_OVER = "Closed before the moderation log began."


def carry_over(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    Discussion = apps.get_model("comments", "Discussion")
    ModerationEvent = apps.get_model("comments", "ModerationEvent")
    now = timezone.now()
    # The switch decides (a re-run after a rollback may find discussions already there).
    Discussion.objects.filter(post__comments_closed=False, closed_at__isnull=False).update(
        closed_at=None, closed_by=None, close_reason=""
    )
    closed = set(Post.objects.filter(comments_closed=True).values_list("pk", flat=True))
    closed -= set(
        Discussion.objects.filter(closed_at__isnull=False).values_list("post_id", flat=True)
    )
    Discussion.objects.filter(post_id__in=closed).update(
        closed_at=now, close_reason=CARRIED_OVER, keep_open=False
    )
    Discussion.objects.bulk_create(
        Discussion(post_id=pk, closed_at=now, close_reason=CARRIED_OVER)
        for pk in closed - set(Discussion.objects.values_list("post_id", flat=True))
    )
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            post_id=pk, action="close", from_state="open", to_state="closed",
            reason=CARRIED_OVER, created_at=now,
        )
        for pk in closed
    )  # fmt: skip


def carry_back(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    Discussion = apps.get_model("comments", "Discussion")
    closed = Discussion.objects.filter(closed_at__isnull=False).values("post_id")
    Post.objects.filter(pk__in=closed).update(comments_closed=True)


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_discussion_and_moderation_log")]
    # The switch is read here before the blog drops it (and restored there before this undoes).
    run_before = [("blog", "0004_remove_post_comments_closed")]

    operations = [migrations.RunPython(carry_over, carry_back)]
