import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.paginator import MirroredPaginator
from members.models import Enterprise
from tests.conftest import directory_count, directory_names, empty_caches
from tests.core.jobs import post_for_job, problem_rows
from tests.factories import EnterpriseFactory, make_credit_code, township

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("members:directory")


names = directory_names


@pytest.fixture
def federation(db):
    return [
        EnterpriseFactory(name="延庆区工商联", industry="S", joined_on=datetime.date(2019, 3, 1)),
        EnterpriseFactory(
            name="北京八达岭冰雪运动有限公司",
            industry="R",
            township=township("110119102"),
            joined_on=datetime.date(2022, 6, 1),
        ),
        EnterpriseFactory(
            name="延庆葡萄酒业有限公司",
            industry="C",
            size="medium",
            township=township("110119105"),
            joined_on=datetime.date(2024, 1, 15),
        ),
        EnterpriseFactory(name="停会企业有限公司", status=Enterprise.Status.SUSPENDED),
    ]


def test_search_by_pinyin_initials(client_a, federation):
    assert names(client_a.get(DIRECTORY, {"q": "yqqgsl"})) == ["延庆区工商联"]


def test_search_by_full_pinyin(client_a, federation):
    assert names(client_a.get(DIRECTORY, {"q": "badaling"})) == ["北京八达岭冰雪运动有限公司"]
    found = names(client_a.get(DIRECTORY, {"q": "Yan Qing"}))
    assert {"延庆区工商联", "延庆葡萄酒业有限公司"} <= set(found)
    assert "北京八达岭冰雪运动有限公司" not in found


def test_search_by_name_fragment(client_a, federation):
    assert names(client_a.get(DIRECTORY, {"q": "葡萄酒"})) == ["延庆葡萄酒业有限公司"]


def test_search_by_credit_code_in_any_case(client_a, federation):
    code = federation[1].credit_code
    assert names(client_a.get(DIRECTORY, {"q": code.lower()})) == [federation[1].name]


def test_filters(client_a, federation):
    assert names(client_a.get(DIRECTORY, {"industry": "R"})) == ["北京八达岭冰雪运动有限公司"]
    assert names(client_a.get(DIRECTORY, {"township": township("110119105").pk})) == [
        "延庆葡萄酒业有限公司"
    ]
    assert names(client_a.get(DIRECTORY, {"size": "medium"})) == ["延庆葡萄酒业有限公司"]
    assert names(client_a.get(DIRECTORY, {"join_year": "2022"})) == ["北京八达岭冰雪运动有限公司"]


def test_sorting_by_join_date(client_a, federation):
    response = client_a.get(DIRECTORY, {"sort": "-joined"})
    shown = names(response)
    assert shown.index(federation[2].name) < shown.index(federation[1].name)
    assert shown.index(federation[1].name) < shown.index(federation[0].name)


def test_members_see_only_current_members(client_a, federation):
    shown = names(client_a.get(DIRECTORY))
    assert len(shown) == 4  # three of the federation and enterprise A
    assert "停会企业有限公司" not in shown
    # a status filter from a member is ignored: it is staff's
    assert "停会企业有限公司" not in names(client_a.get(DIRECTORY, {"status": "suspended"}))


def test_staff_see_every_enterprise_and_filter_by_status(staff_client, federation):
    assert "停会企业有限公司" in names(staff_client.get(DIRECTORY))
    assert names(staff_client.get(DIRECTORY, {"status": "suspended"})) == ["停会企业有限公司"]


def test_bad_filter_values_do_not_break_the_page(client_a, federation):
    for params in ({"industry": "ZZ"}, {"join_year": "abc"}, {"page": "999"}, {"sort": "evil"},
                   {"township": "x"}, {"q": "x" * 5000}):  # fmt: skip
        assert client_a.get(DIRECTORY, params).status_code == 200


def test_member_view_shows_no_phone_numbers(client_a, federation):
    assert b"13800138000" not in client_a.get(DIRECTORY).content


