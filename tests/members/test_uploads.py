"""Uploads are checked by what they unpack to: no pixel floods, no zip bombs.

The same checks hold for a licence at registration, a petition's attachments and the
roster import.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Application, Enterprise
from members.uploads import upload_problem
from petitions.forms import ALLOWED_ATTACHMENTS
from petitions.models import Petition
from tests.members.test_registration import form_data, post
from tests.uploads import image, lying_zip, png_header_only, workbook, zip_bomb

pytestmark = pytest.mark.django_db


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


def test_registration_refuses_a_pixel_flood_licence(client):
    response = post(client, form_data(), licence=png_header_only(20000, 20000), filename="l.png")
    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["licence"]
    assert error.code == "image_pixels"
    assert error.message == "图片像素过多：最多6400万像素。请降低扫描或拍摄的分辨率后重新上传。"
    assert not Application.objects.exists()


def test_registration_still_accepts_a_photographed_licence(client):
    response = post(client, form_data(), licence=image(4000, 3000, "JPEG"), filename="l.jpg")
    assert response.status_code == 302
    assert Application.objects.get().licence.name.endswith(".jpg")


def file_petition(client, *attachments):
    return client.post(
        "/petitions/new/",
        {
            "category": "arrears",
            "urgency": "normal",
            "title": "工程款被拖欠",
            "description": "区内某单位拖欠工程款120万元。",
            "attachments": list(attachments),
        },
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("欠款.xlsx", zip_bomb(), "欠款.xlsx 解压后超过 100 MB，或压缩比异常"),
        ("现场.png", png_header_only(20000, 20000), "现场.png 像素过多：最多6400万像素"),
    ],
)
def test_petition_refuses_bombs_as_attachments(client_a, name, data, message):
    response = file_petition(client_a, upload(name, data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Petition.objects.exists()


def test_petition_accepts_ordinary_office_files_and_photos(client_a):
    response = file_petition(
        client_a, upload("欠款.xlsx", workbook()), upload("现场.jpg", image(kind="JPEG"))
    )
    assert response.status_code == 302
    assert Petition.objects.get().attachments.count() == 2


def test_roster_import_refuses_a_zip_bomb(staff_client):
    response = staff_client.post(
        reverse("members:import"), {"file": upload("roster.xlsx", zip_bomb()), "dry_run": ""}
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["file"]
    assert error.code == "zip_size"
    assert not Enterprise.objects.exists()


def test_the_admin_cannot_replace_a_licence_past_the_checks(admin_client, pending_application):
    url = reverse("admin:members_application_change", args=[pending_application.pk])
    html = admin_client.get(url).content.decode()
    assert 'type="file"' not in html
    assert "licence" in html  # shown, read only
