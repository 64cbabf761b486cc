"""A post's page shows its author, tags, media and featured image: a change to any of them is
a change to the post (its ``updated_at``), which names the page's cached copy (``pagecache``).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import Author, Image, MediaEmbed, Post, Tag
from .tasks import delete_image_files


def touch(posts):
    posts.update(updated_at=timezone.now())


@receiver(post_save, sender=Author)
@receiver(post_save, sender=Tag)
@receiver(pre_delete, sender=Tag)
def author_or_tag_changed(sender, instance, **kwargs):
    touch(instance.posts.all())


@receiver(post_save, sender=MediaEmbed)
@receiver(post_delete, sender=MediaEmbed)
def media_changed(sender, instance, **kwargs):
    touch(Post.objects.filter(pk=instance.post_id))


@receiver(m2m_changed, sender=Post.tags.through)
def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:  # post.tags changed
        touch(Post.objects.filter(pk=instance.pk))
    elif pk_set:  # tag.posts gained or lost these
        touch(Post.objects.filter(pk__in=pk_set))
    else:  # tag.posts cleared
        touch(instance.posts.all())


@receiver(post_save, sender=Image)
@receiver(pre_delete, sender=Image)
def featured_image_changed(sender, instance, **kwargs):
    """Its alt text or caption shows on the posts it leads (a deletion empties their field
    without saving them)."""
    touch(instance.featured_in.all())


@receiver(post_delete, sender=Image)
def image_deleted(sender, instance, **kwargs):
    """Its files go once the deletion is committed: the job is queued in the same transaction."""
    delete_image_files.defer(names=instance.file_names())