def test_query_count_is_the_same_for_10_or_100_rows(
    client_a, enterprise_a, django_assert_num_queries, django_assert_max_num_queries
):
    EnterpriseFactory.create_batch(9)
    empty_caches()  # each measured request counts the rows (core.counts)
    with django_assert_max_num_queries(12) as ten:
        client_a.get(DIRECTORY)
    queries = len(ten.captured_queries)  # read now: the next request clears the log
    EnterpriseFactory.create_batch(90)
    response = client_a.get(DIRECTORY, {"page": 2})
    assert len(names(response)) == 50
    for params in ({}, {"page": 2}):
        empty_caches()
        with django_assert_num_queries(queries):
            client_a.get(DIRECTORY, params)


def test_counts_are_cached_until_an_enterprise_changes(client_a, federation):
    client_a.get(DIRECTORY)  # counted, then cached
    before = directory_count(client_a.get(DIRECTORY))
    EnterpriseFactory(name="新入会企业有限公司")
    response = client_a.get(DIRECTORY)
    assert directory_count(response) == before + 1
    assert "新入会企业有限公司" in names(response)


def test_search_by_one_or_two_characters(client_a, federation):
    assert set(names(client_a.get(DIRECTORY, {"q": "冰雪"}))) == {
        "北京八达岭冰雪运动有限公司",
        "延庆冰雪文旅有限公司",
    }
    assert names(client_a.get(DIRECTORY, {"q": "酒"})) == ["延庆葡萄酒业有限公司"]


def test_deep_and_short_pages_equal_plain_pages(db):
    EnterpriseFactory.create_batch(23)
    queryset = Enterprise.objects.order_by("name_pinyin", "id")
    everything = list(queryset)
    for deep_offset, read_whole in ((0, 0), (10**6, 10**6)):
        paginator = MirroredPaginator(queryset, 5)
        paginator.deep_offset, paginator.read_whole = deep_offset, read_whole
        for number in paginator.page_range:
            assert list(paginator.page(number)) == everything[(number - 1) * 5 : number * 5]


def test_mirrored_pages_equal_plain_pages(db):
    EnterpriseFactory.create_batch(23)
    queryset = Enterprise.objects.order_by("name_pinyin", "id")
    paginator = MirroredPaginator(queryset, 5)
    paginator.read_whole = 0  # (23 rows would otherwise be read whole)
    everything = list(queryset)
    for number in paginator.page_range:
        assert list(paginator.page(number)) == everything[(number - 1) * 5 : number * 5]


def test_search_pages_count_as_they_read(db, django_assert_num_queries):
    EnterpriseFactory.create_batch(23)
    queryset = Enterprise.objects.order_by("name_pinyin", "id")
    everything = list(queryset.values("name"))
    fields = ["name"]
    for number in range(1, 6):
        paginator = MirroredPaginator(queryset, 5, search=True, fields=fields)
        with django_assert_num_queries(1):  # the page and the count together
            page = paginator.get_page(number)
            assert paginator.count == 23
        assert list(page) == everything[(number - 1) * 5 : number * 5]
    paginator = MirroredPaginator(queryset, 5, search=True, fields=fields)
    paginator.read_whole = 10  # deeper pages: counted first, then read as any page
    assert list(paginator.get_page(4)) == everything[15:20]
    for beyond in (99, -1):  # as Paginator.get_page: the last page
        page = MirroredPaginator(queryset, 5, search=True, fields=fields).get_page(beyond)
        assert page.number == 5 and list(page) == everything[20:]
    page = MirroredPaginator(queryset, 5, search=True, fields=fields).get_page("x")
    assert page.number == 1 and list(page) == everything[:5]
    nothing = MirroredPaginator(queryset.none(), 5, search=True, fields=fields).get_page(1)
    assert nothing.paginator.count == 0 and list(nothing) == []


