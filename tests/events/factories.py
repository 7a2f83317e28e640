"""Events a day or more ahead by default, open to members, published."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import Event, Invitation, Registration


def at(days: float = 0, hours: float = 0) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days, hours=hours)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    kind = Event.Kind.LECTURE
    title = factory.Sequence(lambda n: f"民企学堂第{n}期")
    venue = "延庆区工商联三层会议室"
    starts_at = factory.LazyFunction(lambda: at(days=10))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(hours=2))
    audience = Event.Audience.MEMBERS
    status = Event.Status.PUBLISHED


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory, audience=Event.Audience.INVITATION)
    guest_name = "张明"
    guest_title = "区发改委副主任"
    guest_email = "zhangming@example.cn"


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person_name = factory.Sequence(lambda n: f"参会人{n}")
    status = Registration.Status.CONFIRMED
