"""What an uploaded document may be: checked by extension, size and content (not by name alone)."""

from django.conf import settings

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


def upload_problem(upload, allowed) -> str | None:
    """None if `upload` is acceptable, else 'file_type', 'file_size' or 'file_content'."""
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
    return None


def max_megabytes() -> int:
    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)
