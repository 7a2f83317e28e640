"""core.fields: phone numbers encrypted at rest (docs/domain.md); the database holds only tokens."""

import io

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from core.fields import EncryptedCharField, decrypt_rows, encrypt_rows
from events.models import Registration
from members.models import Enterprise, RepresentativePerson, User
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def stored(model, pk, column, key="id"):
    """The value as the database holds it."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def is_token(value):
    return value.startswith("gAAAAA") and len(value) > 80


def test_an_enterprises_numbers_are_stored_encrypted():
    enterprise = EnterpriseFactory(contact_mobile="13911112222", contact_phone="010-69101234")
    assert is_token(stored(Enterprise, enterprise.pk, "contact_mobile"))
    assert is_token(stored(Enterprise, enterprise.pk, "contact_phone"))
    assert "13911112222" not in stored(Enterprise, enterprise.pk, "contact_mobile")
    enterprise.refresh_from_db()
    assert enterprise.contact_mobile == "13911112222"
    values = Enterprise.objects.filter(pk=enterprise.pk).values_list("contact_mobile", flat=True)
    assert list(values) == ["13911112222"]
    # Its history too.
    record = enterprise.history.latest()
    table_key = "history_id"
    assert is_token(stored(Enterprise.history.model, record.pk, "contact_mobile", table_key))
    assert record.contact_mobile == "13911112222"


def test_the_database_is_not_asked_to_compare_numbers():
    """Each value is encrypted afresh: a filter on a number would silently match nothing."""
    blank = EnterpriseFactory(contact_phone="")
    with pytest.raises(FieldError):
        Enterprise.objects.filter(contact_mobile="13800138000").count()
    with pytest.raises(FieldError):
        Enterprise.objects.filter(contact_mobile__endswith="8000").count()
    assert list(Enterprise.objects.filter(contact_phone="")) == [blank]


def test_each_value_is_encrypted_afresh():
    """The same number gives a different token each time: equal numbers do not show."""
    first = EnterpriseFactory(contact_mobile="13911112222")
    second = EnterpriseFactory(contact_mobile="13911112222")
    assert stored(Enterprise, first.pk, "contact_mobile") != stored(
        Enterprise, second.pk, "contact_mobile"
    )


def test_a_blank_number_stays_blank():
    user = UserFactory(mobile="")
    assert stored(User, user.pk, "mobile") == ""
    user.refresh_from_db()
    assert user.mobile == ""
    person = RepresentativePerson.objects.create(name="王芳", gender="f", mobile="13600001111")
    assert is_token(stored(RepresentativePerson, person.pk, "mobile"))


def test_rows_written_before_are_encrypted_in_place_and_back():
    """What the migrations do to numbers stored in plain text."""
    enterprise = EnterpriseFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_enterprise SET contact_mobile = %s WHERE id = %s",
            ["13700007777", enterprise.pk],
        )
    enterprise.refresh_from_db()
    assert enterprise.contact_mobile == "13700007777"  # plain text still reads
    columns = {"members.Enterprise": ["contact_mobile"]}
    encrypt_rows(global_apps, Editor(), columns)
    assert is_token(stored(Enterprise, enterprise.pk, "contact_mobile"))
    enterprise.refresh_from_db()
    assert enterprise.contact_mobile == "13700007777"
    decrypt_rows(global_apps, Editor(), columns)
    assert stored(Enterprise, enterprise.pk, "contact_mobile") == "13700007777"


class Editor:
    """What the migration helpers use of a schema editor (SQLite allows none in a test's
    transaction)."""

    connection = connection
    quote_name = staticmethod(connection.ops.quote_name)

    def execute(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def forget_keys():
    """Each encrypted field derives its keys once: forget them after changing the settings."""
    for model in global_apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCharField):
                for name in ("keys", "f"):
                    field.__dict__.pop(name, None)


def test_numbers_stay_readable_after_the_secret_key_is_rotated(settings):
    enterprise = EnterpriseFactory(contact_mobile="13911112222")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789-abcdefghijkl"
    forget_keys()
    try:
        enterprise.refresh_from_db()
        assert enterprise.contact_mobile == "13911112222"
        # Re-encrypted under the new key, the old one can go.
        call_command("encrypt_phone_numbers", stdout=io.StringIO())
        settings.SECRET_KEY_FALLBACKS = []
        forget_keys()
        enterprise.refresh_from_db()
        assert enterprise.contact_mobile == "13911112222"
    finally:
        forget_keys()


def test_a_number_no_key_opens_is_reported_and_never_written_back_plain(settings, caplog):
    enterprise = EnterpriseFactory(contact_mobile="13911112222")
    settings.SECRET_KEY = "a-new-secret-key-without-any-fallback-0123456789-abcdef"
    forget_keys()
    try:
        enterprise.refresh_from_db()
        assert "no key decrypts" in caplog.text
        with pytest.raises(RuntimeError, match="does not decrypt"):
            decrypt_rows(global_apps, Editor(), {"members.Enterprise": ["contact_mobile"]})
        with pytest.raises(CommandError, match="does not decrypt"):
            call_command("encrypt_phone_numbers", stdout=io.StringIO())
    finally:
        forget_keys()


def test_the_door_finds_a_registration_by_the_last_digits_of_its_mobile(staff_client, user_a):
    event = EventFactory()
    registration = RegistrationFactory(
        event=event, user=user_a, mobile="13512345678", status=Registration.Status.CONFIRMED
    )
    assert is_token(stored(Registration, registration.pk, "mobile"))
    url = reverse("events:checkin", args=[event.public_id])
    assert list(staff_client.get(url, {"q": "5678"}).context["found"]) == [registration]
    assert list(staff_client.get(url, {"q": "1234"}).context["found"]) == []
