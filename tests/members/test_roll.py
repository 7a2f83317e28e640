"""Putting rows on the roll (members.roll): the roster import's work and the demo's, batched."""

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members import services
from members.models import Enterprise, EnterpriseChange, MemberNumberCounter
from members.resources import read_roster
from members.roll import CellError, put_on_roll
from tests.core.jobs import post_for_job
from tests.factories import ApplicationFactory, EnterpriseFactory
from tests.members.test_directory import roster_row, workbook

pytestmark = pytest.mark.django_db


def sheet(rows) -> list[dict]:
    """The rows as the import reads them from a workbook."""
    return read_roster(tablib.Dataset().load(workbook(rows).read(), format="xlsx"))


def test_imported_numbers_move_their_years_counters_past_them(staff):
    year = timezone.localdate().year
    rows = [
        roster_row(1, member_number="2019-0007", joined_on="2019-03-01"),
        roster_row(2, member_number=f"{year}-0007", joined_on=f"{year}-01-01"),
        roster_row(3, joined_on="2019-06-01"),  # no number: the next of its join year's
    ]
    result = put_on_roll(rows=sheet(rows), actor=staff)
    assert not result.problems and result.figures["new"] == 3
    numbers = dict(Enterprise.objects.values_list("credit_code", "member_number"))
    assert sorted(numbers.values()) == ["2019-0007", "2019-0008", f"{year}-0007"]
    counters = dict(MemberNumberCounter.objects.values_list("year", "last"))
    assert counters[2019] == 8 and counters[year] == 7

    # An application approved now is numbered in this year's sequence, after the import's.
    approved = services.approve_application(application=ApplicationFactory(), actor=staff)
    assert approved.member_number == f"{year}-0008"
    # And a later import without numbers continues 2019's.
    put_on_roll(rows=sheet([roster_row(4, joined_on="2019-09-09")]), actor=staff)
    assert Enterprise.objects.get(name="延庆导入企业4有限公司").member_number == "2019-0009"


def test_the_import_job_moves_the_counter_and_records_who_and_why(staff_client, staff):
    rows = [roster_row(1, member_number="2015-0042", joined_on="2015-04-01")]
    job = post_for_job(staff_client, reverse("members:import"), {"file": workbook(rows)})
    assert job.result["problems"] == [] and job.result["figures"]["new"] == 1
    assert MemberNumberCounter.objects.get(year=2015).last == 42
    record = Enterprise.objects.get().history.get()
    assert record.history_type == "+"
    assert record.history_user == staff
    assert record.history_change_reason == EnterpriseChange.IMPORTED
    page = staff_client.get(Enterprise.objects.get().get_absolute_url()).content.decode()
    assert "从会员台账导入" in page  # the reason, as the enterprise's history shows it


def test_an_update_is_recorded_and_an_unchanged_row_left_alone(staff, enterprise_a):
    number = enterprise_a.member_number
    changed = roster_row(1, credit_code=enterprise_a.credit_code, address="新地址")
    result = put_on_roll(rows=sheet([changed]), actor=staff)
    assert result.figures == {"new": 0, "update": 1, "skip": 0, "invalid": 0}
    enterprise_a.refresh_from_db()
    assert enterprise_a.address == "新地址"
    assert enterprise_a.member_number == number  # an empty number cell keeps the number
    latest = enterprise_a.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", staff)
    assert latest.history_change_reason == EnterpriseChange.IMPORTED
    records = enterprise_a.history.count()

    result = put_on_roll(rows=sheet([changed]), actor=staff)
    assert result.figures == {"new": 0, "update": 0, "skip": 1, "invalid": 0}
    assert enterprise_a.history.count() == records


def test_a_number_held_by_another_or_twice_in_the_sheet_is_refused(staff):
    holder = EnterpriseFactory(member_number="2018-0003")
    rows = [
        roster_row(1, member_number="2018-0003"),
        roster_row(2, member_number="2018-0004"),
        roster_row(3, member_number="2018-0004"),
        roster_row(4, credit_code=roster_row(2)["credit_code"]),
    ]
    with translation.override("en"):
        result = put_on_roll(rows=sheet(rows), actor=staff)
    assert [row for row, _text in result.problems] == [1, 3, 4]
    assert "row 2" in result.problems[1][1] and "row 2" in result.problems[2][1]
    assert list(Enterprise.objects.all()) == [holder]
    assert not MemberNumberCounter.objects.exists()


def test_a_cell_that_cannot_be_read_is_reported_once(staff):
    rows = sheet([roster_row(1, registered_capital="很多", founded_on="去年")])
    assert isinstance(rows[0]["registered_capital"], CellError)
    result = put_on_roll(rows=rows, actor=staff)
    assert [row for row, _text in result.problems] == [1, 1]
    assert not Enterprise.objects.exists()


def test_fields_the_sheet_has_no_column_for_can_be_given(staff):
    """The demo gives a withdrawn member's leaving day and reason, and its main business."""
    row = sheet([roster_row(1, status="withdrawn", joined_on="2012-03-01")])[0]
    left = timezone.localdate().replace(year=2020, month=5, day=6)
    row.update(left_on=left, status_reason="迁出本区", business_scope="葡萄酒酿造")
    result = put_on_roll(rows=[row], actor=staff, reason="演示数据")
    assert not result.problems
    enterprise = Enterprise.objects.get()
    assert (enterprise.status, enterprise.left_on) == ("withdrawn", left)
    assert enterprise.business_scope == "葡萄酒酿造"
    assert enterprise.history.get().history_change_reason == "演示数据"
    with pytest.raises(TypeError):
        put_on_roll(rows=[{"credit_code": "x", "name_pinyin": "x"}], actor=staff)


