import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chambers import services
from chambers.models import (
    CalendarToken,
    DutyLogEntry,
    DutyMonth,
    Post,
    Secondment,
    SwapRequest,
    Unavailability,
)
from chambers.roster.planner import within_month
from notices.models import Notice
from tests.conftest import client_for, make_leader

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(
    2026, 11, 22, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def chairs(first, last):
    return [
        (dm.month.strftime("%Y-%m"), dm.chair.real_name if dm.chair else None)
        for dm in DutyMonth.objects.filter(month__gte=first, month__lte=last)
    ]


def test_planner_gives_each_leader_a_turn(leaders, staff):
    services.generate_roster(
        first=datetime.date(2026, 12, 1), last=datetime.date(2027, 3, 1), actor=staff
    )
    assert chairs(datetime.date(2026, 12, 1), datetime.date(2027, 3, 1)) == [
        ("2026-12", "赵主席"),
        ("2027-01", "钱副主席"),
        ("2027-02", "孙副主席"),
        ("2027-03", "李副主席"),
    ]
    record = DutyMonth.objects.get(month="2026-12-01").history.first()
    assert record.history_user == staff
    assert record.history_change_reason == "planned"


def test_planner_respects_unavailability_and_who_served_last(leaders, staff, month_of):
    month_of(2026, 10, chair=leaders[0], status="completed")
    month_of(2026, 11, chair=leaders[1], status="serving")
    Unavailability.objects.create(user=leaders[2], month=datetime.date(2026, 12, 1))
    services.generate_roster(
        first=datetime.date(2026, 12, 1), last=datetime.date(2027, 1, 1), actor=staff
    )
    assert chairs(datetime.date(2026, 12, 1), datetime.date(2027, 1, 1)) == [
        ("2026-12", "李副主席"), ("2027-01", "孙副主席"),
    ]  # fmt: skip


def test_planner_never_touches_confirmed_or_past_months(leaders, staff, month_of):
    confirmed = month_of(2027, 1, chair=leaders[3], status="confirmed")
    past = month_of(2026, 9, chair=leaders[2], status="completed")
    services.generate_roster(
        first=datetime.date(2026, 9, 1), last=datetime.date(2027, 2, 1), actor=staff
    )
    confirmed.refresh_from_db()
    past.refresh_from_db()
    assert confirmed.chair == leaders[3] and confirmed.history.count() == 1
    assert past.chair == leaders[2] and past.history.count() == 1
    # and nobody serves twice in a row around the confirmed month
    roster = dict(chairs(datetime.date(2026, 12, 1), datetime.date(2027, 2, 1)))
    assert roster["2026-12"] != "李副主席" and roster["2027-02"] != "李副主席"


def test_full_time_vice_chairs_and_those_left_out_are_not_in_the_pool(term, staff):
    make_leader(term, "专职副主席", full_time=True)
    make_leader(term, "请假副主席", in_rotation=False)
    make_leader(term, "秘书长", Post.Position.SECRETARY_GENERAL)
    only = make_leader(term, "兼职副主席")
    services.generate_roster(
        first=datetime.date(2026, 12, 1), last=datetime.date(2027, 2, 1), actor=staff
    )
    assert {dm.chair for dm in DutyMonth.objects.all()} == {only}


def test_staff_adjust_a_month_with_a_reason(staff_client, staff, leaders, month_of):
    december = month_of(2026, 12, chair=leaders[0])
    url = reverse("roster:month_edit", args=["2026-12"])
    response = staff_client.post(url, {"chair": leaders[2].pk, "status": "confirmed", "reason": ""})
    assert response.status_code == 200  # the reason is required
    staff_client.post(url, {"chair": leaders[2].pk, "status": "confirmed", "reason": "主席出访"})
    december.refresh_from_db()
    assert december.chair == leaders[2] and december.status == "confirmed"
    latest = december.history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff, "主席出访")
    assert december.history.count() == 2  # the earlier assignment is kept


def test_a_leader_without_an_eligible_post_cannot_be_assigned(staff, term, month_of):
    secretary = make_leader(term, "秘书长", Post.Position.SECRETARY_GENERAL)
    december = month_of(2026, 12)
    with pytest.raises(services.TransitionError):
        services.assign_duty_month(duty_month=december, chair=secretary,
                                   status="planned", actor=staff, reason="x")  # fmt: skip
    december.refresh_from_db()
    assert december.chair is None
    assert december.history.count() == 1  # only its creation


