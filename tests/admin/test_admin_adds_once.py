"""Every add page of the admin adds once (core/admin.py: AddsOnce, mixed in by the portal's
site into every model admin, the other packages' too): the page sent twice with the same
token makes one row, and the second sending lands on the first one's object."""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule

from chambers.models import DutyMonth, Organization
from core.admin import AddsOnce
from events.models import Event
from members.models import Township, served_townships
from services.models import ServiceField
from tests.factories import make_credit_code


def add_pages():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return sorted(
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_add_permission(request)
    )


class FormValues(HTMLParser):
    """What a browser sends of the page's form: each field's value as the page shows it."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        name = attrs.get("name")
        if not self.inside or (tag in ("input", "select", "textarea") and not name):
            return
        if name and "__prefix__" in name:
            return  # an inline's template for rows added by script
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if attrs.get("type") in ("checkbox", "radio") else ""
            self.values.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "select":
            self.select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.values[self.select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.values[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] = [self.values[self.textarea][0] + data]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_values(page: str, form_id: str) -> dict:
    parser = FormValues(form_id)
    parser.feed(page)
    return {name: values for name, values in parser.values.items() if values}


def rows(users):
    """The rows an add page points to, from the permission matrix's cast."""
    chamber = Organization.objects.get(slug="ice")
    federation = Organization.objects.get(kind=Organization.Kind.FEDERATION)
    return {
        "enterprise": users["enterprise_a"].enterprise.pk,
        "user": users["enterprise_a"].pk,
        "leader": users["leader"].pk,
        "chamber": chamber.pk,
        "term": federation.terms.order_by("number").last(),
        "township": Township.objects.filter(served_townships()).first().pk,
        "interval": IntervalSchedule.objects.first().pk,
        "event": Event.objects.first().pk,
        "month": DutyMonth.objects.get(month=date(2030, 1, 1)).pk,
    }


def enterprise_details(seq, township):
    return {
        "township": township, "contact_name": "王五", "contact_mobile": "13800138000",
        "name": f"延庆区测试企业{seq}有限公司", "credit_code": make_credit_code(900 + seq),
        "legal_representative": "王五", "industry": "C", "size": "small",
        "ownership": "private", "address": "延庆区百泉街1号",
    }  # fmt: skip


