"""Every typed date in the portal has a range a user would expect (core/dates.py, its own
tests in tests/core/test_dates.py).

The walk covers every form class of the project's apps, every ledger filter and every admin
form: each date or date-time field refuses 9999-12-31 and 0001-01-01 with the range's message.
A new date field without a range fails here.
"""

import contextlib
import datetime
import importlib

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.test import RequestFactory
from django.urls import get_resolver

from core.dates import DateRange

PROJECT_APPS = ("members", "chambers", "events", "petitions", "notices", "reports", "ylqgsl")
D = datetime.date
ABSURD = [D(9999, 12, 31), D(1, 1, 1)]
DATE_FIELDS = (forms.DateField, forms.DateTimeField)


def ours(cls) -> bool:
    return cls.__module__.split(".")[0] in PROJECT_APPS


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def project_forms():
    get_resolver().url_patterns  # imports every view, and so every form  # noqa: B018
    for app in PROJECT_APPS:
        for module in ("forms", "roster.forms", "filters", "ledgers.filters"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app}.{module}")
    found = {cls for cls in subclasses(forms.BaseForm) if ours(cls)}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def typed(field, day: datetime.date) -> str:
    """What a person would type into the field's input for `day`."""
    if isinstance(field, forms.DateTimeField):
        return f"{day.isoformat()}T10:00"
    if "%Y-%m-%d" not in (field.input_formats or ["%Y-%m-%d"]) and "%Y-%m" in field.input_formats:
        return day.isoformat()[:7]
    return day.isoformat()


def model_field(form_class, name):
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None or name in getattr(form_class, "declared_fields", {}):
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def refusal(form_class, name, field, day) -> ValidationError | None:
    """The error the form gives for `day` typed into `field`, from the field or its model."""
    try:
        value = field.clean(typed(field, day))
    except ValidationError as error:
        return error
    target = model_field(form_class, name)
    if target is not None:
        try:
            target.clean(value, None)
        except ValidationError as error:
            return error
    return None


def date_fields_of(form_class):
    return [
        (name, field)
        for name, field in form_class.base_fields.items()
        if isinstance(field, DATE_FIELDS)
    ]


def assert_refuses_absurd_dates(form_class, name, field):
    for day in ABSURD:
        error = refusal(form_class, name, field, day)
        where = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
        assert error is not None, f"{where} accepts {day}"
        assert "date_range" in {e.code for e in error.error_list}, (where, error.messages)


def test_the_walk_finds_the_date_inputs():
    names = {f"{cls.__name__}.{name}" for cls in project_forms() for name, _ in date_fields_of(cls)}
    assert {"ApplicationForm.founded_on", "EventForm.starts_at", "LogEntryForm.day"} <= names
    assert {"GenerateForm.first", "PetitionFilterForm.month", "AddMemberForm.joined_on"} <= names


@pytest.mark.parametrize(
    "form_class", [cls for cls in project_forms() if date_fields_of(cls)], ids=str
)
def test_every_form_date_has_a_range(form_class):
    for name, field in date_fields_of(form_class):
        assert_refuses_absurd_dates(form_class, name, field)


def project_filtersets():
    project_forms()
    return [cls for cls in subclasses(django_filters.FilterSet) if ours(cls)]


def test_every_filter_date_has_a_range():
    checked = 0
    for filterset in project_filtersets():
        for name, flt in filterset.base_filters.items():
            if issubclass(flt.field_class, DATE_FIELDS):
                assert_refuses_absurd_dates(filterset, name, flt.field)
                checked += 1
    assert checked >= 1


@pytest.mark.django_db
def test_every_admin_date_has_a_range(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not ours(model):
            continue
        form_classes = [model_admin.get_form(request)]
        form_classes += [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form_class in form_classes:
            for name, field in date_fields_of(form_class):
                assert_refuses_absurd_dates(form_class, name, field)
                checked += 1
    assert checked >= 20


def test_model_dates_carry_their_range():
    """So that every form of the model (the portal's and the admin's) checks it."""
    ranged = {
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if ours(model)
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField)
        and any(isinstance(v, DateRange) for v in field.validators)
    }
    assert {"Enterprise.founded_on", "Event.starts_at", "Holiday.day", "Term.starts_on"} <= ranged
