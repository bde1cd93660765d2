"""Media the preview tests make themselves (nothing is downloaded): pictures with
Pillow, a one-page PDF written by hand, short videos encoded with PyAV, and the
damaged and hostile files a preview must survive."""

import io
import random
import struct
import zlib

import av
from PIL import Image, ImageCms, ImageDraw

from verification.models import Preview

RED, BLUE, GREEN = (220, 30, 30), (30, 30, 220), (30, 200, 60)


def png(width: int = 640, height: int = 480, colour=GREEN, icc: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    buffer = io.BytesIO()
    extra = {"icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()} if icc else {}
    image.save(buffer, "PNG", **extra)
    return buffer.getvalue()


def sideways_jpeg(width: int = 2400, height: int = 1200) -> bytes:
    """A phone photo stored sideways: left half red, right half blue, with EXIF
    orientation 6 (turn 90° clockwise to show), a camera maker and GPS."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "Model X-Ray"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (50.0, 27.0, 1.0)  # GPSLatitudeRef, GPSLatitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def pdf(width: int = 200, height: int = 300) -> bytes:
    """One page, white, with a red box near its bottom-left corner, written by hand."""
    content = b"0.85 0.1 0.1 rg 20 20 160 100 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (width, height),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def video(seconds: float = 3.0, black_seconds: float = 1.0, rotation: int = 0, fps: int = 10) -> bytes:
    """An MP4 of `seconds` at 160×120: black for `black_seconds`, then green;
    `rotation` goes into the display matrix, as a phone writes it."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        if rotation:
            stream.set_display_rotation(rotation)
        for index in range(int(seconds * fps)):
            colour = (0, 0, 0) if index < black_seconds * fps else GREEN
            image = Image.new("RGB", (160, 120), colour)
            image.paste(RED, (0, 0, 40, 30))  # a red corner, to see which way the frame was turned
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def damaged_png() -> bytes:
    """A PNG whose signature and header are right and whose pixels are cut off."""
    return png(320, 240)[:120]


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width`×`height`: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def cover_of(evidence) -> Preview | None:
    evidence.refresh_from_db()
    return Preview.objects.filter(stored_file__sha256=evidence.sha256, kind="cover").first()


def scene(seed: int, width: int = 640, height: int = 480) -> Image.Image:
    """A picture with something in it (PDQ rates a flat colour too plain to
    compare): a gradient sky and overlapping shapes placed by `seed`."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(image, Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3))), 0.5)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(width // 8, width // 2), rng.randrange(height // 8, height // 2)
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x - w // 2, y - h // 2, x + w // 2, y + h // 2], fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


def encoded(image: Image.Image, format: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def scene_video(seed: int, width: int = 320, height: int = 240, seconds: float = 2.0, crf: int = 23) -> bytes:
    """An MP4 showing `scene(seed)` still, at `width`×`height` and x264's `crf`."""
    picture = scene(seed, width, height)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10, options={"crf": str(crf)})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for _ in range(int(seconds * 10)):
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def two_scene_video(
    seconds: float = 4.0, cut: float = 2.0, fps: int = 10, width: int = 160, height: int = 120, format: str = "mp4"
) -> bytes:
    """A video (MP4, or `format`) showing `scene(1)` until `cut` seconds, then `scene(2)`: one hard cut."""
    first, second = scene(1, width, height), scene(2, width, height)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=format) as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(int(seconds * fps)):
            picture = first if index < cut * fps else second
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def claiming_duration(data: bytes, seconds: float) -> bytes:
    """The Matroska video `data` with its Segment Info's Duration (EBML id 0x4489,
    a float in milliseconds by default) saying it lasts `seconds`: a container
    that lies about its length, as an edited or damaged file can."""
    at = data.find(b"\x44\x89")
    width = data[at + 2] & 0x7F  # the size byte: 0x84 for a 4-byte float, 0x88 for 8
    value = struct.pack(">f" if width == 4 else ">d", seconds * 1000)
    return data[: at + 3] + value + data[at + 3 + width :]
