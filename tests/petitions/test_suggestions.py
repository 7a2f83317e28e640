"""Suggestions and reports: members submit, staff record the chain, the year's figures."""

import datetime

import pytest

from petitions.models import Suggestion
from petitions.suggestions import yearly_figures
from tests.conftest import at, client_for, empty_caches

pytestmark = pytest.mark.django_db
D = datetime.date


def make(author, n, **chain):
    return [
        Suggestion.objects.create(
            kind="report", title=f"社情民意{i}", text="内容", author=author, **chain
        )
        for i in range(n)
    ]


def test_yearly_figures_like_the_work_summary(staff):
    sent = {"sent_to": "municipal_federation", "sent_on": D(2026, 3, 1)}
    forwarded = {**sent, "forwarded_to": "national_federation", "forwarded_on": D(2026, 4, 1)}
    make(staff, 17, **forwarded, adopted_level="national", adopted_on=D(2026, 6, 1))
    make(staff, 5, **forwarded)
    make(staff, 3, **sent, adopted_level="municipal", adopted_on=D(2026, 5, 1))
    make(staff, 80, **sent)
    make(staff, 4)
    figures = yearly_figures(2026)
    assert (figures["received"], figures["sent"], figures["forwarded"]) == (109, 105, 22)
    assert (figures["adopted"], figures["adopted_national"], figures["adopted_municipal"]) == (
        20,
        17,
        3,
    )
    assert yearly_figures(2025)["sent"] == 0


def test_member_submits_and_sees_only_their_own(client_a, user_a, user_b):
    response = client_a.post(
        "/petitions/suggestions/new/",
        {
            "kind": "suggestion",
            "title": "优化营商环境的建议",
            "text": "建议设立企业服务专线。",
        },
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and suggestion.author == user_a
    assert (
        client_for(user_b).get(f"/petitions/suggestions/{suggestion.public_id}/").status_code == 404
    )
    assert "优化营商环境" not in client_for(user_b).get("/petitions/suggestions/").content.decode()


def test_staff_record_the_adoption_chain(staff, user_a, client_a):
    suggestion = make(user_a, 1)[0]
    response = client_for(staff).post(
        f"/petitions/suggestions/{suggestion.public_id}/",
        {
            "sent_to": "district_government",
            "sent_on": "2026-05-06",
            "forwarded_to": "",
            "adopted_level": "district",
            "adopted_by": "区政府办",
            "adopted_on": "2026-06-01",
            "instruction": "请区发展改革委研究落实。",
            "instruction_by": "区长",
            "instruction_on": "2026-06-03",
            "points": 5,
        },
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.adopted and suggestion.instruction_by == "区长"
    assert suggestion.history.count() == 2
    assert client_a.post(f"/petitions/suggestions/{suggestion.public_id}/", {}).status_code == 403
    assert suggestion.history.count() == 2


def test_forwarding_needs_a_first_destination(staff, user_a):
    suggestion = make(user_a, 1)[0]
    response = client_for(staff).post(
        f"/petitions/suggestions/{suggestion.public_id}/",
        {
            "forwarded_to": "national_federation",
            "forwarded_on": "2026-05-06",
            "points": 0,
        },
    )
    assert response.status_code == 200
    assert "Record where it was sent first" in response.content.decode()


def test_the_suggestions_list_comes_fifty_a_page(staff, user_a):
    """A municipal federation receives thousands a year: the list is read by pages, the
    year kept from page to page."""
    Suggestion.objects.bulk_create(
        Suggestion(kind="suggestion", title=f"建议{n}", text="内容", author=user_a)
        for n in range(55)
    )
    client = client_for(staff)
    first = client.get("/petitions/suggestions/")
    assert len(first.context["suggestions"]) == 50
    assert first.context["suggestions"].paginator.count == 55
    year = first.context["year"]
    assert f"?year={year}&amp;page=2" in first.content.decode()
    second = client.get(f"/petitions/suggestions/?year={year}&page=2")
    assert len(second.context["suggestions"]) == 5


def test_the_year_is_beijings_in_the_list_and_the_figures(staff, user_a):
    """Half an hour either side of midnight on New Year's Eve, Beijing time (UTC+8: still
    the old year in UTC for both)."""
    late, early = make(user_a, 2)
    Suggestion.objects.filter(pk=late.pk).update(created_at=at(2025, 12, 31, 23, 30))
    Suggestion.objects.filter(pk=early.pk).update(created_at=at(2026, 1, 1, 0, 30))
    client = client_for(staff)
    for year, suggestion in ((2025, late), (2026, early)):
        response = client.get(f"/petitions/suggestions/?year={year}")
        assert [s.pk for s in response.context["suggestions"]] == [suggestion.pk]
        assert response.context["figures"]["received"] == 1
        assert yearly_figures(year)["received"] == 1


def test_the_suggestions_list_costs_the_same_queries_for_3_or_60(
    staff, user_a, django_assert_num_queries, django_assert_max_num_queries
):
    make(user_a, 3)
    client = client_for(staff)
    empty_caches()  # both measured in full: no count or figures from the cache
    with django_assert_max_num_queries(8) as few:
        assert len(client.get("/petitions/suggestions/").context["suggestions"]) == 3
    make(user_a, 57)
    empty_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/petitions/suggestions/")
    assert len(response.context["suggestions"]) == 50
    assert response.context["suggestions"].paginator.count == 60
    assert response.context["figures"]["received"] == 60


def test_the_list_names_kind_destination_and_adoption(staff, user_a, english):
    sent = {"sent_to": "municipal_federation", "sent_on": D(2026, 3, 1)}
    make(user_a, 1, **sent, forwarded_to="national_federation", forwarded_on=D(2026, 4, 1),
         adopted_level="national", adopted_on=D(2026, 6, 1))  # fmt: skip
    make(user_a, 1)
    html = " ".join(client_for(staff).get("/petitions/suggestions/").content.decode().split())
    adopted, plain = Suggestion.objects.order_by("id")
    for suggestion, cells in (
        (adopted, ("Municipal federation", "National federation (ACFIC)", "National")),
        (plain, ("—", "—", "—")),
    ):
        link = f'<a href="/petitions/suggestions/{suggestion.public_id}/">{suggestion.title}</a>'
        tail = "".join(f"<td>{cell}</td>" for cell in cells)
        assert f"<td>Social-condition report</td> <td>{link}</td> {tail}" in html
