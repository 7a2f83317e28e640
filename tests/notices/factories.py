"""Notices made directly, for the tests that are not about how notify() makes them."""

import factory
from factory.django import DjangoModelFactory

from notices.models import Notice
from tests.factories import UserFactory

# The context the application_* e-mail templates need.
APPLICATION = {"name": "延庆冰雪文旅有限公司"}


class NoticeFactory(DjangoModelFactory):
    class Meta:
        model = Notice

    recipient = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda notice: notice.recipient.email)
    kind = "application_received"
    key = factory.Sequence(lambda n: f"test:{n}")
    subject = factory.Sequence(lambda n: f"通知 {n}")
    body = "正文"
    link = ""
