"""The licence and the typed passwords survive the round trip of a form sent back.

A credit code whose check character fails is sent back for the applicant to confirm; the
applicant must not have to choose the licence again, nor type the passwords twice more.
"""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from members.models import Application, User
from tests.factories import make_credit_code
from tests.members.test_registration import form_data, post
from tests.uploads import PDF, held_files, held_token

pytestmark = pytest.mark.django_db

BAD_CHECK = make_credit_code(616161, valid=False)
PASSWORD = "Yanqing-Snow-2026"


def password_values(response) -> list[str]:
    html = response.content.decode()
    tags = re.findall(r'<input[^>]*name="account-password[12]"[^>]*>', html)
    return [(re.search(r'value="([^"]*)"', tag) or [None, ""])[1] for tag in tags]


def first_round(client):
    response = post(client, form_data(credit_code=BAD_CHECK))
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert not Application.objects.exists()
    return response


def test_the_licence_is_kept_and_attached_on_confirmation(client):
    response = first_round(client)
    token = held_token(response)
    assert "licence.pdf" in response.content.decode()  # says which file is kept
    assert len(held_files()) == 1

    confirm = form_data(credit_code=BAD_CHECK, confirm_credit_code="on", held_uploads=token)
    response = post(client, confirm, licence=None)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.licence.read() == PDF
    assert application.licence.name.startswith("licences/")
    assert not application.credit_code_checksum_ok
    assert held_files() == []  # moved, not copied and left behind


def test_the_typed_passwords_come_back(client):
    response = first_round(client)
    assert password_values(response) == [PASSWORD, PASSWORD]
    assert "no-store" in response["Cache-Control"]

    confirm = form_data(credit_code=BAD_CHECK, confirm_credit_code="on",
                        held_uploads=held_token(response))  # fmt: skip
    post(client, confirm, licence=None)
    assert User.objects.get(email="liu@example.com").check_password(PASSWORD)


def test_passwords_that_failed_are_not_shown_again(client):
    response = post(client, form_data(**{"account-password2": "Something-Else-2026"}))
    assert password_values(response) == ["", ""]


def test_a_new_file_replaces_the_kept_one(client):
    token = held_token(first_round(client))
    other = PDF.replace(b"1.4", b"1.7")
    confirm = form_data(credit_code=BAD_CHECK, confirm_credit_code="on", held_uploads=token)
    post(client, confirm, licence=other)
    assert Application.objects.get().licence.read() == other
    assert held_files() == []


def test_a_token_does_not_work_in_another_applicants_session(client):
    token = held_token(first_round(client))
    stranger = Client()
    data = form_data(credit_code=BAD_CHECK, confirm_credit_code="on", held_uploads=token,
                     **{"account-email": "stranger@example.com"})  # fmt: skip
    response = post(stranger, data, licence=None)
    assert "licence" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_forged_token_names_no_file(client):
    first_round(client)
    session = client.session
    key = next(iter(session["held_uploads"]))
    for token in (key, "x" + held_token(first_round(client))[1:], "../licences/x.pdf"):
        confirm = form_data(credit_code=BAD_CHECK, confirm_credit_code="on", held_uploads=token)
        response = post(client, confirm, licence=None)
        assert "licence" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_token_expires(client):
    token = held_token(first_round(client))
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=2)
    with time_machine.travel(later):
        confirm = form_data(credit_code=BAD_CHECK, confirm_credit_code="on", held_uploads=token)
        response = post(client, confirm, licence=None)
    assert "licence" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_file_that_failed_its_checks_is_not_kept(client):
    response = post(client, form_data(credit_code=BAD_CHECK), licence=b"MZ", filename="x.exe")
    assert "licence" in response.context["form"].errors
    assert held_files() == []
    assert not re.search(r'name="held_uploads" value=', response.content.decode())


def test_files_nobody_came_back_for_are_removed(client):
    first_round(client)
    assert len(held_files()) == 1
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=2)):
        first_round(Client())
    assert len(held_files()) == 1  # the first, older than its token, is gone


def test_any_correction_keeps_the_licence(client):
    response = post(client, form_data(contact_mobile="12345"))
    assert "contact_mobile" in response.context["form"].errors
    fixed = form_data(held_uploads=held_token(response))
    assert post(client, fixed, licence=None).status_code == 302
    assert Application.objects.get().licence.read() == PDF


def submission_token(response) -> str:
    tag = re.search(r'<input[^>]*name="submission"[^>]*>', response.content.decode()).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def test_the_confirmation_sent_again_answers_like_the_first(client):
    token = submission_token(client.get(reverse("members:register")))
    response = post(client, form_data(credit_code=BAD_CHECK, submission=token))
    confirm = form_data(
        credit_code=BAD_CHECK,
        confirm_credit_code="on",
        held_uploads=held_token(response),
        submission=token,
    )
    first = post(client, confirm, licence=None)
    again = post(client, confirm, licence=None)  # Back and send again: the kept file is gone
    assert first.status_code == again.status_code == 302
    assert again.url == first.url
    assert Application.objects.count() == 1


def test_a_session_keeps_one_file_however_often_the_form_fails(client):
    for _ in range(4):
        first_round(client)
    assert len(held_files()) == 1
    assert len(client.session["held_uploads"]) == 1


def test_nothing_more_is_held_once_the_folder_is_full(client, monkeypatch):
    first_round(Client())
    monkeypatch.setattr("core.held_uploads.HELD_MAX_BYTES", len(PDF) + 1)
    response = first_round(client)
    assert not re.search(r'name="held_uploads" value=', response.content.decode())
    assert len(held_files()) == 1  # the applicant picks the file again; the disk is spared
