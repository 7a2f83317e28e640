"""Made for 700 to 100,000 rows: every foreign key to enterprises, users and organisations is
an autocomplete, dated ledgers have a date hierarchy (the notices, the fastest-growing table,
a date filter instead), the largest tables skip the full count, and the enterprises'
changelist asks the same few queries however many rows there are."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chambers.models import DutyLogEntry, DutyMonth, Organization
from core.admin import LongList
from events.models import Donation, Event, Invitation, Registration
from members.models import Application, Enterprise
from notices.models import Notice
from petitions.models import Petition, PetitionEvent
from tests.conftest import TZ
from tests.factories import EnterpriseFactory

LARGE = (Enterprise, get_user_model(), Organization)
# The enterprises have the directory's join-year filter instead (members/admin.py), the
# notices a date filter (notices/admin.py).
DATED_LEDGERS = [Application, Event, Donation, DutyMonth, DutyLogEntry]


def editing_admins(superuser):
    """Each model admin and each of its inlines, with the fields its forms edit."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        for each in [model_admin, *model_admin.get_inline_instances(request)]:
            if not (
                each.has_add_permission(request, None)
                if each is not model_admin
                else each.has_add_permission(request)
            ) and not each.has_change_permission(request):
                continue  # read only: nothing is chosen here
            readonly = set(each.get_readonly_fields(request))
            parent = getattr(each, "fk_name", None) or next(
                (
                    f.name
                    for f in each.model._meta.fields
                    if each is not model_admin and f.related_model is model
                ),
                None,
            )
            yield (
                each,
                [
                    f
                    for f in each.model._meta.get_fields()
                    if f.is_relation
                    and f.concrete
                    and f.editable
                    and f.name not in readonly
                    and f.name != parent
                    and f.related_model in LARGE
                    and not f.auto_created
                ],
            )


@pytest.mark.django_db
def test_every_key_to_enterprises_users_and_organisations_is_an_autocomplete(superuser):
    missing = [
        f"{each.model._meta.label}.{field.name}"
        for each, fields in editing_admins(superuser)
        for field in fields
        if field.name not in each.autocomplete_fields
        and not (each.fields is not None and field.name not in each.fields)
        and field.name not in (each.exclude or ())
    ]
    assert not missing, f"select boxes of every row: {missing}"


@pytest.mark.parametrize("model", DATED_LEDGERS, ids=lambda m: m._meta.label)
def test_dated_ledgers_have_a_date_hierarchy(model):
    field = admin.site._registry[model].date_hierarchy
    assert field and isinstance(
        model._meta.get_field(field), models.DateField | models.DateTimeField
    )


LONG_LISTS = [Enterprise, get_user_model(), Petition, PetitionEvent, Notice, Registration,
              Invitation]  # fmt: skip


@pytest.mark.parametrize("model", LONG_LISTS, ids=lambda m: m._meta.label)
def test_the_largest_tables_count_once_and_skip_the_full_count(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, LongList)
    assert model_admin.show_full_result_count is False


