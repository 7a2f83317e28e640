"""The rules of services.services: who records for whom, what a record holds, who rates it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.http import Http404

from chambers.models import Post
from notices.models import Notice
from services import services
from services.models import ServiceRecipient, ServiceRecord
from tests.chambers.factories import OrganizationFactory, PostFactory
from tests.factories import EnterpriseFactory
from tests.services.conftest import field, record

pytestmark = pytest.mark.django_db
Rating = ServiceRecipient.Rating


def test_the_usual_fields_of_service_come_with_the_portal():
    assert field("finance").name == "金融服务"
    assert field("finance").terms == "finance"
    assert {f.code for f in type(field("policy")).objects.all()} >= {
        "policy", "legal", "finance", "talent", "market", "training", "rights", "other",
    }  # fmt: skip


def test_staff_record_one_service_for_several_enterprises(staff, enterprise_a, enterprise_b):
    service = record(staff, [enterprise_a, enterprise_b, enterprise_a])

    assert service.recorded_by == staff
    recipients = list(service.recipients.order_by("id"))
    assert [r.enterprise for r in recipients] == [enterprise_a, enterprise_b]
    assert {r.rating for r in recipients} == {Rating.UNRATED}
    assert service.history.get().history_user == staff
    assert ServiceRecipient.history.filter(history_user=staff).count() == 2


def test_a_service_needs_someone_who_gave_it(staff, enterprise_a, english):
    with pytest.raises(ValidationError, match="a staff member, a chamber or a partner"):
        record(staff, [enterprise_a], staff_member=None)
    assert not ServiceRecord.objects.exists()


def test_the_outcome_is_in_the_fields_own_terms(staff, enterprise_a):
    with pytest.raises(ValidationError) as refusal:
        record(staff, [enterprise_a], field=field("legal"), loan_yuan=Decimal("100000"))
    assert "loan_yuan" in refusal.value.error_dict
    assert not ServiceRecord.objects.exists()

    loan = record(
        staff, [enterprise_a], field=field("finance"), loan_yuan=Decimal("3000000"), bank="农商行"
    )
    advice = record(
        staff, [enterprise_a], field=field("legal"), legal_hours=Decimal("2.5"), legal_matter="合同"
    )
    placed = record(staff, [enterprise_a], field=field("talent"), people_placed=12)
    assert (loan.loan_yuan, advice.legal_hours, placed.people_placed) == (
        3000000,
        Decimal("2.5"),
        12,
    )


def test_only_current_members_of_the_federation_are_served(staff, enterprise_a):
    withdrawn = EnterpriseFactory(status="withdrawn", left_on=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError, match=withdrawn.name):
        record(staff, [enterprise_a, withdrawn])
    with pytest.raises(ValidationError):
        record(staff, [])
    assert not ServiceRecord.objects.exists()


def test_a_chamber_president_records_for_the_chambers_own_members(
    president, chamber, in_chamber, enterprise_a
):
    service = record(president, [enterprise_a], organization=chamber)

    assert service.organization == chamber
    assert service.recipients.get().enterprise == enterprise_a


def test_a_chamber_president_cannot_record_for_an_enterprise_outside_the_chamber(
    president, chamber, in_chamber, enterprise_a, enterprise_b
):
    with pytest.raises(ValidationError, match=enterprise_b.name):
        record(president, [enterprise_a, enterprise_b], organization=chamber)
    assert not ServiceRecord.objects.exists()


def test_a_chamber_president_cannot_record_for_another_chamber_or_none(
    president, in_chamber, enterprise_a
):
    other = OrganizationFactory(name="文旅商会")
    with pytest.raises(PermissionDenied):
        record(president, [enterprise_a], organization=other)
    with pytest.raises(PermissionDenied):
        record(president, [enterprise_a], organization=None)
    assert not ServiceRecord.objects.exists()


def test_a_vice_president_or_an_enterprise_user_records_nothing(
    chamber_term, chamber, in_chamber, enterprise_a, user_a
):
    vice = PostFactory(term=chamber_term, position=Post.Position.VICE_PRESIDENT).holder
    for actor in (vice, user_a):
        with pytest.raises(PermissionDenied):
            record(actor, [enterprise_a], organization=chamber)
    assert not ServiceRecord.objects.exists()


def test_the_secretary_general_records_too(chamber_term, chamber, in_chamber, enterprise_a):
    secretary = PostFactory(term=chamber_term, position=Post.Position.SECRETARY_GENERAL).holder
    assert record(secretary, [enterprise_a], organization=chamber).organization == chamber


def test_a_user_of_the_enterprise_rates_the_service(staff, user_a, enterprise_a, enterprise_b):
    service = record(staff, [enterprise_a, enterprise_b])
    recipient = service.recipients.get(enterprise=enterprise_a)

    services.rate_service(actor=user_a, recipient=recipient, rating=Rating.BASICALLY)

    recipient.refresh_from_db()
    assert recipient.rating == Rating.BASICALLY
    assert recipient.rated_by == user_a
    assert recipient.rated_at is not None
    assert service.recipients.get(enterprise=enterprise_b).rating == Rating.UNRATED


def test_rating_is_refused_for_another_enterprises_service(staff, user_b, enterprise_a):
    recipient = record(staff, [enterprise_a]).recipients.get()

    for actor in (user_b, staff):
        with pytest.raises(PermissionDenied):
            services.rate_service(actor=actor, recipient=recipient, rating=Rating.NOT_SATISFIED)

    recipient.refresh_from_db()
    assert recipient.rating == Rating.UNRATED
    assert recipient.rated_at is None
    assert recipient.rated_by is None


def test_unrated_is_not_a_rating(staff, user_a, enterprise_a):
    recipient = record(staff, [enterprise_a]).recipients.get()
    with pytest.raises(ValidationError):
        services.rate_service(actor=user_a, recipient=recipient, rating=Rating.UNRATED)
    recipient.refresh_from_db()
    assert recipient.rated_at is None


def test_a_change_adds_and_removes_enterprises_but_keeps_those_that_rated(
    staff, user_a, enterprise_a, enterprise_b
):
    service = record(staff, [enterprise_a])
    enterprise_c = EnterpriseFactory()
    services.rate_service(actor=user_a, recipient=service.recipients.get(), rating=Rating.SATISFIED)

    services.change_service(
        record=service, actor=staff, enterprises=[enterprise_a, enterprise_b, enterprise_c],
        what="政策解读（第二场）",
    )  # fmt: skip
    services.change_service(record=service, actor=staff, enterprises=[enterprise_a, enterprise_b])

    service.refresh_from_db()
    assert service.what == "政策解读（第二场）"
    assert set(service.recipients.values_list("enterprise", flat=True)) == {
        enterprise_a.pk, enterprise_b.pk
    }  # fmt: skip
    with pytest.raises(ValidationError, match=enterprise_a.name):
        services.change_service(record=service, actor=staff, enterprises=[enterprise_b])
    assert service.recipients.filter(enterprise=enterprise_a, rating=Rating.SATISFIED).exists()


def test_a_chamber_president_changes_only_the_chambers_services(
    staff, president, chamber, in_chamber, enterprise_a
):
    own = record(president, [enterprise_a], organization=chamber)
    federation_only = record(staff, [enterprise_a])

    services.change_service(record=own, actor=president, what="融资政策宣讲")
    with pytest.raises(PermissionDenied):
        services.change_service(record=federation_only, actor=president, what="改")

    federation_only.refresh_from_db()
    assert federation_only.what == "惠企政策解读会"
    own.refresh_from_db()
    assert own.what == "融资政策宣讲"


def test_the_enterprises_users_are_asked_to_rate_the_service(staff, user_a, user_b, enterprise_a):
    service = record(staff, [enterprise_a], what="知识产权保护讲座")

    notice = Notice.objects.get(recipient=user_a, kind="service_recorded")
    assert notice.link == "/services/mine/"
    assert "知识产权保护讲座" in notice.subject
    assert not Notice.objects.filter(recipient=user_b).exists()
    services.change_service(record=service, actor=staff, enterprises=[enterprise_a])
    assert Notice.objects.filter(recipient=user_a, kind="service_recorded").count() == 1


def test_an_enterprise_that_has_left_since_stays_on_the_service_it_was_given(
    staff, enterprise_a, enterprise_b
):
    """Correcting an older service does not ask that every enterprise served is still a
    member; only one added now must be."""
    service = record(staff, [enterprise_a])
    enterprise_a.status = "suspended"
    enterprise_a.save()
    services.change_service(record=service, actor=staff, enterprises=[enterprise_a], what="更正")
    service.refresh_from_db()
    assert service.what == "更正"
    assert [r.enterprise for r in service.recipients.all()] == [enterprise_a]
    enterprise_b.status = "suspended"
    enterprise_b.save()
    with pytest.raises(ValidationError):
        services.change_service(
            record=service, actor=staff, enterprises=[enterprise_a, enterprise_b]
        )
    assert service.recipients.count() == 1


def test_a_rating_for_an_enterprise_taken_off_the_service_is_a_404(staff, user_a, enterprise_a):
    service = record(staff, [enterprise_a])
    recipient = service.recipients.get()
    ServiceRecipient.objects.filter(pk=recipient.pk).delete()
    with pytest.raises(Http404):
        services.rate_service(actor=user_a, recipient=recipient, rating="satisfied")


def test_a_field_used_by_services_keeps_its_code_and_terms_in_the_admin(staff, enterprise_a):
    from django.contrib.admin.sites import site

    from services.models import ServiceField

    legal = field("legal")
    field_admin = site._registry[ServiceField]
    assert field_admin.get_readonly_fields(None, legal) == []
    record(staff, [enterprise_a], field=legal)
    assert field_admin.get_readonly_fields(None, legal) == ["code", "terms"]


def test_the_federation_itself_records_no_chamber_services(chamber_term, enterprise_a):
    from chambers.models import Organization
    from services import access

    federation = OrganizationFactory(kind=Organization.Kind.FEDERATION, slug="yq-fic")
    president = PostFactory(term__organization=federation, position=Post.Position.PRESIDENT).holder
    assert not access.can_record_for(president, federation)


def test_the_forms_outcome_fields_are_the_models(english):
    """Declared once, on the model: the form's label, size and bounds follow it."""
    from django.utils.text import capfirst

    from services.forms import ChamberServiceForm, ServiceForm
    from services.models import ServiceRecord

    for form_class in (ServiceForm, ChamberServiceForm):
        form = form_class()
        for name in ("loan_yuan", "bank", "legal_hours", "legal_matter", "people_placed"):
            model_field = ServiceRecord._meta.get_field(name)
            form_field = form.fields[name]
            assert str(form_field.label) == capfirst(str(model_field.verbose_name))
            assert not form_field.required
            for bound in ("max_length", "max_digits", "decimal_places"):
                if hasattr(form_field, bound) and getattr(model_field, bound, None):
                    assert getattr(form_field, bound) == getattr(model_field, bound)
        assert form.fields["outcome"].max_length == 2000
    assert str(ServiceForm().fields["loan_yuan"].label) == "Loan amount (yuan)"


def test_a_negative_outcome_figure_is_refused_on_its_field(staff, english):
    from services.forms import ServiceForm

    form = ServiceForm(
        {"loan_yuan": "-1", "legal_hours": "-0.5", "people_placed": "-2", "outcome": "x" * 2001},
        actor=staff,
    )
    assert not form.is_valid()
    for name in ("loan_yuan", "legal_hours", "people_placed"):
        assert form.errors[name] == ["Ensure this value is greater than or equal to 0."], name
    assert "at most 2000 characters" in form.errors["outcome"][0]


def test_people_placed_past_the_columns_range_is_refused_on_its_field(staff, english):
    """The model's integer range is the form's maximum: the database never sees the number."""
    from services.forms import ChamberServiceForm, ServiceForm

    [limit] = [
        v.limit_value
        for v in ServiceRecord._meta.get_field("people_placed").validators
        if isinstance(v, MaxValueValidator)
    ]
    for form_class in (ServiceForm, ChamberServiceForm):
        assert form_class().fields["people_placed"].max_value == limit
    form = ServiceForm({"people_placed": str(limit + 1)}, actor=staff)
    assert not form.is_valid()
    assert form.errors["people_placed"] == [f"Ensure this value is less than or equal to {limit}."]
