"""Text a user sends is stored without the Unicode controls that reverse the text around it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from petitions.models import Petition, Suggestion
from tests.uploads import PDF
from ylqgsl.middleware import BIDI_CONTROLS, UserTextMiddleware

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "abc\u202edef" shows as "abcfed"


def test_petition_title_and_file_name_lose_bidirectional_controls(client_a):
    response = client_a.post(
        "/petitions/new/",
        {
            "category": "arrears",
            "urgency": "normal",
            "title": f"工程款{RLO}被拖欠",
            "description": f"拖欠\u2066工程款\u2069120万元。{RLO}",
            "attachments": [SimpleUploadedFile(f"合同{RLO}fdp.exe.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    petition = Petition.objects.get()
    petition.refresh_from_db()
    assert petition.title == "工程款被拖欠"
    assert petition.description == "拖欠工程款120万元。"
    assert [a.original_name for a in petition.attachments.all()] == ["合同fdp.exe.pdf"]
    page = client_a.get(f"/petitions/{petition.public_id}/").content.decode()
    assert RLO not in page


def test_suggestion_loses_bidirectional_controls(client_a):
    response = client_a.post(
        "/petitions/suggestions/new/",
        {"kind": "suggestion", "title": f"{RLO}优化营商环境", "text": "建议\u202b内容"},
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.title, suggestion.text) == ("优化营商环境", "建议内容")


@pytest.mark.parametrize("control", list(BIDI_CONTROLS))
def test_every_form_field_loses_each_control(control):
    """One place for every form: any field name, repeated fields, the marks kept."""
    request = RequestFactory().post(
        "/any/", {"anything": f"a{control}b", "many": ["x", f"y{control}"], "mark": "a\u200fb"}
    )
    UserTextMiddleware(lambda r: None).process_view(request, None, (), {})
    assert request.POST["anything"] == "ab"
    assert request.POST.getlist("many") == ["x", "y"]
    assert request.POST["mark"] == "a\u200fb"  # a right-to-left mark reorders nothing around it
    assert not request.POST._mutable


def test_a_form_without_controls_is_left_as_it_came():
    request = RequestFactory().post("/any/", {"title": "优化营商环境", "mark": "a\u200fb"})
    post = request.POST
    UserTextMiddleware(lambda r: None).process_view(request, None, (), {})
    assert request.POST is post
