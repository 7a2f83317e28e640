"""Files for upload tests: ordinary ones, and ones that unpack to far more than they weigh."""

import io
import re
import struct
import zipfile
import zlib

import openpyxl
from PIL import Image

from core.storage import private_storage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
"""The smallest file every PDF reader (and the upload checks) accept as a PDF."""


def png_header_only(width: int, height: int) -> bytes:
    """A PNG declaring width×height pixels in a few dozen bytes (what a reader sees first)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\x00" * (width // 8 + 1) * 16)  # a few rows: never decoded
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def image(width=640, height=480, kind="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, kind)
    return buffer.getvalue()


def workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["企业名称", "统一社会信用代码"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(megabytes=16) -> bytes:
    """An Office-looking zip whose one member inflates ~1000-fold (16 MB of zeros in ~16 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"\x00" * (1024 * 1024)
            for _megabyte in range(megabytes):
                member.write(block)
    return buffer.getvalue()


def lying_zip() -> bytes:
    """A zip whose member declares 1,000 bytes but inflates to 8 MB."""
    data = zip_bomb(megabytes=8)
    real = struct.pack("<I", 8 * 1024 * 1024)
    assert data.count(real) == 2  # the local header and the central directory
    return data.replace(real, struct.pack("<I", 1000))


def held_token(response, prefix="") -> str:
    """The token of the files a form sent back holds (core/held_uploads.py)."""
    name = f"{prefix}held_uploads"
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.content.decode()).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def held_files() -> list[str]:
    """The files held for forms sent back, in private storage."""
    storage = private_storage()
    return storage.listdir("held")[1] if storage.exists("held") else []
