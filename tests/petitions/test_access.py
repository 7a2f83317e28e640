"""Enterprise B never sees enterprise A's petition, timeline or files, even by guessing."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from petitions import services
from petitions.models import Attachment
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.uploads import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(file_for, staff):
    petition = file_for(files=[SimpleUploadedFile("合同.pdf", PDF)])
    p = services.accept_petition(petition=petition, actor=staff, expected_version=1)
    services.request_information(
        petition=p, actor=staff, expected_version=2, question="请补充欠款明细"
    )
    return petition


def urls(petition):
    attachment = petition.attachments.get()
    base = f"/petitions/{petition.public_id}/"
    return [base, base + "timeline/", f"{base}files/{attachment.public_id}/"]


def test_enterprise_a_sees_its_petition_timeline_and_file(filed, client_a):
    for url in urls(filed):
        assert client_a.get(url).status_code == 200, url
    response = client_a.get(urls(filed)[2])
    assert b"".join(response.streaming_content) == PDF


def test_enterprise_b_gets_404_for_all_of_it(filed, client_b):
    for url in urls(filed):
        assert client_b.get(url).status_code == 404, url


def test_enterprise_b_cannot_act_on_it(filed, client_b):
    base = f"/petitions/{filed.public_id}/"
    assert client_b.post(base + "information/", {"version": 3, "text": "x"}).status_code == 404
    assert client_b.post(base + "rate/", {"version": 3, "rating": "satisfied"}).status_code == 404
    filed.refresh_from_db()
    assert filed.status == "waiting"


def test_guessed_addresses_are_404(filed, client_a):
    assert client_a.get(f"/petitions/{uuid.uuid4()}/").status_code == 404
    guessed = f"/petitions/{filed.public_id}/files/{uuid.uuid4()}/"
    assert client_a.get(guessed).status_code == 404


def test_a_file_of_another_petition_is_404_under_this_one(filed, file_for, user_b):
    other = file_for(user_b, files=[SimpleUploadedFile("b.pdf", PDF)])
    url = f"/petitions/{filed.public_id}/files/{other.attachments.get().public_id}/"
    assert client_for(filed.filed_by).get(url).status_code == 404


def test_internal_file_is_for_staff_only(filed, staff, client_a):
    attachment = filed.attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(visible_to_enterprise=False)
    url = f"/petitions/{filed.public_id}/files/{attachment.public_id}/"
    assert client_a.get(url).status_code == 404
    assert client_for(staff).get(url).status_code == 200


def test_enterprise_list_shows_only_its_own(filed, file_for, user_b, client_a, client_b):
    other = file_for(user_b, title="乙企业的诉求")
    page_a = client_a.get("/petitions/").content.decode()
    assert filed.tracking_number in page_a and other.tracking_number not in page_a
    page_b = client_b.get("/petitions/").content.decode()
    assert other.tracking_number in page_b and filed.tracking_number not in page_b


def test_a_colleague_of_the_same_enterprise_follows_it(filed, enterprise_a):
    colleague = UserFactory(enterprise=enterprise_a)
    assert client_for(colleague).get(f"/petitions/{filed.public_id}/").status_code == 200


def test_staff_only_pages(filed, client_a, outsider):
    for url in [
        "/petitions/ledger/",
        "/petitions/metrics/",
        "/petitions/record/",
        f"/petitions/{filed.public_id}/record/",
        "/petitions/ledger/export.xlsx",
    ]:
        assert client_a.get(url).status_code == 403, url
        assert client_for(outsider).get(url).status_code == 403, url
        assert client_for(None).get(url).status_code == 302, url


def test_outsider_cannot_file(outsider):
    assert client_for(outsider).get("/petitions/new/").status_code == 403
    assert client_for(outsider).get("/petitions/").status_code == 403
