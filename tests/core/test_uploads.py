"""core.uploads: a file is judged by its content and by what it unpacks to, never by its name.

No pixel floods (an image's size is read from its header, never decoded), no zip bombs
(an Office file's archive must unpack to a plausible size, and truly does).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import upload_problem
from tests.uploads import image, lying_zip, png_header_only, workbook, zip_bomb

ALLOWED_ATTACHMENTS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "pptx", "doc", "xls", "ppt")


def upload(name, data):
    return SimpleUploadedFile(name, data)


def test_a_huge_png_is_small_on_disk_yet_refused():
    data = png_header_only(20000, 20000)
    assert len(data) < 10_000
    assert upload_problem(upload("licence.png", data), ("png",)) == "image_pixels"


def test_pixel_limit_is_inclusive(settings):
    settings.UPLOAD_MAX_PIXELS = 100 * 100
    assert upload_problem(upload("a.png", image(100, 100)), ("png",)) is None
    assert upload_problem(upload("b.png", image(100, 101)), ("png",)) == "image_pixels"
    assert upload_problem(upload("c.jpg", image(101, 100, "JPEG")), ("jpg",)) == "image_pixels"


def test_an_image_past_pillows_own_bomb_limit_is_refused_not_raised():
    # Over twice Image.MAX_IMAGE_PIXELS Pillow raises DecompressionBombError on open.
    data = png_header_only(60000, 60000)
    assert upload_problem(upload("licence.png", data), ("png",)) == "image_pixels"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # the signature, then nothing
        ("scan.png", image(kind="JPEG")),  # a JPEG named .png
        ("scan.jpg", b"\xff\xd8\xff" + b"\x00" * 64),
        ("sheet.xlsx", b"PK\x03\x04rest"),
    ],
)
def test_a_file_that_only_starts_right_is_refused(name, data):
    assert upload_problem(upload(name, data), ALLOWED_ATTACHMENTS) == "file_content"


def test_ordinary_files_pass_and_are_left_at_their_start():
    for name, data in [
        ("photo.jpg", image(4000, 3000, "JPEG")),
        ("scan.png", image()),
        ("sheet.xlsx", workbook()),
    ]:
        file = upload(name, data)
        assert upload_problem(file, ALLOWED_ATTACHMENTS) is None
        assert file.read() == data


def test_a_zip_bomb_office_file_is_refused():
    assert upload_problem(upload("欠款.xlsx", zip_bomb()), ALLOWED_ATTACHMENTS) == "zip_size"


def test_an_office_file_unpacking_past_the_total_limit_is_refused(settings):
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 4096
    assert upload_problem(upload("sheet.xlsx", workbook()), ("xlsx",)) == "zip_size"


def test_a_zip_whose_sizes_lie_is_refused():
    assert upload_problem(upload("report.docx", lying_zip()), ("docx",)) == "file_content"
