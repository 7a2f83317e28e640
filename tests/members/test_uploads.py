"""Every upload goes through core.uploads (tests/core/test_uploads.py): a licence at
registration, a petition's attachments, the roster import and the admin's licence field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Application, Enterprise
from petitions.models import Petition
from tests.members.test_registration import form_data, post
from tests.uploads import image, png_header_only, workbook, zip_bomb

pytestmark = pytest.mark.django_db


def upload(name, data):
    return SimpleUploadedFile(name, data)


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
