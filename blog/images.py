"""Uploaded pictures, checked and prepared with Pillow before anything is stored.

Only re-encoded pixels leave here: the camera's metadata (EXIF with its GPS location, XMP,
comments) is never copied, the orientation it recorded is applied to the pixels first, and
the colour profile is kept. A picture larger than ``BLOG_IMAGE_MAX_PIXELS`` is refused from its
header, before it is decoded, so a small file claiming a huge picture (a decompression bomb)
costs nothing. The kept original is scaled down to ``BLOG_IMAGE_MAX_WIDTH``, as WordPress
does, and smaller copies are made at each of ``BLOG_IMAGE_WIDTHS`` below its width.
"""

import io
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image as Pillow
from PIL import ImageOps, UnidentifiedImageError

# Pillow format → file extension, and how each is written.
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
ENCODING = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
}
ACCEPTED = "a JPEG, PNG or WebP picture"
CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"]
# How wide an image in the article's column is shown (its --measure, or the whole screen).
COLUMN_SIZES = "(min-width: 42rem) 38rem, 100vw"


@dataclass
class Encoded:
    """One stored picture: the file's bytes and its size in pixels."""

    content: bytes
    width: int
    height: int


@dataclass
class Prepared:
    """What an upload becomes: the kept original and its smaller copies, by width."""

    extension: str
    original: Encoded
    copies: dict[int, Encoded] = field(default_factory=dict)


def prepare(upload):
    """Check ``upload`` (a Django ``File``) and prepare it for storage, or raise a
    ``ValidationError`` that says what is wrong in words an author can act on."""
    if upload.size > settings.BLOG_IMAGE_MAX_BYTES:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; the most the site takes is "
            f"{filesizeformat(settings.BLOG_IMAGE_MAX_BYTES)}. Save the picture smaller "
            "or at a lower quality and upload it again.",
            code="too_large",
        )
    picture = _open(upload)
    return Prepared(
        extension=FORMATS[picture.format],
        original=_encode(_scaled(picture, settings.BLOG_IMAGE_MAX_WIDTH), picture.format),
        copies=_copies(picture),
    )


def _open(upload):
    """The decoded picture, upright; refused if it is no picture, too big, or broken."""
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice it; here both refuse.
        warnings.simplefilter("error", Pillow.DecompressionBombWarning)
        try:
            picture = Pillow.open(upload, formats=list(FORMATS))
            if picture.width * picture.height > settings.BLOG_IMAGE_MAX_PIXELS:
                raise _too_many_pixels(picture)
            if getattr(picture, "n_frames", 1) > 1:
                raise ValidationError(
                    "Animated pictures are not supported: upload a still picture.",
                    code="animated",
                )
            picture.load()
            upright = ImageOps.exif_transpose(picture)
        except ValidationError:
            raise
        except UnidentifiedImageError:
            raise ValidationError(
                f"This file is not {ACCEPTED}. Upload a photo or drawing saved as JPEG, "
                "PNG or WebP.",
                code="not_an_image",
            ) from None
        except (Pillow.DecompressionBombError, Pillow.DecompressionBombWarning):
            raise _too_many_pixels(None) from None
        except Exception:  # a damaged file makes Pillow's decoders raise all sorts of errors
            raise ValidationError(
                "This picture is damaged or incomplete. Open it on your computer, save it "
                "again, and upload the new file.",
                code="broken",
            ) from None
    upright.format = picture.format
    return upright


def _too_many_pixels(picture):
    limit = f"{settings.BLOG_IMAGE_MAX_PIXELS / 1e6:g} megapixels"
    size = "" if picture is None else f" ({picture.width:,} × {picture.height:,} pixels)"
    return ValidationError(
        f"This picture is too large{size}; the most the site takes is {limit}. "
        "Scale it down and upload it again.",
        code="too_many_pixels",
    )


def _scaled(picture, width):
    if picture.width <= width:
        return picture
    height = max(1, round(picture.height * width / picture.width))
    return picture.resize((width, height), Pillow.Resampling.LANCZOS, reducing_gap=3.0)


def _copies(picture):
    widths = sorted({w for w in settings.BLOG_IMAGE_WIDTHS if 0 < w < picture.width})
    widths = [w for w in widths if w < settings.BLOG_IMAGE_MAX_WIDTH]
    return {width: _encode(_scaled(picture, width), picture.format) for width in widths}


def _encode(picture, format):
    """``picture`` written as ``format`` with its colour profile and no other metadata."""
    options = dict(ENCODING[format])
    modes = {"JPEG": ("RGB", "L")}.get(format, ("RGB", "RGBA", "L", "LA"))
    if picture.mode in modes:
        if profile := picture.info.get("icc_profile"):
            options["icc_profile"] = profile
    else:  # a CMYK or palette picture: its profile, if any, describes other colours
        has_alpha = "A" in picture.getbands() or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha and format != "JPEG" else "RGB")
    buffer = io.BytesIO()
    # Only the options named here are written: no exif, xmp or text chunks are passed on.
    picture.save(buffer, format, **options)
    return Encoded(buffer.getvalue(), picture.width, picture.height)
