"""Entering ad spend for the owner (the API and the ads page): the checks that need the business's data."""

from __future__ import annotations

from datetime import datetime

from bot.sales.ad_spend import MAX_CSV_ROWS, CsvProblem, SpendIn, business_currency, currency_problem, save_spend, spend_row
from dashboard.error_table import FieldsInvalid
from dashboard.errors import not_found, validation_fields
from dashboard.i18n.current import gettext
from knowledge.campaigns import list_campaigns
from knowledge.db import Db
from knowledge.domain_errors import InvalidInput


def csv_problem_words(problem: CsvProblem) -> list[str]:
    """What is wrong with a refused CSV in the owner's language: each bad row by its line, or the file itself."""
    if problem.rows:
        return [
            gettext("line %(line)d: %(problem)s") % {"line": line, "problem": " ".join(validation_fields(exc).values())}
            for line, exc in problem.rows
        ]
    whole = {
        "columns": gettext("The first line must name the columns campaign_id, ad_id, from, to, amount and currency."),
        "too_many": gettext("A file may hold at most %(rows)d rows.") % {"rows": MAX_CSV_ROWS},
        "empty": gettext("The file has no rows of spend."),
        "unreadable": gettext("The file could not be read as CSV."),
    }
    return [whole.get(problem.kind, str(problem))]


def csv_refused(problems: list[str]) -> FieldsInvalid:
    """A refused CSV: every problem in the message, the first beside the file field (already in the owner's words)."""
    return FieldsInvalid("bad_csv", {"file": problems[0]}, problems="; ".join(problems))


async def check_spend(db: Db, tenant_id: str, rows: list[SpendIn]) -> list[str]:
    """Why rows cannot be kept, one sentence each (line numbers as in a CSV whose header is line 1); [] if all can.
    A campaign of another business is named as unknown, like one that does not exist."""
    campaigns = {c.id for c in await list_campaigns(db, tenant_id)}
    currency = await business_currency(db, tenant_id)
    problems: list[str] = []
    for line, row in enumerate(rows, start=2):
        if row.campaign_id and row.campaign_id not in campaigns:
            problems.append(gettext("line %(line)d: no campaign %(id)s in this business") % {"line": line, "id": row.campaign_id})
        if currency_problem(row, currency):
            problems.append(
                gettext("line %(line)d: spend must be in %(currency)s, the business's currency, not %(given)s")
                % {"line": line, "currency": currency, "given": row.currency}
            )
    return problems


async def enter_spend(db: Db, tenant_id: str, data: SpendIn, now: datetime) -> None:
    """One amount from the API: 404 for a campaign that is not the business's, 422 for another currency."""
    if data.campaign_id and data.campaign_id not in {c.id for c in await list_campaigns(db, tenant_id)}:
        raise not_found("campaign")
    currency = await business_currency(db, tenant_id)
    if currency_problem(data, currency):
        raise InvalidInput("wrong_currency", {"currency": "wrong_currency"}, currency=currency, given=data.currency)
    await save_spend(db, tenant_id, [spend_row(data)], now=now)


async def import_spend(db: Db, tenant_id: str, rows: list[SpendIn], now: datetime) -> int:
    """Every row or none: 422 naming each bad row before anything is stored."""
    if problems := await check_spend(db, tenant_id, rows):
        raise csv_refused(problems)
    return await save_spend(db, tenant_id, [spend_row(row) for row in rows], now=now)
