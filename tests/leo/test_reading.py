"""Reading the owner's words (ranges, topics, follow-ups) and checking a model's numbers: pure functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dashboard.leo.figures import Metric
from dashboard.leo.grounding import known_numbers, ungrounded_numbers
from dashboard.leo.question import Topic, understand
from dashboard.leo.ranges import range_in
from dashboard.leo.tools import ToolError, calculate
from dashboard.leo.vocabulary import fold, metrics_in

WEDNESDAY = date(2026, 3, 11)


@pytest.mark.parametrize(
    ("words", "first", "last"),
    [
        ("How did we do today?", "2026-03-11", "2026-03-11"),
        ("and yesterday?", "2026-03-10", "2026-03-10"),
        ("sales this week", "2026-03-09", "2026-03-11"),
        ("what about last week?", "2026-03-02", "2026-03-08"),
        ("revenue this month", "2026-03-01", "2026-03-11"),
        ("conversion rate last month", "2026-02-01", "2026-02-28"),
        ("how was business in November?", "2025-11-01", "2025-11-30"),
        ("in March", "2026-03-01", "2026-03-11"),
        ("sales in May 2025", "2025-05-01", "2025-05-31"),
        ("leads since Monday", "2026-03-09", "2026-03-11"),
        ("since friday", "2026-03-06", "2026-03-11"),
        ("since March 3", "2026-03-03", "2026-03-11"),
        ("the last 7 days", "2026-03-05", "2026-03-11"),
        ("from 2026-01-05 to 2026-01-20", "2026-01-05", "2026-01-20"),
        ("last year", "2025-01-01", "2025-12-31"),
    ],
)
def test_plain_words_name_the_days_the_owner_means(words: str, first: str, last: str) -> None:
    found = range_in(words, WEDNESDAY)
    assert found is not None
    assert (found.span.first.isoformat(), found.span.last.isoformat()) == (first, last)


def test_words_that_name_no_days_are_no_range() -> None:
    assert range_in("May I ask how my campaigns are doing?", WEDNESDAY) is None
    assert range_in("hello Leo", WEDNESDAY) is None
    # A range written back with its dates reads as the same days.
    named = range_in("last month", WEDNESDAY)
    assert named is not None and range_in(named.as_words, WEDNESDAY) == named


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How are my campaigns performing?", Topic.campaigns),
        ("What's my conversion rate?", Topic.conversion),
        ("How can I improve sales?", Topic.improve),
        ("Show me top performing products", Topic.top_products),
        ("Why does Instagram convert worse?", Topic.platforms),
        ("Which leads should I call today?", Topic.leads),
        ("What do I sell?", Topic.catalog),
        ("What changed against the previous period?", Topic.changes),
    ],
)
def test_the_issues_questions_are_understood(question: str, topic: Topic) -> None:
    assert understand(question, WEDNESDAY).topic == topic


def test_leads_to_call_today_are_not_leads_created_today() -> None:
    assert understand("Which leads should I call today?", WEDNESDAY).period.words == "the last 30 days"


def test_follow_ups_keep_what_the_owner_did_not_change() -> None:
    first = understand("What's my conversion rate last month?", WEDNESDAY)
    on_instagram = understand("and on Instagram?", WEDNESDAY, first)
    assert (on_instagram.topic, on_instagram.platform, on_instagram.period) == (Topic.conversion, "instagram", first.period)
    week = understand("what about last week?", WEDNESDAY, on_instagram)
    assert (week.topic, week.platform, week.period.words) == (Topic.conversion, "instagram", "last week")
    overall = understand("and overall?", WEDNESDAY, week)
    assert overall.platform == "" and overall.period == week.period
    fresh = understand("Which leads should I call today?", WEDNESDAY, week)
    assert fresh.topic == Topic.leads and fresh.platform == ""


def test_a_models_numbers_must_be_the_tools_numbers_to_the_precision_shown() -> None:
    known = known_numbers(['{"conversion rate %": 21.05, "revenue": "1.299,00 €", "rate": 0.3333, "sales": 4}', "2026-03-11"])
    assert (
        ungrounded_numbers("Conversion is 21.1% (or 21%), revenue 1,299.00 € from 4 sales; a third (33%) wrote back.", known)
        == []
    )
    assert ungrounded_numbers("Since March 11 you made 1.299,00 €.", known) == []
    assert ungrounded_numbers("1. Conversion 21%\n2. Sales 4", known) == []  # list markers are not figures
    assert ungrounded_numbers("Conversion is 87% and revenue $12,345.", known) == ["87", "12,345"]
    assert ungrounded_numbers("Conversion is 21.3%.", known) == ["21.3"]
    assert Decimal("1299.00") in known


def test_the_calculator_does_arithmetic_and_nothing_else() -> None:
    assert calculate("(12 - 9) / 9 * 100") == pytest.approx(33.333333)
    assert calculate("1,299 * 2") == 2598
    for bad in ("__import__('os')", "2 ** 99999", "1 / 0", "x + 1", ""):
        with pytest.raises(ToolError):
            calculate(bad)


@pytest.mark.parametrize(
    ("question", "topic", "metrics"),
    [
        ("Which campaign brings the most revenue?", Topic.campaigns, (Metric.revenue,)),
        ("Which campaign makes the most sales?", Topic.campaigns, (Metric.sales,)),
        ("Which campaign converts best?", Topic.campaigns, (Metric.conversion_rate,)),
        ("Which channel has the best response rate?", Topic.platforms, (Metric.response_rate,)),
        ("What's my conversion rate and revenue?", Topic.conversion, (Metric.conversion_rate, Metric.revenue)),
        ("How fast do we answer?", Topic.figures, (Metric.first_response,)),
        ("¿Cuál es mi facturación de este mes?", Topic.figures, (Metric.revenue,)),
        ("Quais produtos mais vendidos?", Topic.top_products, (Metric.sales,)),
        ("Quel est mon taux de réponse ?", Topic.figures, (Metric.response_rate,)),
        ("Wie hoch ist meine Konversionsrate?", Topic.conversion, (Metric.conversion_rate,)),
        ("Quanti messaggi e quante conversazioni?", Topic.figures, (Metric.messages, Metric.conversations)),
        ("What do I sell?", Topic.catalog, ()),
        ("How can I get more sales?", Topic.improve, (Metric.sales,)),
        ("How are my sales going?", Topic.overview, (Metric.sales,)),
        ("¿Cómo van mis ventas?", Topic.overview, (Metric.sales,)),
        ("How many people wrote to us this week?", Topic.figures, (Metric.conversations,)),
        ("I want more sales", Topic.improve, (Metric.sales,)),
        ("Show me my stats", Topic.overview, ()),
    ],
)
def test_the_figures_a_question_names_in_six_languages(question: str, topic: Topic, metrics: tuple[Metric, ...]) -> None:
    understood = understand(question, WEDNESDAY)
    assert (understood.topic, understood.metrics) == (topic, metrics)


def test_the_longer_reading_of_overlapping_words_is_the_figure_meant() -> None:
    assert metrics_in(fold("response rate")) == (Metric.response_rate,)
    assert metrics_in(fold("Antwortquote und Umsätze")) == (Metric.response_rate, Metric.revenue)


def test_a_question_that_names_nothing_leo_knows_is_outside_and_never_a_follow_up() -> None:
    first = understand("What's my conversion rate last month?", WEDNESDAY)
    for words in ("thanks!", "weather tomorrow?", "¡gracias!", "Danke schön", "ok"):
        assert understand(words, WEDNESDAY, first).topic == Topic.outside, words
    assert understand("and revenue?", WEDNESDAY, first).metrics == (Metric.revenue,)
    assert understand("and revenue?", WEDNESDAY, first).period == first.period
