"""How a figure moved against the period before: counts in percent, rates in percentage points."""

from __future__ import annotations

import pytest

from dashboard.pages.analytics_page import metric_cards
from dashboard.pages.numbers import change


@pytest.mark.parametrize(
    ("now", "before", "text", "direction"),
    [
        (0.69, 0.76, "−7 pp vs previous", "down"),
        (0.792, 0.76, "+3.2 pp vs previous", "up"),
        (0.4, 0.0, "+40 pp vs previous", "up"),
        (0.5, 0.5004, "no change", ""),
        (0.0, 0.0, "no change", ""),
    ],
)
def test_a_rate_moves_in_percentage_points(now: float, before: float, text: str, direction: str) -> None:
    assert change(now, before, rate=True) == {"text": text, "direction": direction}


def test_a_count_moves_in_percent() -> None:
    assert change(110, 100) == {"text": "+10% vs previous", "direction": "up"}
    assert change(3, 0) == {"text": "new", "direction": "up"}
    assert change(None, 4, rate=True) == {"text": "", "direction": ""}


def test_analytics_cards_show_rates_in_points_and_compare_revenue() -> None:
    totals = {"response_rate": 0.69, "messages_in": 120, "conversion_rate": 0.1, "conversations": 10, "revenue": {"USD": 150.0}}
    before = {"response_rate": 0.76, "messages_in": 100, "conversion_rate": 0.0, "conversations": 0, "revenue": {"USD": 100.0}}
    cards = {card["key"]: card for card in metric_cards({"totals": totals, "previous": {"totals": before}})}
    assert cards["response_rate"]["change"]["text"] == "−7 pp vs previous"
    assert cards["messages_in"]["change"]["text"] == "+20% vs previous"
    assert cards["revenue"]["change"]["text"] == "+50% vs previous"
    # No conversation before: that period's 0% is no figure, so the rate is new rather than "+10 pp".
    assert cards["conversion_rate"]["change"]["text"] == "new"
