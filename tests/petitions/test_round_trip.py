"""A petition form sent back keeps what was typed and the files chosen (core/held_uploads.py):
an invalid field, or a colleague who changed the petition meanwhile, never makes anyone type
a reply again or pick its attachments again."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from petitions import services
from petitions.models import Petition
from tests.conftest import client_for
from tests.petitions.conftest import state_of
from tests.uploads import PDF, held_files, held_token

pytestmark = pytest.mark.django_db


def test_a_petition_sent_back_keeps_its_attachment(client_a):
    data = {"category": "legal", "urgency": "normal", "title": "合同纠纷", "description": ""}
    response = client_a.post(
        "/petitions/new/", {**data, "attachments": [SimpleUploadedFile("合同.pdf", PDF)]}
    )
    assert response.status_code == 200 and "description" in response.context["form"].errors
    assert not Petition.objects.exists()
    assert "Kept from your last attempt: 合同.pdf" in response.content.decode()
    assert len(held_files()) == 1

    fixed = {**data, "description": "对方拖欠货款", "held_uploads": held_token(response)}
    response = client_a.post("/petitions/new/", fixed)
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert [a.original_name for a in petition.attachments.all()] == ["合同.pdf"]
    assert petition.attachments.get().file.read() == PDF
    assert held_files() == []


def test_another_session_cannot_use_the_token_and_is_told(client_a, user_a):
    data = {"category": "legal", "urgency": "normal", "title": "合同纠纷", "description": ""}
    response = client_a.post(
        "/petitions/new/", {**data, "attachments": [SimpleUploadedFile("合同.pdf", PDF)]}
    )
    token = held_token(response)
    other = client_for(user_a)  # the same user, another browser (or the token expired)
    response = other.post("/petitions/new/", {**data, "description": "说明", "held_uploads": token})
    assert response.status_code == 200
    assert "no longer kept" in str(response.context["form"].errors["attachments"])
    assert not Petition.objects.exists()  # never filed without the files the page promised
    # Said once: the page no longer carries the dead token, so it can be sent without files.
    assert 'name="held_uploads"' in response.content.decode()
    assert not re.search(r'name="held_uploads" value="[^"]', response.content.decode())
    response = other.post("/petitions/new/", {**data, "description": "说明"})
    assert response.status_code == 302
    assert not Petition.objects.get().attachments.exists()


def test_a_reply_refused_by_a_colleagues_change_keeps_its_text_and_file(
    petition, staff, staff2, department
):
    petition = services.accept_petition(petition=petition, actor=staff, expected_version=1)
    petition = services.forward_petition(
        petition=petition, actor=staff, expected_version=2, department=department
    )
    client = client_for(staff2)
    url = f"/petitions/{petition.public_id}/act/reply/"
    seen = petition.version
    services.post_update(petition=petition, actor=staff, expected_version=seen, note="已联系银行")
    before = state_of(petition)

    reply = "经协调，银行同意续贷，请于本周内提交材料。"
    response = client.post(
        url,
        {
            "reply-version": seen,
            "reply-text": reply,
            "reply-attachments": [SimpleUploadedFile("续贷通知.pdf", PDF)],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "changed by someone else" in html
    assert reply in html  # typed text kept
    assert 'id="act-reply" class="accordion-collapse collapse show"' in html
    assert "Kept from your last attempt: 续贷通知.pdf" in html
    assert state_of(petition) == before
    form = response.context["action_forms"]
    sent = dict(form)["reply"]
    assert sent["version"].value() == petition.version  # the version now read

    response = client.post(
        url,
        {
            "reply-version": petition.version,
            "reply-text": reply,
            "reply-held_uploads": held_token(response, "reply-"),
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == "replied"
    event = petition.events.get(action="reply")
    assert [a.original_name for a in event.attachments.all()] == ["续贷通知.pdf"]
    assert held_files() == []


def test_an_invalid_action_form_comes_back_with_what_was_typed(petition, staff):
    petition = services.accept_petition(petition=petition, actor=staff, expected_version=1)
    before = state_of(petition)
    reason = "需要等待区财政局的复核意见"
    response = client_for(staff).post(
        f"/petitions/{petition.public_id}/act/extend/",
        {"extend-version": petition.version, "extend-working_days": 0, "extend-reason": reason},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert reason in html
    assert 'id="act-extend" class="accordion-collapse collapse show"' in html
    assert dict(response.context["action_forms"])["extend"].errors
    assert state_of(petition) == before


def test_a_rating_sent_without_a_choice_keeps_the_comment(petition, staff, client_a, department):
    petition = services.accept_petition(petition=petition, actor=staff, expected_version=1)
    petition = services.forward_petition(
        petition=petition, actor=staff, expected_version=2, department=department
    )
    petition = services.reply_petition(
        petition=petition, actor=staff, expected_version=3, text="已办结"
    )
    before = state_of(petition)
    response = client_a.post(
        f"/petitions/{petition.public_id}/rate/",
        {"version": petition.version, "comment": "响应很快，感谢"},
    )
    assert response.status_code == 200
    assert "响应很快，感谢" in response.content.decode()
    assert response.context["rate_form"].errors
    assert state_of(petition) == before