def swap_flow(leaders, month_of):
    give = month_of(2027, 1, chair=leaders[0])
    take = month_of(2027, 2, chair=leaders[1])
    return give, take


def test_swap_requested_accepted_and_approved(
    leaders, staff, month_of, django_capture_on_commit_callbacks
):
    give, take = swap_flow(leaders, month_of)
    with django_capture_on_commit_callbacks(execute=True):
        swap = services.request_swap(month=give, other_month=take, counterpart=leaders[1],
                                     actor=leaders[0], reason="一月出国考察")  # fmt: skip
        services.answer_swap(swap=swap, actor=leaders[1], accept=True)
        services.decide_swap(swap=swap, actor=staff, approve=True)
    give.refresh_from_db()
    take.refresh_from_db()
    assert (give.chair, take.chair) == (leaders[1], leaders[0])
    assert give.history.first().history_user == staff
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.APPROVED and swap.decided_by == staff
    kinds = list(Notice.objects.order_by("id").values_list("recipient__real_name", "kind"))
    assert kinds == [
        ("钱副主席", "swap_requested"), ("赵主席", "swap_answered"),
        (staff.real_name, "swap_to_approve"),
        ("赵主席", "swap_decided"), ("钱副主席", "swap_decided"),
    ]  # fmt: skip


def test_declined_withdrawn_and_rejected_swaps_change_nothing(leaders, staff, month_of):
    give, take = swap_flow(leaders, month_of)
    declined = services.request_swap(month=give, other_month=None, counterpart=leaders[2],
                                     actor=leaders[0], reason="x")  # fmt: skip
    services.answer_swap(swap=declined, actor=leaders[2], accept=False, note="那个月没空")
    withdrawn = services.request_swap(month=give, other_month=None, counterpart=leaders[2],
                                      actor=leaders[0], reason="x")  # fmt: skip
    services.withdraw_swap(swap=withdrawn, actor=leaders[0])
    rejected = services.request_swap(month=give, other_month=take, counterpart=leaders[1],
                                     actor=leaders[0], reason="x")  # fmt: skip
    services.answer_swap(swap=rejected, actor=leaders[1], accept=True)
    services.decide_swap(swap=rejected, actor=staff, approve=False, note="当月有重要会议")
    give.refresh_from_db()
    assert give.chair == leaders[0]
    statuses = set(SwapRequest.objects.values_list("status", flat=True))
    assert statuses == {"declined", "withdrawn", "rejected"}


@pytest.mark.parametrize(
    "scenario",
    [
        "not_my_month",
        "month_begun",
        "same_person",
        "not_eligible",
        "wrong_other_month",
        "already_open",
    ],
)
def test_refused_swap_requests(scenario, leaders, term, month_of):
    give, take = swap_flow(leaders, month_of)
    kwargs = {"month": give, "other_month": take, "counterpart": leaders[1], "actor": leaders[0],
              "reason": "x"}  # fmt: skip
    if scenario == "not_my_month":
        kwargs["actor"] = leaders[2]
    elif scenario == "month_begun":
        kwargs["month"] = month_of(2026, 11, chair=leaders[0])
    elif scenario == "same_person":
        kwargs["counterpart"] = leaders[0]
    elif scenario == "not_eligible":
        kwargs["counterpart"] = make_leader(term, "秘书长", Post.Position.SECRETARY_GENERAL)
        kwargs["other_month"] = None
    elif scenario == "wrong_other_month":
        kwargs["counterpart"] = leaders[2]
    elif scenario == "already_open":
        services.request_swap(**{**kwargs, "other_month": None, "counterpart": leaders[3]})
    asked = list(SwapRequest.objects.values_list("pk", "status"))
    with pytest.raises(services.TransitionError):
        services.request_swap(**kwargs)
    assert list(SwapRequest.objects.values_list("pk", "status")) == asked
    assert not Notice.objects.filter(recipient=kwargs["counterpart"]).exists()


