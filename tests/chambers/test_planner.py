"""Property tests of the roster planner over any pool, range, availability and fixed months."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chambers.roster.planner import plan_roster
from core.months import add_months

START = date(2026, 1, 1)
leaders = st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8, unique=True)


@st.composite
def scenarios(draw):
    pool = draw(leaders)
    length = draw(st.integers(min_value=1, max_value=30))
    months = [add_months(START, i) for i in range(length)]
    unavailable = draw(
        st.sets(st.tuples(st.sampled_from(pool), st.sampled_from(months)), max_size=length * 2)
    )
    fixed = draw(
        st.dictionaries(st.sampled_from(months), st.sampled_from(pool), max_size=length // 3)
    )
    history = draw(
        st.dictionaries(
            st.sampled_from(pool),
            st.integers(min_value=1, max_value=24).map(lambda n: add_months(START, -n)),
        )
    )
    return pool, months, unavailable, fixed, history


def plan(pool, months, unavailable, fixed, history):
    return plan_roster(months, pool, fixed=fixed, unavailable=unavailable, last_served=history)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_fixed_months_are_untouched(scenario):
    _pool, months, _unavailable, fixed, _history = scenario
    roster = plan(*scenario)
    assert all(roster[month] == leader for month, leader in fixed.items())
    assert set(roster) == set(months)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_nobody_gets_a_month_they_declared_unavailable(scenario):
    _pool, _months, unavailable, fixed, _history = scenario
    roster = plan(*scenario)
    for month, leader in roster.items():
        if month not in fixed and leader is not None:
            assert (leader, month) not in unavailable


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_a_gap_only_when_nobody_is_available(scenario):
    pool, _months, unavailable, _fixed, _history = scenario
    roster = plan(*scenario)
    for month, leader in roster.items():
        if leader is None:
            assert all((p, month) in unavailable for p in pool)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_nobody_twice_in_a_row_while_others_wait(scenario):
    pool, months, unavailable, fixed, _history = scenario
    roster = plan(*scenario)
    for month in months[1:]:
        previous = roster[add_months(month, -1)]
        leader = roster[month]
        if month in fixed or leader is None or leader != previous:
            continue
        others = [p for p in pool if p != leader and (p, month) not in unavailable]
        assert not others, f"{leader} served {month} twice in a row while {others} waited"


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_longest_rested_goes_first(scenario):
    pool, months, unavailable, fixed, history = scenario
    roster = plan(*scenario)
    served = dict(history)
    before_range = [p for p, m in history.items() if m == add_months(months[0], -1)]
    for month in months:
        leader = roster[month]
        if month not in fixed and leader is not None:
            if month == months[0]:
                previous = fixed.get(add_months(month, -1)) or next(iter(before_range), None)
            else:
                previous = roster[add_months(month, -1)]
            following = fixed.get(add_months(month, 1))
            candidates = [p for p in pool if (p, month) not in unavailable]
            rested = (
                [p for p in candidates if p not in (previous, following)]
                or [p for p in candidates if p != previous]
                or candidates
            )
            assert leader in rested
            longest = min(served.get(p, date.min) for p in rested)
            assert served.get(leader, date.min) == longest
        if leader is not None:
            served[leader] = month


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_the_result_is_deterministic(scenario):
    assert plan(*scenario) == plan(*scenario)


@given(leaders, st.integers(min_value=1, max_value=4))
def test_with_everyone_available_everyone_serves_in_turn(pool, rounds):
    months = [add_months(START, i) for i in range(len(pool) * rounds)]
    roster = plan_roster(months, pool)
    counts = {p: list(roster.values()).count(p) for p in pool}
    assert set(counts.values()) == {rounds}


def test_newcomer_goes_before_those_who_served():
    roster = plan_roster([START], ["old", "new"], last_served={"old": add_months(START, -12)})
    assert roster[START] == "new"
