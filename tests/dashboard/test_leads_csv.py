"""The leads export never hands a spreadsheet a formula: every prefix that starts one is neutralised."""

from __future__ import annotations

import pytest

from dashboard.api.leads import _csv_cell


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",  # a tab or carriage return first: some spreadsheets skip it and read the formula
        "\uff1d1+1",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",  # full-width = + - @, which some spreadsheets read as ASCII
    ],
)
def test_formula_prefixes_are_escaped(text: str) -> None:
    assert _csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ana", "ana@example.com", "12", "", "a=b"])
def test_plain_values_stay_as_they_are(text: str) -> None:
    assert _csv_cell(text) == text
