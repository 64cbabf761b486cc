"""Pictures for the demo posts, drawn with Pillow (no network, nothing to license): skies in
gradients, with hills, a sun, a bridge, lit windows or steps laid over them."""

import io

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 1000


def _sky(top, bottom):
    """A picture filled with a vertical gradient from ``top`` to ``bottom`` (RGB)."""
    column = Image.new("RGB", (1, HEIGHT))
    for y in range(HEIGHT):
        share = y / (HEIGHT - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize((WIDTH, HEIGHT))


def dusk_bridge():
    picture = _sky((38, 52, 110), (246, 170, 120))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((1060, 430, 1260, 630), fill=(255, 214, 150))
    draw.rectangle((0, 700, WIDTH, HEIGHT), fill=(34, 46, 78))
    draw.arc((160, 430, 1440, 1130), 180, 360, fill=(24, 28, 40), width=34)
    draw.rectangle((0, 600, WIDTH, 624), fill=(24, 28, 40))
    for x in range(220, 1400, 110):
        draw.line((x, 624, x, 700), fill=(24, 28, 40), width=10)
    return picture


def night_bus():
    picture = _sky((10, 14, 40), (44, 40, 90))
    draw = ImageDraw.Draw(picture)
    for x, height in [(0, 520), (260, 640), (520, 480), (900, 700), (1240, 560)]:
        draw.rectangle((x, HEIGHT - height, x + 300, HEIGHT), fill=(22, 24, 52))
    draw.rounded_rectangle((240, 640, 1360, 900), radius=40, fill=(196, 58, 44))
    for x in range(300, 1260, 160):
        draw.rounded_rectangle((x, 680, x + 120, 770), radius=10, fill=(255, 226, 140))
    for x in (420, 1140):
        draw.ellipse((x - 60, 850, x + 60, 970), fill=(16, 16, 20))
    return picture


def green_hills():
    picture = _sky((120, 190, 235), (222, 240, 250))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((180, 140, 360, 320), fill=(255, 236, 160))
    draw.polygon([(0, 700), (420, 520), (900, 690), (0, 1000)], fill=(96, 160, 96))
    draw.polygon([(500, 1000), (1100, 560), (1600, 660), (1600, 1000)], fill=(64, 132, 84))
    draw.rectangle((0, 860, WIDTH, HEIGHT), fill=(46, 104, 70))
    return picture


def staircase():
    picture = _sky((236, 222, 200), (200, 176, 150))
    draw = ImageDraw.Draw(picture)
    steps = 9
    for step in range(steps):
        x = 120 + step * 150
        y = HEIGHT - 100 - step * 90
        shade = 150 - step * 8
        draw.rectangle((x, y, WIDTH, HEIGHT), fill=(shade + 40, shade, shade - 30))
    draw.line((120, HEIGHT - 180, WIDTH, 80), fill=(60, 50, 44), width=12)
    return picture


def jpeg(picture):
    """The picture's bytes as a JPEG, as a camera would hand them over."""
    data = io.BytesIO()
    picture.save(data, format="JPEG", quality=88)
    return data.getvalue()
