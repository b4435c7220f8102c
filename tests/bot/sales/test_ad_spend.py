"""Ad spend as plain data: a CSV read row by row with every bad line named, an amount spread over its days, the
business's currency, and ratios that are None where they mean nothing."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sales.ad_figures import AdConversation, ratio, tally_figures
from bot.sales.ad_spend import CsvProblem, SpendRow, most_common_currency, parse_spend_csv, spend_in_period


def test_a_csv_is_read_with_its_bom_blank_lines_and_extra_columns():
    text = "\ufeffad_id,campaign_id,from,to,amount,currency,note\n111,,2026-06-01,2026-06-30,30.5,usd,june\n\n,c1,2026-06-01,2026-06-01,0,USD,\n"
    rows = parse_spend_csv(text)
    assert [(r.ad_id, r.campaign_id, r.amount, r.currency) for r in rows] == [("111", "", 30.5, "USD"), ("", "c1", 0.0, "USD")]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("from,to,amount,currency\n2026-06-01,2026-06-02,1,USD\n", "campaign_id or ad_id"),
        ("ad_id,from,to,amount\n1,2026-06-01,2026-06-02,1\n", "currency"),
        ("ad_id,from,to,amount,currency\n", "no rows"),
        ("ad_id,from,to,amount,currency\n1,2026-06-01,2026-06-02,ten,USD\n", "line 2: amount"),
        ("ad_id,from,to,amount,currency\n1,01/06/2026,2026-06-02,1,USD\n", "line 2: from"),
        ("ad_id,from,to,amount,currency\n,2026-06-01,2026-06-02,1,USD\n", "line 2: give a campaign_id"),
        ("ad_id,from,to,amount,currency\n1,2025-01-01,2026-06-02,1,USD\n", "at most 366 days"),
    ],
)
def test_a_bad_csv_names_what_is_wrong(text, named):
    with pytest.raises(CsvProblem) as refused:
        parse_spend_csv(text)
    assert named in str(refused.value)


def test_every_bad_line_is_named_not_only_the_first():
    text = "ad_id,from,to,amount,currency\n1,2026-06-01,2026-06-02,-1,USD\n2,2026-06-01,2026-06-02,1,USD\n3,2026-06-05,2026-06-02,1,USD\n"
    with pytest.raises(CsvProblem) as refused:
        parse_spend_csv(text)
    assert [p.split(":")[0] for p in refused.value.problems] == ["line 2", "line 4"]


def test_spend_counts_the_share_of_its_days_inside_the_period():
    row = SpendRow(ad_id="1", from_day=date(2026, 6, 21), to_day=date(2026, 7, 10), amount_minor=20000, currency="USD")
    assert spend_in_period(row, date(2026, 6, 1), date(2026, 6, 30)) == 10000
    assert spend_in_period(row, date(2026, 7, 11), date(2026, 7, 31)) == 0
    assert spend_in_period(row, date(2026, 1, 1), date(2026, 12, 31)) == 20000


def test_the_business_currency_is_its_campaigns_most_common_one():
    assert most_common_currency(["EUR", "USD", "EUR"]) == "EUR"
    assert most_common_currency([]) == "USD"


def test_ratios_with_nothing_to_divide_by_are_none():
    assert ratio(10, 0) is None and ratio(0, 4) == 0.0 and ratio(9, 4) == 2.25


def test_spend_of_an_ad_without_a_campaign_goes_to_the_campaign_its_conversations_belong_to():
    conversations = [AdConversation("c1", "111", "camp", "Summer", lead=True, sales=1, revenue_minor=9000)]
    spend = [SpendRow(ad_id="111", from_day=date(2026, 6, 1), to_day=date(2026, 6, 30), amount_minor=3000, currency="USD")]
    out = tally_figures(
        conversations, spend, date(2026, 6, 1), date(2026, 6, 30), currency="USD", campaign_names={"camp": "Shoes"}
    )
    assert out.campaigns[0].spend == 30.0 and out.campaigns[0].roas == 3.0
    assert out.ads[0].campaign_name == "Shoes" and out.totals.cost_per_lead == 30.0
    foreign = [SpendRow(ad_id="111", from_day=date(2026, 6, 1), to_day=date(2026, 6, 30), amount_minor=3000, currency="EUR")]
    unpriced = tally_figures(conversations, foreign, date(2026, 6, 1), date(2026, 6, 30), currency="USD", campaign_names={})
    assert unpriced.ads[0].spend is None and unpriced.ads[0].roas is None
