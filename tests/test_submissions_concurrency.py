"""The same rendered form sent from several threads at the same moment, each on its own
connection: one object, one tracking number, one notice.

On PostgreSQL (CI) the sendings meet at the unique (form, token) claim in `create_once`: the
first holds it while it creates, the others wait on the index and then find its object. No
read-then-write decides it.
"""

import pytest
from django.urls import reverse

from notices.models import Notice
from petitions.models import Petition, Suggestion
from tests.conftest import client_for
from tests.factories import EnterpriseFactory, UserFactory
from tests.test_submissions import rendered_token
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True)
SENDINGS = 4


def send_together(user, url, data):
    """Post `data` to `url` from SENDINGS threads at once, each with its own client and
    connection; return the answers."""
    answers = []
    clients = [client_for(user) for _ in range(SENDINGS)]
    assert run_together([lambda c=c: answers.append(c.post(url, data)) for c in clients]) == []
    assert [a.status_code for a in answers] == [302] * SENDINGS
    assert len({a["Location"] for a in answers}) == 1
    return answers


def test_one_petition_form_sent_at_once_from_four_threads_files_one_petition():
    user = UserFactory(enterprise=EnterpriseFactory())
    UserFactory(is_staff=True)
    url = reverse("petitions:new")
    data = {
        "category": "financing",
        "urgency": "normal",
        "title": "贷款续贷困难",
        "description": "银行要求追加抵押，企业流动资金紧张。",
        **rendered_token(client_for(user), url),
    }

    send_together(user, url, data)

    assert Petition.objects.count() == 1
    assert Notice.objects.filter(kind="petition_received").count() == 1
    assert Notice.objects.filter(kind="petition_new").count() == 1


def test_one_suggestion_form_sent_at_once_from_four_threads_keeps_one_suggestion():
    user = UserFactory(enterprise=EnterpriseFactory())
    url = reverse("petitions:suggestion_new")
    data = {
        "kind": "suggestion",
        "title": "建议设立企业服务驿站",
        "text": "在各镇设立服务点。",
        **rendered_token(client_for(user), url),
    }

    send_together(user, url, data)

    assert Suggestion.objects.count() == 1