def test_only_the_right_people_move_a_swap_on(leaders, staff, month_of):
    give, take = swap_flow(leaders, month_of)
    swap = services.request_swap(month=give, other_month=take, counterpart=leaders[1],
                                 actor=leaders[0], reason="x")  # fmt: skip
    with pytest.raises(services.TransitionError):
        services.answer_swap(swap=swap, actor=leaders[0], accept=True)  # the asker
    with pytest.raises(services.TransitionError):
        services.decide_swap(swap=swap, actor=staff, approve=True)  # not accepted yet
    with pytest.raises(services.TransitionError):
        services.withdraw_swap(swap=swap, actor=leaders[1])  # not theirs
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.REQUESTED
    services.answer_swap(swap=swap, actor=leaders[1], accept=True)
    with pytest.raises(services.TransitionError):
        services.answer_swap(swap=swap, actor=leaders[1], accept=False)  # answered already
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED
    give.refresh_from_db()
    take.refresh_from_db()
    assert (give.chair, take.chair) == (leaders[0], leaders[1])  # staff have not approved


def test_approval_refused_when_the_roster_changed_meanwhile(leaders, staff, month_of):
    give, take = swap_flow(leaders, month_of)
    swap = services.request_swap(month=give, other_month=take, counterpart=leaders[1],
                                 actor=leaders[0], reason="x")  # fmt: skip
    services.answer_swap(swap=swap, actor=leaders[1], accept=True)
    services.assign_duty_month(duty_month=take, chair=leaders[3], status="planned", actor=staff,
                               reason="调整")  # fmt: skip
    with pytest.raises(services.TransitionError):
        services.decide_swap(swap=swap, actor=staff, approve=True)
    give.refresh_from_db()
    assert give.chair == leaders[0]


def test_chair_and_seconded_staff_log_their_month(leaders, month_of, user_a, enterprise_a):
    november = month_of(2026, 11, chair=leaders[0], status="serving")
    Secondment.objects.create(duty_month=november, person_name=user_a.real_name, user=user_a,
                              enterprise=enterprise_a, starts_on=datetime.date(2026, 11, 1),
                              ends_on=datetime.date(2026, 11, 30))  # fmt: skip
    url = reverse("roster:log_add", args=["2026-11"])
    entry = {
        "day": "2026-11-20",
        "kind": "visit",
        "text": "走访康庄镇会员企业",
        "members_recruited": 2,
    }
    assert client_for(leaders[0]).post(url, entry).status_code == 302
    assert client_for(user_a).post(url, {**entry, "text": "接待企业来访"}).status_code == 302
    assert client_for(leaders[1]).post(url, entry).status_code == 403
    assert list(november.log.values_list("text", flat=True)) == [
        "走访康庄镇会员企业",
        "接待企业来访",
    ]


def test_no_logging_ahead_of_time_or_outside_the_month(leaders, month_of):
    month_of(2026, 11, chair=leaders[0], status="serving")
    december = month_of(2026, 12, chair=leaders[0])
    client = client_for(leaders[0])
    entry = {"day": "2026-11-25", "kind": "visit", "text": "x"}
    client.post(reverse("roster:log_add", args=["2026-11"]), entry)  # in the future: refused
    client.post(reverse("roster:log_add", args=["2026-11"]), {**entry, "day": "2026-10-31"})
    assert client.post(reverse("roster:log_add", args=["2026-12"]), entry).status_code == 403
    assert not december.log.exists()
    assert not DutyMonth.objects.get(month="2026-11-01").log.exists()


def test_summary_by_the_chair_and_the_next_chair_sees_the_handover(leaders, month_of):
    month_of(
        2026, 10, chair=leaders[1], status="completed", summary="发展新会员5家，走访企业12家。"
    )
    month_of(2026, 11, chair=leaders[0], status="serving")
    assert client_for(leaders[1]).post(reverse("roster:summary", args=["2026-11"]),
                                       {"summary": "x"}).status_code == 403  # fmt: skip
    client_for(leaders[0]).post(
        reverse("roster:summary", args=["2026-11"]), {"summary": "本月小结"}
    )
    assert DutyMonth.objects.get(month="2026-11-01").summary == "本月小结"
    page = client_for(leaders[0]).get(reverse("roster:month", args=["2026-11"]))
    assert "发展新会员5家" in page.content.decode()


