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
from PIL import ExifTags, ImageOps, UnidentifiedImageError
from PIL import Image as Pillow

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
    picture, format = _open(upload)
    original = _scaled(picture, settings.BLOG_IMAGE_MAX_WIDTH)
    widths = sorted({w for w in settings.BLOG_IMAGE_WIDTHS if 0 < w < original.width})
    return Prepared(
        extension=FORMATS[format],
        original=_encode(original, format),
        # From the kept original, so each copy's height is scaled_height() of its size.
        copies={width: _encode(_scaled(original, width), format) for width in widths},
    )


def scaled_height(width, height, new_width):
    """The height of a ``width`` × ``height`` picture scaled to ``new_width``."""
    return max(1, round(height * new_width / width))


def _open(upload):
    """The decoded picture, upright and in a mode every format writes, and its format;
    refused if it is no picture, too big, animated or broken."""
    upload.seek(0)
    with warnings.catch_warnings():
        # The site's own limit, checked next, names the picture's size; Pillow's warning
        # would say less (its error, at twice its own limit, still stands).
        warnings.simplefilter("ignore", Pillow.DecompressionBombWarning)
        try:
            picture = Pillow.open(upload, formats=list(FORMATS))  # MPO comes as JPEG
            if picture.width * picture.height > settings.BLOG_IMAGE_MAX_PIXELS:
                raise _too_many_pixels(picture)
            # A camera's JPEG with preview pictures inside (MPO): the first is the photo.
            format = "JPEG" if picture.format == "MPO" else picture.format
            if format != "JPEG" and getattr(picture, "n_frames", 1) > 1:
                raise ValidationError(
                    "Animated pictures are not supported: upload a still picture.",
                    code="animated",
                )
            _decode_small(picture)
            picture.load()
            ImageOps.exif_transpose(picture, in_place=True)
            return _plain(picture), format
        except ValidationError:
            raise
        except UnidentifiedImageError:
            raise ValidationError(
                f"This file is not {ACCEPTED}. Upload a photo or drawing saved as JPEG, "
                "PNG or WebP.",
                code="not_an_image",
            ) from None
        except Pillow.DecompressionBombError:
            raise _too_many_pixels(None) from None
        except Exception:  # a damaged file makes Pillow's decoders raise all sorts of errors
            raise ValidationError(
                "This picture is damaged or incomplete. Open it on your computer, save it "
                "again, and upload the new file.",
                code="broken",
            ) from None


def _decode_small(picture):
    """Let a JPEG decode at a half, quarter or eighth of its size when that is still as wide
    as the kept original (once upright), so a 45-megapixel photo never fills the memory."""
    if picture.format not in {"JPEG", "MPO"}:
        return
    sideways = picture.getexif().get(ExifTags.Base.Orientation) in {5, 6, 7, 8}
    width, height = picture.size[::-1] if sideways else picture.size
    target = settings.BLOG_IMAGE_MAX_WIDTH
    if width > target:
        needed = (target, scaled_height(width, height, target))
        picture.draft(picture.mode, needed[::-1] if sideways else needed)


def _plain(picture):
    """``picture`` in RGB(A) or greyscale (L, LA), with no metadata but its colour profile.

    Converted before any resizing, which would otherwise pick the nearest pixel for a palette
    and clip 16-bit greyscale to white; a CMYK picture's profile describes other colours.
    """
    profile = picture.info.get("icc_profile")
    if picture.mode.startswith("I"):  # 16-bit greyscale
        picture = picture.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    elif picture.mode == "1":
        picture = picture.convert("L")
    elif picture.mode not in {"RGB", "RGBA", "L", "LA"}:
        if picture.mode in {"CMYK", "LAB", "HSV"}:
            profile = None
        picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
    picture.info = {"icc_profile": profile} if profile else {}
    return picture


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
    height = scaled_height(picture.width, picture.height, width)
    return picture.resize((width, height), Pillow.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(picture, format):
    """``picture`` written as ``format``, with its colour profile and no other metadata (the
    only options given are these: no exif, xmp, comment or text chunk is passed on)."""
    options = dict(ENCODING[format])
    if profile := picture.info.get("icc_profile"):
        options["icc_profile"] = profile
    buffer = io.BytesIO()
    picture.save(buffer, format, **options)
    return Encoded(buffer.getvalue(), picture.width, picture.height)