def test_export_to_excel_for_staff(staff_client, federation):
    response = staff_client.get(reverse("members:export"), {"industry": "C", "size": "medium"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.values)
    assert len(rows) == 2
    assert "延庆葡萄酒业有限公司" in rows[1]
    assert "13800138000" not in rows[1]  # phone numbers only on request
    response = staff_client.get(
        reverse("members:export"), {"industry": "C", "size": "medium", "private": "1"}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.values)
    assert "13800138000" in rows[1]


def columns():
    from members.resources import EnterpriseResource

    return {n: f.column_name for n, f in EnterpriseResource(include_private=True).fields.items()}


def workbook(rows):
    """An .xlsx upload with the roster's headers and one row per dict (keyed by field name)."""
    header = columns()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header.values()))
    for row in rows:
        sheet.append([row.get(name, "") for name in header])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def roster_row(seq, **values):
    row = {
        "name": f"延庆导入企业{seq}有限公司",
        "credit_code": make_credit_code(700_000 + seq),
        "legal_representative": "陈刚",
        "industry": "C",
        "size": "小型",
        "ownership": "private",
        "township": "康庄镇",
        "address": "延庆区康庄镇1号",
        "contact_name": "周丽",
        "contact_mobile": "135 1234 5678",
        "joined_on": "2020-05-01",
    }
    row.update(values)
    return row


def test_export_then_import_round_trip(staff_client, federation):
    exported = staff_client.get(reverse("members:export"), {"private": "1"}).getvalue()
    upload = SimpleUploadedFile("roster.xlsx", exported)
    job = post_for_job(staff_client, reverse("members:import"), {"file": upload, "dry_run": ""})
    assert job.state == "done" and job.result["problems"] == []
    assert Enterprise.objects.count() == 4


def test_import_with_a_bad_row_imports_nothing(staff_client):
    rows = [roster_row(1), roster_row(2, credit_code="91110119MAO1K7Q36E"), roster_row(3)]
    job = post_for_job(staff_client, reverse("members:import"), {"file": workbook(rows)})
    assert problem_rows(job) == [2]
    assert job.result["figures"]["invalid"] == 1
    assert Enterprise.objects.count() == 0
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-problems"' in page


def test_import_reports_unknown_values_by_row(staff_client):
    rows = [roster_row(1, township="不存在镇"), roster_row(2, size="巨型")]
    job = post_for_job(staff_client, reverse("members:import"), {"file": workbook(rows)})
    assert problem_rows(job) == [1, 2]
    assert Enterprise.objects.count() == 0


def test_import_adds_members_with_numbers(staff_client):
    rows = [roster_row(i) for i in range(3)]
    job = post_for_job(staff_client, reverse("members:import"), {"file": workbook(rows)})
    assert job.result["problems"] == [] and job.result["figures"]["new"] == 3
    assert Enterprise.objects.count() == 3
    numbers = sorted(Enterprise.objects.values_list("member_number", flat=True))
    assert numbers == ["2020-0001", "2020-0002", "2020-0003"]
    # Encrypted at rest (core/fields.py): compared once read.
    assert [e.contact_mobile for e in Enterprise.objects.all()] == ["13512345678"] * 3


def test_import_updates_a_known_code(staff_client, enterprise_a):
    row = roster_row(1, credit_code=enterprise_a.credit_code, name=enterprise_a.name,
                     member_number=enterprise_a.member_number, address="新地址")  # fmt: skip
    post_for_job(staff_client, reverse("members:import"), {"file": workbook([row])})
    enterprise_a.refresh_from_db()
    assert enterprise_a.address == "新地址"
    assert Enterprise.objects.count() == 1


def test_dry_run_checks_without_importing(staff_client):
    job = post_for_job(
        staff_client,
        reverse("members:import"),
        {"file": workbook([roster_row(1)]), "dry_run": "on"},
    )
    assert job.result["figures"]["new"] == 1
    assert Enterprise.objects.count() == 0


def test_import_refuses_files_that_are_not_workbooks(staff_client):
    upload = SimpleUploadedFile("roster.xlsx", b"not a zip")
    response = staff_client.post(reverse("members:import"), {"file": upload})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Enterprise.objects.exists()


def test_filter_form_starts_with_every_filter_open(client_a, federation):
    form = client_a.get(DIRECTORY).context["filter"].form
    for name in ("industry", "township", "size", "join_year", "sort"):
        assert form[name].value() in (None, "", []), name
        assert form.fields[name].choices[0][0] in ("", None), name