def test_roster_page_shows_coming_and_past_months(leaders, month_of):
    month_of(2026, 10, chair=leaders[1], status="completed")
    month_of(2026, 11, chair=leaders[0], status="serving")
    month_of(2026, 12, chair=leaders[2])
    content = client_for(leaders[3]).get(reverse("roster:index")).content.decode()
    assert 'id="month-2026-11"' in content and "table-primary" in content
    assert "孙副主席" in content and "钱副主席" in content


def test_roster_rows_show_link_post_secondments_and_status(leaders, month_of, enterprise_a):
    post = Post.objects.get(holder=leaders[1])
    dm = month_of(2026, 12, chair=leaders[1], post=post, status="confirmed")
    Secondment.objects.create(duty_month=dm, person_name="挂职甲", enterprise=enterprise_a,
                              starts_on=dm.month, ends_on=dm.month)  # fmt: skip
    Secondment.objects.create(duty_month=dm, person_name="挂职乙", starts_on=dm.month,
                              ends_on=dm.month)  # fmt: skip
    month_of(2026, 10, status="completed")
    content = client_for(leaders[3]).get(reverse("roster:index")).content.decode()
    row = re.search(r'<tr[^>]*id="month-2026-12">.*?</tr>', content, re.S).group()
    assert f'href="{reverse("roster:month", args=["2026-12"])}"' in row
    assert "钱副主席" in row and "副主席 · " in row
    assert f"挂职甲 ({enterprise_a.name})、挂职乙" in row
    assert "已确认" in row
    past = re.search(r'<tr[^>]*id="month-2026-10">.*?</tr>', content, re.S).group()
    assert f'href="{reverse("roster:month", args=["2026-10"])}"' in past
    assert "（暂未安排）" in past
    assert "已完成" in past and "<td>—</td>" in past


def test_roster_visibility(client, client_a, leaders, staff_client, month_of, user_b):
    month_of(2026, 12, chair=leaders[0])
    url = reverse("roster:index")
    assert client.get(url).status_code == 302
    assert client_a.get(url).status_code == 403  # a member without a post
    assert client_for(leaders[2]).get(url).status_code == 200
    assert staff_client.get(url).status_code == 200
    seconded = month_of(2027, 1, chair=leaders[1])
    Secondment.objects.create(duty_month=seconded, person_name="挂职", user=user_b,
                              starts_on="2027-01-01", ends_on="2027-01-31")  # fmt: skip
    assert client_for(user_b).get(url).status_code == 200


def test_roster_query_count_is_constant(leaders, month_of, django_assert_max_num_queries):
    client = client_for(leaders[0])
    month_of(2026, 12, chair=leaders[0])
    month_of(2024, 12, chair=leaders[1], status="completed")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("roster:index"))
    queries = len(few.captured_queries)
    for i in range(1, 12):
        dm = month_of(2027, i, chair=leaders[i % 4])
        Secondment.objects.create(duty_month=dm, person_name=f"挂职{i}", starts_on=dm.month,
                                  ends_on=dm.month)  # fmt: skip
    for i in range(1, 13):
        month_of(2025, i, chair=leaders[i % 4], status="completed")
    with django_assert_max_num_queries(queries):
        client.get(reverse("roster:index"))


