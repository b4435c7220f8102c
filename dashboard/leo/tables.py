"""The tables beside Leo's answer as the owner reads them: titles, column names, numbers and the tools' own words
in the owner's language. What customers wrote (names, contacts, messages) and the business's own names are shown
as they are. The tools keep their English for the model and the number check; this is the owner's edge.
"""

from __future__ import annotations

import re

from dashboard.i18n.current import N_, gettext
from dashboard.leo import writing
from dashboard.leo.labels import (
    BILLING_WORDS,
    CHANGE_LABELS,
    INTENT_TOPICS,
    LEAD_STAGES,
    WAITING_STATES,
    WEEKDAYS,
    campaign_status,
)
from dashboard.leo.results import Cell, Figure

COLUMNS = {
    "period": N_("period"),
    "day": N_("day"),
    "campaign": N_("campaign"),
    "platform": N_("platform"),
    "conversations": N_("conversations"),
    "messages in": N_("messages in"),
    "response rate %": N_("response rate %"),
    "first response s": N_("first response s"),
    "sales": N_("sales"),
    "conversion rate %": N_("conversion rate %"),
    "revenue": N_("revenue"),
    "handoffs": N_("handoffs"),
    "customers who wrote back %": N_("customers who wrote back %"),
    "figure": N_("figure"),
    "this period": N_("this period"),
    "period before": N_("period before"),
    "change": N_("change"),
    "stage": N_("stage"),
    "leads": N_("leads"),
    "% of leads": N_("% of leads"),
    "product": N_("product"),
    "price": N_("price"),
    "name": N_("name"),
    "score": N_("score"),
    "contact": N_("contact"),
    "got the link": N_("got the link"),
    "next step": N_("next step"),
    "customer": N_("customer"),
    "state": N_("state"),
    "last message": N_("last message"),
    "customer wrote": N_("customer wrote"),
    "billing": N_("billing"),
    "status": N_("status"),
    "objection answers": N_("objection answers"),
    "topic": N_("topic"),
    "turns": N_("turns"),
    "what": N_("what"),
    "count": N_("count"),
    "weekday": N_("weekday"),
    "hour": N_("hour"),
    "customer messages": N_("customer messages"),
    "expression": N_("expression"),
    "result": N_("result"),
    "ad": N_("ad"),
    "ad id": N_("ad id"),
    "spend": N_("spend"),
    "cost per lead": N_("cost per lead"),
    "cost per sale": N_("cost per sale"),
    "return on ad spend": N_("return on ad spend"),
}
# Columns whose cells a customer or the owner wrote: never translated.
AS_WRITTEN = frozenset(
    {"name", "contact", "customer", "customer wrote", "product", "campaign", "expression", "next step", "ad", "ad id"}
)
GROUPS = {"day": N_("day"), "campaign": N_("campaign"), "platform": N_("platform")}
LEAD_FILTERS = {**LEAD_STAGES, "open": N_("open")}
# The tools' own words in their cells.
CELL_WORDS = {
    **CHANGE_LABELS,
    **INTENT_TOPICS,
    **WAITING_STATES,
    "yes": N_("yes"),
    "no": N_("no"),
    "one-off": N_("one-off"),
    "every platform": N_("every platform"),
    "left without an answer": N_("left without an answer"),
    "replies not delivered": N_("replies not delivered"),
    "answers blocked by the guard": N_("answers blocked by the guard"),
    "handoffs to a person": N_("handoffs to a person"),
}
STAGE_CELLS = LEAD_STAGES


def _title(figure: Figure) -> str:
    if not figure.title_words:
        return figure.title
    parts = dict(figure.title_parts)
    if "period" in parts:
        parts["period"] = writing.period(parts["period"])
    if "previous" in parts:
        parts["previous"] = writing.period(parts["previous"])
    if "days" in parts:
        parts["days"] = writing.num(int(parts["days"]))
    group, stage = parts.get("group", ""), parts.get("stage", "")
    if group in GROUPS:
        parts["group"] = gettext(GROUPS[group])
    if stage in LEAD_FILTERS:
        parts["stage"] = gettext(LEAD_FILTERS[stage])
    title = gettext(figure.title_words).format(**parts)
    return title[:1].upper() + title[1:]  # a title may start with the days, in their own words


def _cell(column: str, value: Cell) -> Cell:
    if column in AS_WRITTEN or value is None:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(writing.cell(value))
    text = str(value)
    if column == "period":
        return writing.period(text)
    if column == "last message":
        return writing.moment(text)
    if column == "status":
        return campaign_status(text)
    if column == "billing" and text in BILLING_WORDS:
        return gettext(BILLING_WORDS[text])
    if column == "stage" and text in STAGE_CELLS:
        return gettext(STAGE_CELLS[text])
    if column == "weekday" and text in WEEKDAYS:
        return writing.weekday(WEEKDAYS.index(text))
    if text in CELL_WORDS:
        return gettext(CELL_WORDS[text])
    if m := re.fullmatch(r"revenue ([A-Z]{3})", text):
        return gettext("revenue {currency}").format(currency=m.group(1))
    return value


def _money(amounts: dict[str, float]) -> str:
    return ", ".join(writing.money(amount, currency) for currency, amount in amounts.items() if amount) or writing.num(0)


def _row(figure: Figure, n: int, row: list[Cell]) -> list[Cell]:
    cells = []
    for m, (column, cell) in enumerate(zip(figure.columns, row, strict=True)):
        amounts = figure.amounts.get(f"{n},{m}")
        cells.append(_money(amounts) if amounts is not None else _cell(column, cell))
    return cells


def figure_for_owner(figure: Figure) -> Figure:
    """The table in the request's language: English stays exactly what the tools wrote."""
    if writing.is_english():
        return figure
    return Figure(
        title=_title(figure),
        columns=[gettext(COLUMNS[column]) if column in COLUMNS else column for column in figure.columns],
        rows=[_row(figure, n, row) for n, row in enumerate(figure.rows)],
    )