# What each add page needs besides what it shows: values, or a function of the cast's rows.
ADD_DATA = {
    "auth.Group": {"name": "监事会"},
    "chambers.Affiliation": lambda r: {
        "organization": r["chamber"],
        "enterprise": r["enterprise"],
        "role": "member",
        "joined_on": "2020-01-01",
        "left_on": "2020-12-31",
    },
    "chambers.DutyLogEntry": lambda r: {
        "duty_month": r["month"],
        "author": r["leader"],
        "day": "2030-01-03",
        "kind": "visit",
        "text": "走访会员企业",
    },
    "chambers.DutyMonth": {"month": "2031-01-01", "status": "planned"},
    "chambers.FourGoodEvaluation": lambda r: {
        "organization": r["chamber"],
        "year": "2024",
        "level": "district",
        "political_guidance": "good",
        "team_building": "good",
        "service": "good",
        "self_discipline": "good",
    },
    "chambers.Organization": {"slug": "wenlv", "name": "延庆区文旅商会", "kind": "industry"},
    "chambers.Post": lambda r: {
        "term": r["term"].pk,
        "holder": r["user"],
        "position": "vice_chair",
        "started_on": r["term"].starts_on.isoformat(),
    },
    "chambers.Secondment": lambda r: {
        "duty_month": r["month"],
        "person_name": "挂职干部",
        "enterprise": r["enterprise"],
        "starts_on": "2030-01-01",
        "ends_on": "2030-01-31",
    },
    "chambers.Term": lambda r: {
        "organization": r["term"].organization_id,
        "number": str(r["term"].number + 1),
        "starts_on": (r["term"].starts_on + timedelta(days=400)).isoformat(),
    },
    "chambers.Unavailability": lambda r: {
        "user": r["leader"],
        "month": "2031-02-01",
        "reason": "出差",
    },
    "django_celery_beat.ClockedSchedule": {
        "clocked_time_0": "2031-01-01",
        "clocked_time_1": "08:00:00",
    },
    "django_celery_beat.CrontabSchedule": {"minute": "30", "hour": "9"},
    "django_celery_beat.IntervalSchedule": {"every": "7", "period": "days"},
    "django_celery_beat.PeriodicTask": lambda r: {
        "name": "weekly",
        "regtask": "notices.tasks.deliver_pending_emails",
        "interval": r["interval"],
    },
    "django_celery_beat.SolarSchedule": {
        "event": "sunset",
        "latitude": "40.46",
        "longitude": "115.97",
    },
    "events.Donation": lambda r: {
        "event": r["event"],
        "enterprise": r["enterprise"],
        "cash_yuan": "500",
        "received_on": "2025-06-02",
    },
    "events.Event": {
        "kind": "symposium",
        "title": "民营企业座谈会",
        "starts_at_0": "2030-06-01",
        "starts_at_1": "09:00:00",
        "ends_at_0": "2030-06-01",
        "ends_at_1": "11:00:00",
        "capacity": "50",
        "venue": "区工商联会议室",
    },
    "events.Invitation": lambda r: {"event": r["event"], "enterprise": r["enterprise"]},
    "events.RaisedProblem": lambda r: {
        "event": r["event"],
        "enterprise": r["enterprise"],
        "text": "融资难",
    },
    "events.Registration": lambda r: {
        "event": r["event"],
        "person_name": "赵六",
        "organisation_name": "某公司",
        "status": "confirmed",
        "seats": "1",
        "mobile": "13800138000",
    },
    "members.Enterprise": lambda r: {
        **enterprise_details(1, r["township"]),
        "joined_on": "2024-01-01",
        "member_number": "YQ-2024-0999",
    },
    "members.RepresentativePerson": lambda r: {
        "name": "李四",
        "gender": "f",
        "birth_year": "1980",
        "enterprise": r["enterprise"],
    },
    "members.RepresentativeTag": {"name": "青年企业家"},
    "members.Township": {
        "code": "110119999",
        "name": "测试镇",
        "kind": "town",
        "district_code": "110119",
        "district_name": "延庆区",
    },
    "members.User": {
        "email": "new@ylqgsl.test",
        "real_name": "新用户",
        "password1": "Yanqing-2026!",
        "password2": "Yanqing-2026!",
    },
    "notices.EmailOptOut": lambda r: {"user": r["user"], "kind": "event_reminder"},
    "petitions.DeadlineRule": {
        "category": "legal",
        "urgency": "urgent",
        "first_response_hours": "4",
        "reply_working_days": "5",
        "complex_reply_working_days": "10",
        "reply_hours": "",
    },
    "petitions.Department": {"name": "区人力社保局", "code": "rsj"},
    "petitions.Holiday": {"day": "2030-10-13", "name": "调休", "is_workday": "on"},
    "petitions.Suggestion": lambda r: {
        "kind": "suggestion",
        "title": "关于优化营商环境的建议",
        "text": "建议……",
        "author": r["user"],
        "sent_on": "2025-03-01",
    },
    "visits.Visit": lambda r: {
        "planned_on": "2030-06-01",
        "status": "planned",
        "enterprises": [r["enterprise"]],
        "purpose": "走访调研",
    },
    "policies.Topic": {"code": "export", "name": "外贸出口", "name_en": "Exports", "order": "20"},
    "services.Partner": {"name": "延庆农商银行", "kind": "bank"},
    "services.ServiceField": {"code": "tax", "name": "财税服务", "name_en": "Tax", "terms": "none"},
    "services.ServiceRecord": lambda r: {
        "enterprises": "延庆冰雪文旅有限公司",
        "field": ServiceField.objects.get(code="finance").pk,
        "what": "银企对接",
        "given_on": "2025-06-03",
        "organization": r["chamber"],
        "loan_yuan": "500000",
        "bank": "延庆农商银行",
    },
}


def test_every_registered_admin_adds_once():
    assert all(isinstance(a, AddsOnce) for a in admin.site._registry.values())


@pytest.mark.django_db
@pytest.mark.parametrize("label", add_pages())
def test_an_add_page_sent_twice_adds_once(every_kind_of_row, admin_client, label):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    page = admin_client.get(url)
    assert page.status_code == 200
    data = form_values(page.content.decode(), f"{model._meta.model_name}_form")
    assert data.get("submission"), "the page carries no token"
    extra = ADD_DATA.get(label, {})
    data |= extra(rows(every_kind_of_row[1])) if callable(extra) else extra
    before = model._default_manager.count()
    first = admin_client.post(url, data)
    assert first.status_code == 302, (
        first.context and first.context["adminform"].form.errors,
        data,
    )
    assert model._default_manager.count() == before + 1
    again = admin_client.post(url, data)
    assert again.status_code == 302
    assert again.url == first.url
    assert model._default_manager.count() == before + 1
    added = LogEntry.objects.filter(
        action_flag=ADDITION, content_type__model=model._meta.model_name
    )
    assert added.count() == 1