def test_each_filter_set_has_filters_of_its_own(staff, user_a):
    from django.http import QueryDict

    from members.filters import DirectoryFilter

    first = DirectoryFilter(QueryDict("q=yanqing"), user=staff)
    second = DirectoryFilter(QueryDict("q=kangzhuang"), user=user_a)
    for filterset in (first, second):
        for name, own in filterset.filters.items():
            assert own is not DirectoryFilter.base_filters[name]
            assert own.parent is filterset
        # a method filter calls its own filter set's method
        assert filterset.filters["q"].filter.f is filterset.filters["q"]
    assert "status" in first.filters and "status" not in second.filters  # staff's only
    assert "status" in DirectoryFilter.base_filters
    # The form class is made once a process (members.filters.form_class); each form still
    # has fields and widgets of its own, and a member's form has no status field.
    third = DirectoryFilter(QueryDict("q=badaling"), user=staff)
    assert type(first.form) is type(third.form) is not type(second.form)
    assert first.form.fields["q"] is not third.form.fields["q"]
    assert first.form.fields["township"].widget is not third.form.fields["township"].widget
    assert "status" in first.form.fields and "status" not in second.form.fields
    assert third.is_valid() and third.form.cleaned_data["q"] == "badaling"
    assert first.is_valid() and second.is_valid()
    assert first.form.cleaned_data["q"] == "yanqing"
    assert second.form.cleaned_data["q"] == "kangzhuang"


@pytest.mark.parametrize("cached", [True, False], ids=["page-cache", "no-page-cache"])
def test_a_township_renamed_in_the_admin_shows_at_once_in_the_filters(
    request, staff_client, cached
):
    """Staff edit townships in the admin; the directory's and the ledgers' township lists
    (and the directory's cached filter form) follow at once, in every process."""
    from django.forms.models import model_to_dict

    from members.models import Township
    from tests.conftest import client_for
    from tests.factories import UserFactory
    from tests.members.test_townships import township_options

    if cached:
        request.getfixturevalue("page_cache")
    pages = (DIRECTORY, "/ledgers/members/")
    town = Township.objects.served().get(name="延庆镇")
    for _ in range(2):  # rendered, then (with the page cache) cached
        for url in pages:
            assert "延庆镇" in township_options(staff_client.get(url))
    admin = client_for(UserFactory(is_staff=True, is_superuser=True))
    data = {**model_to_dict(town, exclude=["id"]), "name": "延庆新城镇"}
    response = admin.post(reverse("admin:members_township_change", args=[town.pk]), data)
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.name == "延庆新城镇"
    for url in pages:
        offered = township_options(staff_client.get(url))
        assert "延庆新城镇" in offered and "延庆镇" not in offered
    # The renamed township is still a valid choice of the filter.
    EnterpriseFactory(name="延庆新城商贸有限公司", township=town)
    response = staff_client.get(DIRECTORY, {"township": town.pk})
    assert names(response) == ["延庆新城商贸有限公司"]
    assert "延庆新城镇" in response.content.decode()


def test_directory_rows_show_names_and_numbers_escaped(staff_client):
    EnterpriseFactory(name="<b>鑫源</b>&商贸有限公司", member_number="<i>7</i>")
    response = staff_client.get(DIRECTORY)
    page = response.content.decode()
    assert "<b>鑫源</b>" not in page and "<i>7</i>" not in page
    assert "&lt;b&gt;鑫源&lt;/b&gt;&amp;商贸有限公司" in page and "&lt;i&gt;7&lt;/i&gt;" in page
    assert names(response) == ["<b>鑫源</b>&商贸有限公司"]


@pytest.mark.parametrize("typed", ["%", "_", "延庆%", "工商_", "\\"])
def test_like_wildcards_in_a_search_are_taken_literally(client_a, federation, typed):
    assert names(client_a.get(DIRECTORY, {"q": typed})) == []
    EnterpriseFactory(name=f"北京{typed}科技有限公司")
    assert names(client_a.get(DIRECTORY, {"q": typed})) == [f"北京{typed}科技有限公司"]
