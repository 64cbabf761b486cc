"""Memory and time of preparing a large photo upload: `python -m bench.image_upload`.

Not part of the tests (about half a minute). A JPEG of about 50 megapixels (8660 × 5773, near
the most ``BLOG_IMAGE_MAX_PIXELS`` takes), upright and stored sideways (EXIF orientation 6),
goes through ``blog.images.prepare`` in a fresh process each time; the process's resident
memory is sampled while it runs, and its peak above what it had before is the result
(Pillow's pixels are outside Python's heap, so tracemalloc cannot see them). Side by side: the
code as it is, which lets the JPEG decoder deliver the picture at a fraction of its size,
against a baseline with that step turned off (the whole picture decoded). The ratios are the
result.
"""

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time

SIZE = (8660, 5773)
RUNS = 3


def _photo(orientation):
    from PIL import ExifTags, Image

    picture = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def _resident():
    """This process's resident memory now, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def _measure(path, baseline):
    """In this (child) process: prepare the upload at ``path``; its peak memory and time,
    as JSON (the photo was drawn by the parent, so drawing it is not counted)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from blog import images

    with open(path, "rb") as photo:
        content = photo.read()
    if baseline:
        images._decode_small = lambda picture: None
    before = _resident()
    peak = [before]
    done = threading.Event()

    def watch():  # the high-water mark of the process would include Django's start-up
        while not done.wait(0.002):
            peak[0] = max(peak[0], _resident())

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    prepared = images.prepare(SimpleUploadedFile("photo.jpg", content))
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    print(
        json.dumps(
            {
                "megabytes": (peak[0] - before) / 2**20,
                "seconds": elapsed,
                "size": [prepared.original.width, prepared.original.height],
            }
        )
    )


def _run(path, baseline):
    command = [sys.executable, "-m", "bench.image_upload", "--child", path]
    if baseline:
        command.append("--baseline")
    results = [
        json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        for _ in range(RUNS)
    ]
    return min(results, key=lambda r: r["seconds"]) | {
        "megabytes": min(r["megabytes"] for r in results)
    }


def main():
    print(f"prepare() of a {SIZE[0]} × {SIZE[1]} JPEG, best of {RUNS} fresh processes")
    print(f"{'orientation':<12} {'':<10} {'peak MB':>8} {'seconds':>8} {'kept':>11}")
    for orientation, label in [(1, "upright"), (6, "sideways")]:
        with tempfile.NamedTemporaryFile(suffix=".jpg") as photo:
            photo.write(_photo(orientation))
            photo.flush()
            now, before = _run(photo.name, False), _run(photo.name, True)
        for name, result in [("baseline", before), ("now", now)]:
            kept = "×".join(map(str, result["size"]))
            print(
                f"{label:<12} {name:<10} {result['megabytes']:>8.0f} "
                f"{result['seconds']:>8.2f} {kept:>11}"
            )
        print(
            f"{label:<12} {'ratio':<10} {before['megabytes'] / now['megabytes']:>7.1f}× "
            f"{before['seconds'] / now['seconds']:>7.1f}× less"
        )


if __name__ == "__main__":
    if "--child" in sys.argv:
        _measure(sys.argv[sys.argv.index("--child") + 1], "--baseline" in sys.argv)
    else:
        main()