def test_ical_feed_with_the_secret_and_not_after_revocation(client, leaders, month_of):
    month_of(2026, 12, chair=leaders[0])
    month_of(2027, 1, chair=leaders[1])
    token = CalendarToken.objects.create(user=leaders[0])
    response = client.get(reverse("roster:ical", args=[token.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20261201" in body and "DTEND;VALUE=DATE:20270101" in body
    assert client.get(reverse("roster:ical", args=["not-the-secret"])).status_code == 404
    assert client.get(reverse("roster:ical_all", args=[token.token])).status_code == 404
    client_for(leaders[0]).post(reverse("roster:calendar_reset"), {"action": "revoke"})
    assert client.get(reverse("roster:ical", args=[token.token])).status_code == 404


def test_staff_whole_roster_feed(client, staff, leaders, month_of):
    month_of(2026, 12, chair=leaders[0])
    month_of(2027, 1, chair=leaders[1])
    token = CalendarToken.objects.create(user=staff)
    body = client.get(reverse("roster:ical_all", args=[token.token])).content.decode()
    assert body.count("BEGIN:VEVENT") == 2


def test_whole_roster_feed_is_each_readers_and_follows_changes(client, staff, leaders, month_of):
    """The feed is kept between requests: each staff reader still sees their own months as
    theirs, in their language, and a change to a month or a chair shows at once."""
    from tests.factories import UserFactory

    december = month_of(2026, 12, chair=staff, status="confirmed")
    month_of(2027, 1, chair=leaders[1])
    other = UserFactory(is_staff=True, language="en", real_name="另一员工")
    mine = CalendarToken.objects.create(user=staff)
    theirs = CalendarToken.objects.create(user=other)

    def feed(token):
        return client.get(reverse("roster:ical_all", args=[token.token])).content.decode()

    with translation.override("zh-hans"):
        mine_summary = _("My month as executive chair")
    for _attempt in range(2):  # built, then kept
        body = feed(mine)
        assert f"SUMMARY:{mine_summary}" in body
        assert body.count("BEGIN:VEVENT") == 2 and "钱副主席" in body
    english = feed(theirs)
    assert f"SUMMARY:Executive chair: {staff.real_name}" in english
    assert "DESCRIPTION:Confirmed" in english and mine_summary not in english
    # A write stamps its table with the time: the clock (frozen here) moves between changes.
    with time_machine.travel(TODAY + datetime.timedelta(seconds=1), tick=False):
        services.assign_duty_month(duty_month=december, actor=staff, chair=leaders[2],
                                   status="confirmed", reason="调整")  # fmt: skip
        assert "孙副主席" in feed(mine) and mine_summary not in feed(mine)
        assert "Executive chair: 孙副主席" in feed(theirs)
    with time_machine.travel(TODAY + datetime.timedelta(seconds=2), tick=False):
        leaders[1].real_name = "钱新名"
        leaders[1].save()
        assert "钱新名" in feed(theirs) and "钱新名" in feed(mine)


def test_renewing_the_calendar_link(leaders):
    client = client_for(leaders[0])
    client.post(reverse("roster:calendar_reset"), {"action": "renew"})
    first = CalendarToken.objects.get(user=leaders[0], revoked_at=None)
    client.post(reverse("roster:calendar_reset"), {"action": "renew"})
    second = CalendarToken.objects.get(user=leaders[0], revoked_at=None)
    assert first.token != second.token


def test_excel_export_of_the_roster(staff_client, leaders, month_of):
    month_of(2026, 12, chair=leaders[0])
    response = staff_client.get(reverse("roster:export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.values)
    assert rows[1][0] == datetime.datetime(2026, 12, 1) and rows[1][1] == "赵主席"


def test_declare_and_withdraw_unavailability(leaders):
    client = client_for(leaders[0])
    client.post(reverse("roster:unavailable"), {"month": "2027-03", "reason": "出差"})
    assert Unavailability.objects.get(user=leaders[0]).month == datetime.date(2027, 3, 1)
    client.post(reverse("roster:unavailable"), {"month": "2027-03", "available": "1"})
    assert not Unavailability.objects.exists()


def test_swap_pages_walk_through(leaders, staff_client, month_of):
    give, take = swap_flow(leaders, month_of)
    asker, other = client_for(leaders[0]), client_for(leaders[1])
    form = {
        "month": give.pk,
        "counterpart": leaders[1].pk,
        "other_month": take.pk,
        "reason": "出差",
    }
    response = asker.post(reverse("roster:swap_new"), form)
    assert response.status_code == 302
    swap = SwapRequest.objects.get()
    other.post(reverse("roster:swap_answer", args=[swap.public_id]), {"answer": "accept"})
    staff_client.post(reverse("roster:swap_decide", args=[swap.public_id]), {"decision": "approve"})
    give.refresh_from_db()
    assert give.chair == leaders[1]
    # outsiders to the swap never learn of it
    assert (
        client_for(leaders[3])
        .post(reverse("roster:swap_answer", args=[swap.public_id]), {"answer": "accept"})
        .status_code
        == 404
    )


def log_form_day(client, key) -> str:
    html = client.get(reverse("roster:month", args=[key])).content.decode()
    tag = re.search(r'<input[^>]*name="day"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def test_the_log_defaults_to_a_day_of_its_month(leaders, month_of):
    """Today (22 November) in its own month, the last day of a month past: never a day the
    log would then refuse."""
    month_of(2026, 10, chair=leaders[0], status="completed")
    month_of(2026, 11, chair=leaders[0], status="serving")
    client = client_for(leaders[0])
    assert log_form_day(client, "2026-11") == "2026-11-22"
    assert log_form_day(client, "2026-10") == "2026-10-31"


def test_within_month_takes_the_nearer_end():
    month = datetime.date(2027, 2, 1)
    assert within_month(datetime.date(2027, 2, 14), month) == datetime.date(2027, 2, 14)
    assert within_month(datetime.date(2027, 3, 1), month) == datetime.date(2027, 2, 28)
    assert within_month(datetime.date(2027, 1, 31), month) == datetime.date(2027, 2, 1)


def test_the_default_log_day_is_accepted(leaders, month_of):
    october = month_of(2026, 10, chair=leaders[0], status="completed")
    client = client_for(leaders[0])
    day = log_form_day(client, "2026-10")
    client.post(
        reverse("roster:log_add", args=["2026-10"]),
        {"day": day, "kind": "visit", "text": "补记走访", "members_recruited": 0},
    )
    assert list(october.log.values_list("day", flat=True)) == [datetime.date(2026, 10, 31)]


def test_an_absurd_log_day_is_refused_with_a_clear_message(leaders, month_of):
    november = month_of(2026, 11, chair=leaders[0], status="serving")
    response = client_for(leaders[0]).post(
        reverse("roster:log_add", args=["2026-11"]),
        {"day": "9999-12-31", "kind": "visit", "text": "x", "members_recruited": 0},
        follow=True,
    )
    assert "记录未保存：日期：请输入2000年1月1日至" in response.content.decode()
    assert not november.log.exists()


def test_month_page_labels_and_query_count(
    leaders, month_of, staff, staff_client, django_assert_max_num_queries
):
    november = month_of(2026, 11, chair=leaders[0], status="serving")
    url = reverse("roster:month", args=["2026-11"])

    def log(kind, text):
        services.add_log_entry(duty_month=november, author=leaders[0], day=november.month,
                               kind=kind, text=text, members_recruited=0)  # fmt: skip

    log("visit", "走访一")
    with django_assert_max_num_queries(30) as few:
        staff_client.get(url)
    for i in range(10):
        log("office", f"坐班{i}")
    services.assign_duty_month(duty_month=november, actor=staff, chair=leaders[1],
                               status="confirmed", reason="调整")  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = staff_client.get(url).content.decode()
    with translation.override("zh-hans"):
        visit, office = str(DutyLogEntry.Kind.VISIT.label), str(DutyLogEntry.Kind.OFFICE_DAY.label)
        confirmed, serving = (
            str(DutyMonth.Status.CONFIRMED.label),
            str(DutyMonth.Status.SERVING.label),
        )
    rows = re.search(r'<table[^>]*id="duty-log">.*?</table>', html, re.S).group()
    assert f"<td>{visit}</td>" in rows and rows.count(f"<td>{office}</td>") == 10
    assert f'<dd class="col-sm-9">{confirmed}</dd>' in html
    history = re.search(r'<ul class="small">.*?</ul>', html, re.S).group()
    assert f"· {confirmed}" in history and f"· {serving}" in history


def test_my_duties_as_chair_and_seconded(leaders, month_of, user_b):
    chaired = month_of(2026, 12, chair=leaders[0], status="confirmed")
    seconded = month_of(2027, 1, chair=leaders[1])
    for duty_month in (chaired, seconded):  # seconded to both: each month listed once
        Secondment.objects.create(duty_month=duty_month, person_name="挂职", user=user_b,
                                  starts_on=duty_month.month, ends_on=duty_month.month)  # fmt: skip
    month_of(2027, 2, chair=leaders[2])
    for user, months in ((leaders[0], ["2026-12"]), (user_b, ["2026-12", "2027-01"])):
        html = client_for(user).get(reverse("roster:mine")).content.decode()
        table = re.search(r'<table[^>]*id="my-duties">.*?</table>', html, re.S).group()
        links = re.findall(r'href="([^"]+)"', table)
        assert links == [reverse("roster:month", args=[key]) for key in months]
    assert "<td>已确认</td>" in table and "<td>计划中</td>" in table


def test_a_visit_entry_shows_the_visit_it_records_with_its_enterprises(
    leaders, month_of, staff, staff_client, enterprise_a, enterprise_b, english
):
    from visits import services as visit_services

    november = month_of(2026, 11, chair=leaders[0], status="serving")
    entry = services.add_log_entry(duty_month=november, author=leaders[0],
                                   day=datetime.date(2026, 11, 10), kind="visit",
                                   text="带队走访两家企业", members_recruited=0)  # fmt: skip
    services.add_log_entry(duty_month=november, author=leaders[0],
                           day=datetime.date(2026, 11, 11), kind="visit",
                           text="走访未登记", members_recruited=0)  # fmt: skip
    visit = visit_services.plan_visit(
        actor=staff, planned_on=datetime.date(2026, 11, 10),
        enterprises=[enterprise_a, enterprise_b],
    )  # fmt: skip
    visit_services.record_visit(
        actor=staff, visit=visit, done_on=datetime.date(2026, 11, 10), duty_log_entry=entry
    )
    url = reverse("roster:month", args=["2026-11"])

    html = staff_client.get(url).content.decode()
    log = re.search(r'<table[^>]*id="duty-log">.*?</table>', html, re.S).group()
    assert log.count('class="small mt-1 duty-log-visit"') == 1  # the entry without a visit: none
    shown = re.search(r'class="small mt-1 duty-log-visit">(.*?)</div>', log).group(1)
    assert f'<a href="/visits/{visit.public_id}/">Visit of 10 Nov 2026</a>' in shown
    assert enterprise_a.name in shown and enterprise_b.name in shown

    # The chair sees which visit and whom, without a link to the staff's page.
    chair_page = client_for(leaders[0]).get(url).content.decode()
    assert "Visit of 10 Nov 2026: " in chair_page
    assert f"/visits/{visit.public_id}/" not in chair_page


def test_the_month_page_reads_its_visits_in_a_bounded_number_of_queries(
    leaders, month_of, staff, staff_client, enterprise_a, django_assert_max_num_queries
):
    from tests.factories import EnterpriseFactory
    from visits import services as visit_services

    november = month_of(2026, 11, chair=leaders[0], status="serving")
    url = reverse("roster:month", args=["2026-11"])

    def visit_logged(day, enterprises):
        entry = services.add_log_entry(duty_month=november, author=leaders[0],
                                       day=datetime.date(2026, 11, day), kind="visit",
                                       text="走访", members_recruited=0)  # fmt: skip
        visit = visit_services.plan_visit(
            actor=staff, planned_on=entry.day, enterprises=enterprises
        )
        visit_services.record_visit(actor=staff, visit=visit, done_on=entry.day,
                                    duty_log_entry=entry)  # fmt: skip

    visit_logged(1, [enterprise_a])
    with django_assert_max_num_queries(40) as few:
        staff_client.get(url)
    for day in range(2, 12):
        visit_logged(day, [EnterpriseFactory(), EnterpriseFactory()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = staff_client.get(url).content.decode()
    assert html.count('class="small mt-1 duty-log-visit"') == 11


def test_a_kept_month_page_shows_a_visit_recorded_after_it_was_kept(
    leaders, month_of, staff, staff_client, enterprise_a, page_cache, english
):
    from visits import services as visit_services

    november = month_of(2026, 11, chair=leaders[0], status="serving")
    entry = services.add_log_entry(duty_month=november, author=leaders[0],
                                   day=datetime.date(2026, 11, 10), kind="visit",
                                   text="走访", members_recruited=0)  # fmt: skip
    url = reverse("roster:month", args=["2026-11"])
    assert "duty-log-visit" not in staff_client.get(url).content.decode()
    visit = visit_services.plan_visit(actor=staff, planned_on=entry.day, enterprises=[enterprise_a])
    visit_services.record_visit(actor=staff, visit=visit, done_on=entry.day, duty_log_entry=entry)
    assert f"/visits/{visit.public_id}/" in staff_client.get(url).content.decode()
