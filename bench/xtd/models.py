from django.db import models
from django.urls import reverse


class Post(models.Model):
    """The one object the benchmark's thread is attached to."""

    title = models.CharField(max_length=200)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("thread")
