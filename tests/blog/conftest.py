"""Fixtures for the blog's tests: pictures made in memory and uploaded as an author would."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Pillow

from blog.models import Image


@pytest.fixture
def make_image():
    """``make_image(width, height, format, alt, name, **fields)``: a library image uploaded
    through ``Image.objects.upload`` from a plain picture drawn with Pillow."""

    def make(
        width=2000, height=1200, format="JPEG", alt="A bridge at dusk", name="bridge.jpg", **fields
    ):
        data = io.BytesIO()
        Pillow.new("RGB", (width, height), (70, 110, 160)).save(data, format=format)
        upload = SimpleUploadedFile(name, data.getvalue())
        return Image.objects.upload(upload, alt=alt, **fields)

    return make