@pytest.mark.django_db
@pytest.mark.parametrize("model", LONG_LISTS, ids=lambda m: m._meta.label)
def test_a_long_list_is_read_in_the_order_of_an_index(superuser, model):
    """The changelist's order (as the admin completes it with the primary key) is an index's
    columns, read forwards or backwards: a page is read from the index, not the table
    sorted (at 1,000,000 petitions, or as many timeline entries and notices)."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    ordering = (
        admin.site._registry[model]
        .get_changelist_instance(request)
        .get_ordering(request, model._default_manager.all())
    )
    pk = model._meta.pk.attname
    columns = [
        pk if o.lstrip("-") == "pk" else model._meta.get_field(o.lstrip("-")).attname
        for o in ordering
    ]
    directions = {o.startswith("-") for o in ordering}
    indexed = [[model._meta.get_field(f.lstrip("-")).attname for f in i.fields]
               for i in model._meta.indexes]  # fmt: skip
    indexed += [[f.attname] for f in model._meta.fields if f.unique]
    assert len(directions) == 1, ordering  # one direction: the index read one way
    assert columns in indexed, (ordering, indexed)


@pytest.mark.django_db
def test_a_long_list_counts_once_until_its_table_changes(admin_client, page_cache):
    """The count is kept (core/counts.py) until the table changes; a page past the middle is
    read backwards (core/paginator.py) and shows the same rows as read forwards."""
    EnterpriseFactory.create_batch(7)
    url = reverse("admin:members_enterprise_changelist")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as asked:
        response = admin_client.get(url, {"p": "1"})  # another page to render, the same count
    assert not [q for q in asked.captured_queries if "COUNT(" in q["sql"].upper()]
    assert response.context["cl"].result_count == 7
    EnterpriseFactory()
    assert admin_client.get(url).context["cl"].result_count == 8
    every = [e.pk for e in Enterprise.objects.order_by("name_pinyin", "id")]
    model_admin = admin.site._registry[Enterprise]
    model_admin.list_per_page, per_page = 3, model_admin.list_per_page
    try:
        pages = [admin_client.get(url, {"p": p}).context["cl"].result_list for p in (1, 2, 3)]
    finally:
        model_admin.list_per_page = per_page
    assert [e.pk for page in pages for e in page] == every


@pytest.mark.django_db
def test_notices_are_filtered_by_date_without_a_distinct_over_every_row(admin_client, user_a):
    """A date hierarchy lists the notices' dates with a DISTINCT over the table; the date
    filter's ranges (today, the past 7 days, this month, this year) need no query, nor does the
    kind filter (the kinds registered, not the values stored)."""
    assert admin.site._registry[Notice].date_hierarchy is None
    Notice.objects.create(recipient=user_a, kind="application_received", key="old", subject="旧")
    Notice.objects.filter(key="old").update(created_at=datetime.datetime(2020, 1, 1, tzinfo=TZ))
    Notice.objects.create(recipient=user_a, kind="application_received", key="new", subject="新")
    url = reverse("admin:notices_notice_changelist")
    with CaptureQueriesContext(connection) as asked:
        response = admin_client.get(url)
    assert not [q for q in asked.captured_queries if "DISTINCT" in q["sql"].upper()]
    this_month = next(
        choice["query_string"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
        if str(choice["display"]) in ("本月", "This month")
    )
    shown = admin_client.get(url + this_month).context["cl"].result_list
    assert [n.subject for n in shown] == ["新"]
    by_kind = admin_client.get(url, {"kind": "application_received"}).context["cl"].result_list
    assert len(by_kind) == 2
    assert admin_client.get(url, {"kind": "二"}).status_code == 200  # not a kind: every row


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", [{}, {"q": "yqcs"}, {"status__exact": "member", "industry__exact": "C"}]
)
def test_the_enterprise_changelist_asks_the_same_queries_for_3_or_30_rows(admin_client, query):
    url = reverse("admin:members_enterprise_changelist")
    counts = []
    for rows in (3, 27):
        EnterpriseFactory.create_batch(rows)
        admin_client.get(url, query)  # the signed-in user cached again after the writes
        with CaptureQueriesContext(connection) as asked:
            assert admin_client.get(url, query).status_code == 200
        counts.append(len(asked.captured_queries))
    assert counts[0] == counts[1] <= 6, counts


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["yqbx", "yanqingbingxue", "冰雪文旅", "credit code"])
def test_enterprises_are_searched_as_the_directory_searches(admin_client, enterprise_a, term):
    other = EnterpriseFactory(name="康庄农业科技有限公司")
    term = enterprise_a.credit_code if term == "credit code" else term
    url = reverse("admin:members_enterprise_changelist")
    shown = list(admin_client.get(url, {"q": term}).context["cl"].result_list)
    assert shown == [enterprise_a]
    assert other not in shown
    # and as the autocomplete of every key to an enterprise searches
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "user", "field_name": "enterprise", "term": term},
    ).json()["results"]
    assert [r["text"] for r in found] == [enterprise_a.name]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "shown"),
    [
        ("2020", ["甲"]),
        ("2021", ["乙"]),
        ("二〇二〇", None),
        ("²", None),
        ("99999", None),
        ("1989", None),
        ("2019", []),
    ],
)
def test_enterprises_filter_by_the_year_joined(admin_client, year, shown):
    EnterpriseFactory(name="甲", joined_on=datetime.date(2020, 5, 1))
    EnterpriseFactory(name="乙", joined_on=datetime.date(2021, 5, 1))
    url = reverse("admin:members_enterprise_changelist")
    response = admin_client.get(url, {"joined_year": year})
    assert response.status_code == 200
    names = sorted(e.name for e in response.context["cl"].result_list)
    assert names == (["乙", "甲"] if shown is None else shown)  # not a year listed: every row
    assert "?joined_year=2020" in response.content.decode()


@pytest.mark.django_db
def test_a_long_list_page_is_kept_for_its_user_until_a_table_it_shows_changes(
    superuser, secretary, page_cache
):
    """The rendered page is kept (core/admin.py: LongList) for the user who asked: another
    user, with other permissions, gets their own; a change to a row, its township or the
    user shows on the next page; the CSRF token is this request's."""
    enterprise = EnterpriseFactory(name="延庆冰雪文旅有限公司")
    url = reverse("admin:members_enterprise_changelist")
    admin_client, secretary_client = Client(enforce_csrf_checks=True), Client()
    admin_client.force_login(superuser, backend="core.auth.CachedModelBackend")
    secretary_client.force_login(secretary, backend="core.auth.CachedModelBackend")
    first = admin_client.get(url).content.decode()
    with CaptureQueriesContext(connection) as asked:
        again = admin_client.get(url).content.decode()
    assert not [q for q in asked.captured_queries if "members_enterprise" in q["sql"]]
    assert "延庆冰雪文旅有限公司" in again and "系统管理员" in again
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', again).group(1)
    assert token != re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first).group(1)
    theirs = secretary_client.get(url).content.decode()
    assert "秘书处小张" in theirs and "系统管理员" not in theirs
    assert "秘书处小张" not in admin_client.get(url).content.decode()

    # The token of the kept page is good for its form (an action's page, asked with it).
    asked_reason = admin_client.post(
        url,
        {"action": "make_suspended", "_selected_action": [enterprise.pk],
         "csrfmiddlewaretoken": token},
    )  # fmt: skip
    assert asked_reason.status_code == 200

    enterprise.name = "延庆冰雪运动有限公司"
    enterprise.save()
    assert "延庆冰雪运动有限公司" in admin_client.get(url).content.decode()
    enterprise.township.name = "新名字镇"
    enterprise.township.save()
    assert "新名字镇" in admin_client.get(url).content.decode()
    superuser.real_name = "管理员老李"
    superuser.save()
    assert "管理员老李" in admin_client.get(url).content.decode()


@pytest.mark.django_db
def test_a_long_list_page_shows_a_message_once(admin_client, enterprise_a, page_cache):
    url = reverse("admin:members_enterprise_changelist")
    admin_client.get(url)
    done = admin_client.post(
        url,
        {"action": "make_suspended", "_selected_action": [enterprise_a.pk], "confirm": "1",
         "reason": "欠缴会费"},
    )  # fmt: skip
    assert done.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.status == "suspended"
    assert "已完成1条" in admin_client.get(url).content.decode()
    assert "已完成1条" not in admin_client.get(url).content.decode()
