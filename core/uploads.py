"""What an uploaded document may be: checked by extension, size and content (not by name alone).

Content means more than the first bytes: an image's dimensions (read from its header, never
decoded) must stay under UPLOAD_MAX_PIXELS, and an Office file's zip must unpack to a
plausible size, so neither a reviewer's browser nor Office (nor our own import) is handed a
decompression bomb.
"""

import warnings
import zipfile
import zlib

from django.conf import settings
from PIL import Image, UnidentifiedImageError

ZIP = (b"PK\x03\x04",)  # docx, xlsx, pptx
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # doc, xls, ppt
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "doc": OLE,
    "xls": OLE,
    "ppt": OLE,
}
PDF_AND_IMAGES = ("pdf", "jpg", "jpeg", "png")
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}
# A member this small cannot hurt whatever its ratio (a blank sheet compresses a thousandfold).
ZIP_RATIO_FLOOR = 1024 * 1024


def upload_problem(upload, allowed) -> str | None:
    """None if `upload` is acceptable, else why not.

    One of 'file_type', 'file_size', 'file_content', 'image_pixels' or 'zip_size'.
    """
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in allowed:
        return "file_type"
    if upload.size > settings.UPLOAD_MAX_BYTES:
        return "file_size"
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in SIGNATURES[ext]):
        return "file_content"
    if ext in IMAGE_FORMATS:
        return image_problem(upload, IMAGE_FORMATS[ext])
    if SIGNATURES[ext] is ZIP:
        return zip_problem(upload)
    return None


def image_problem(upload, image_format: str) -> str | None:
    """'image_pixels' over the pixel limit, 'file_content' if not a readable image header."""
    try:
        # Pillow warns (or refuses, past twice its own limit) about huge images: we
        # apply our own, lower limit to the size read from the header.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[image_format]) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return "image_pixels"
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return "file_content"
    finally:
        upload.seek(0)
    if width * height > settings.UPLOAD_MAX_PIXELS:
        return "image_pixels"
    return None


def zip_problem(upload) -> str | None:
    """'zip_size' if the archive unpacks to too much or too fast, 'file_content' if broken."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > settings.UPLOAD_MAX_UNZIPPED_BYTES or any(
                member.file_size > ZIP_RATIO_FLOOR
                and member.file_size > member.compress_size * settings.UPLOAD_MAX_ZIP_RATIO
                for member in members
            ):
                return "zip_size"
            # The sizes above are what the archive declares: unpacking every member (now
            # known to be bounded) proves them, as a member that inflates past its declared
            # size fails its checksum.
            if archive.testzip() is not None:
                return "file_content"
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError):
        # Corrupt, truncated, encrypted or in a compression zipfile cannot read.
        return "file_content"
    finally:
        upload.seek(0)
    return None


def max_megabytes() -> int:
    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)


def max_megapixels() -> int:
    return settings.UPLOAD_MAX_PIXELS // 1_000_000


def max_unzipped_megabytes() -> int:
    return settings.UPLOAD_MAX_UNZIPPED_BYTES // (1024 * 1024)
