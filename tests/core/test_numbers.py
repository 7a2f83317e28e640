"""core.numbers.rate: the one rate, the same wherever a share is shown."""

import datetime
from collections import Counter

import pytest

from core.numbers import rate
from petitions.metrics import Figures
from reports.dashboard.figures import COVERED, Roll
from reports.ledgers.registry import percent


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (62, 691, 9.0),  # 8.972…: rounded, not cut
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (5, 5, 100.0),
        (0, 7, 0.0),
        (0, 0, None),  # nothing to divide: "—", not 0 %
        (3, None, None),
    ],
)
def test_rate(part, whole, expected):
    assert rate(part, whole) == expected


def test_the_petition_metrics_and_the_dashboard_use_it():
    figures = Figures(rated=3, solved=2, satisfied=1)
    assert (figures.resolution_rate, figures.satisfaction_rate) == (rate(2, 3), rate(1, 3))
    assert Figures().response_rate is None
    roll = Roll(datetime.date(2026, 1, 1), total=691, party=Counter({COVERED[0]: 62}))
    assert roll.coverage_rate == 9.0
    assert percent(62, 691) == "9.0%"