@pytest.mark.parametrize("dry_run", [True, False])
def test_queries_are_per_chunk_not_per_row(staff, dry_run):
    EnterpriseFactory(credit_code=roster_row(0)["credit_code"])  # one update among them

    def queries(count: int) -> int:
        rows = sheet([roster_row(n, member_number=f"2017-{count + n:04d}") for n in range(count)])
        rows += sheet([roster_row(1000 + n) for n in range(count)])  # numbered by the import
        with CaptureQueriesContext(connection) as captured:
            result = put_on_roll(rows=rows, actor=staff, dry_run=dry_run)
        assert not result.problems, result.problems[:3]
        return len(captured)

    ten = queries(10)
    Enterprise.objects.exclude(credit_code=roster_row(0)["credit_code"]).delete()
    assert queries(100) == ten


def test_empty_cells_keep_what_the_roll_needs(staff, enterprise_a):
    """An empty status, join date, party organisation or number keeps the enterprise's; a new
    one is a member since today, with no party organisation and a number of its own."""
    Enterprise.objects.filter(pk=enterprise_a.pk).update(
        status="suspended", party_organisation="own", party_members=5
    )
    enterprise_a.refresh_from_db()
    before = (
        enterprise_a.status,
        enterprise_a.joined_on,
        enterprise_a.party_organisation,
        enterprise_a.party_members,
    )
    rows = [
        roster_row(1, credit_code=enterprise_a.credit_code, joined_on="", address="新址"),
        roster_row(2, joined_on=""),
    ]
    result = put_on_roll(rows=sheet(rows), actor=staff)
    assert result.figures == {"new": 1, "update": 1, "skip": 0, "invalid": 0}
    enterprise_a.refresh_from_db()
    after = (
        enterprise_a.status,
        enterprise_a.joined_on,
        enterprise_a.party_organisation,
        enterprise_a.party_members,
    )
    assert after == before and enterprise_a.address == "新址"
    new = Enterprise.objects.get(name="延庆导入企业2有限公司")
    today = timezone.localdate()
    assert (new.status, new.joined_on, new.party_organisation) == ("member", today, "none")
    assert new.member_number == f"{today.year}-0001"


@pytest.mark.parametrize("typed", ["2015-42", " 2015－0042 ", "2015 - 042"])
def test_a_member_number_is_written_as_the_portal_writes_them(staff, typed):
    result = put_on_roll(rows=sheet([roster_row(1, member_number=typed)]), actor=staff)
    assert not result.problems
    assert Enterprise.objects.get().member_number == "2015-0042"
    assert MemberNumberCounter.objects.get(year=2015).last == 42
    # The same number typed another way is the same number: refused for another enterprise.
    again = put_on_roll(rows=sheet([roster_row(2, member_number="2015-0042")]), actor=staff)
    assert again.problems


def test_an_enterprise_changed_while_the_sheet_is_checked_is_not_overwritten(
    staff, enterprise_a, enterprise_b
):
    """Staff suspend an enterprise after the import checked its row and before it writes: the
    import writes nothing (it would have put back the status it read) and says to run again."""
    from members.roll import RollChanged

    rows = [
        roster_row(1, credit_code=enterprise_a.credit_code, address="新址"),
        roster_row(2, credit_code=enterprise_b.credit_code, address="乙新址"),
    ]

    def suspend_meanwhile(done, total):  # the rows are checked, nothing is written yet
        services.change_membership_status(
            enterprise=enterprise_a, actor=staff, status="suspended", reason="会费未缴"
        )

    with pytest.raises(RollChanged):
        put_on_roll(rows=sheet(rows), actor=staff, progress=suspend_meanwhile)
    enterprise_a.refresh_from_db()
    enterprise_b.refresh_from_db()
    assert (enterprise_a.status, enterprise_a.address) == ("suspended", enterprise_a.address)
    assert enterprise_a.address != "新址" and enterprise_b.address != "乙新址"
    # Run again, it checks what is there now and writes.
    put_on_roll(rows=sheet(rows), actor=staff)
    enterprise_a.refresh_from_db()
    assert (enterprise_a.status, enterprise_a.address) == ("suspended", "新址")


def test_an_import_does_not_change_a_members_status(staff, enterprise_a, enterprise_b):
    rows = [
        roster_row(1, credit_code=enterprise_a.credit_code, address="新址"),
        roster_row(2, credit_code=enterprise_b.credit_code, status="已退会"),
    ]
    with translation.override("zh-hans"):
        result = put_on_roll(rows=sheet(rows), actor=staff)
    assert [row for row, _text in result.problems] == [2]
    assert "导入不会更改会员状态" in result.problems[0][1]
    enterprise_a.refresh_from_db()
    enterprise_b.refresh_from_db()
    assert enterprise_a.address != "新址" and enterprise_b.status == "member"
    # The same status, as the export writes it, is no change: the round trip still works.
    same = roster_row(2, credit_code=enterprise_b.credit_code, status="会员", address="乙新址")
    assert not put_on_roll(rows=sheet([same]), actor=staff).problems
    enterprise_b.refresh_from_db()
    assert (enterprise_b.status, enterprise_b.address) == ("member", "乙新址")


def test_the_import_job_says_to_run_again_when_the_roll_changed(staff_client, monkeypatch):
    from members import jobs as member_jobs
    from members.roll import RollChanged

    def changed(**kwargs):
        raise RollChanged

    monkeypatch.setattr(member_jobs, "put_on_roll", changed)
    job = post_for_job(staff_client, reverse("members:import"), {"file": workbook([roster_row(1)])})
    assert job.state == "failed"
    assert "未导入任何数据" in job.error
