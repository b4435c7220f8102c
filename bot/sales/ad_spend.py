"""What the owner paid for ads: one amount per campaign or ad over a period, entered by hand or from a CSV.

Money is kept in the business's currency only (`business_currency`): a cost per sale that mixed euros and dollars
would be wrong without a rate, and a rate the platform guessed would be wrong too. Spend in another currency is
refused with a clear error instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pymongo import DESCENDING, ReplaceOne

from knowledge.campaigns import list_campaigns
from knowledge.db import Db
from knowledge.models import ISO_CURRENCIES, to_major, to_minor

# Longest period one amount may cover: a year (a longer one is almost surely a typing mistake in a date).
MAX_PERIOD_DAYS = 366
MAX_CSV_ROWS = 5000
CSV_COLUMNS = ("campaign_id", "ad_id", "from", "to", "amount", "currency")
ID_PATTERN = r"^[A-Za-z0-9_.:-]*$"


class SpendIn(BaseModel):
    """Spend on one campaign or ad (or an ad of a campaign) from `from` to `to`, both days included."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    campaign_id: str = Field(default="", max_length=64, pattern=ID_PATTERN, description="a campaign of this business")
    ad_id: str = Field(default="", max_length=64, pattern=ID_PATTERN, description="Meta's ad id, as in Ads Manager")
    from_: date = Field(alias="from", description="first day (YYYY-MM-DD)")
    to: date = Field(description="last day, included (YYYY-MM-DD)")
    amount: float = Field(ge=0, le=100_000_000, description="what was spent; 0 or more")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code; must be the business's currency")

    @field_validator("currency")
    @classmethod
    def _iso(cls, value: str) -> str:
        if value.upper() not in ISO_CURRENCIES:
            raise ValueError("must be an ISO 4217 currency code such as USD or EUR")
        return value.upper()

    @model_validator(mode="after")
    def _shape(self) -> SpendIn:
        if not self.campaign_id and not self.ad_id:
            raise ValueError("give a campaign_id, an ad_id or both")
        if self.to < self.from_:
            raise ValueError("'to' must be the same day as 'from' or later")
        if (self.to - self.from_).days + 1 > MAX_PERIOD_DAYS:
            raise ValueError(f"one amount may cover at most {MAX_PERIOD_DAYS} days")
        return self


class SpendRow(BaseModel):
    """Spend as stored: minor units, days as ordinals so a period's overlap is plain arithmetic."""

    campaign_id: str = ""
    ad_id: str = ""
    from_day: date
    to_day: date
    amount_minor: int
    currency: str

    @property
    def days(self) -> int:
        return (self.to_day - self.from_day).days + 1


class CsvProblem(ValueError):
    """A CSV the import refuses, nothing stored: the whole file (`kind`: "columns", "empty", "too_many",
    "unreadable") or rows,
    each with its line number (the header is line 1) and what was wrong with it."""

    def __init__(self, kind: str, problems: list[str], rows: list[tuple[int, ValidationError]] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.kind = kind
        self.problems = problems
        self.rows = rows or []


def spend_row(data: SpendIn) -> SpendRow:
    return SpendRow(
        campaign_id=data.campaign_id,
        ad_id=data.ad_id,
        from_day=data.from_,
        to_day=data.to,
        amount_minor=to_minor(data.amount, data.currency),
        currency=data.currency,
    )


def currency_problem(data: SpendIn, business_currency: str) -> str:
    """Why this spend cannot be kept in the business's money ("" when it can)."""
    if data.currency != business_currency:
        return (
            f"the business counts its money in {business_currency}; enter the spend in {business_currency}, not {data.currency}"
        )
    return ""


def parse_spend_csv(text: str) -> list[SpendIn]:
    """Rows of a spend CSV (header `campaign_id,ad_id,from,to,amount,currency`; extra columns ignored), or
    CsvProblem naming every bad row by its line number."""
    try:
        return _read_spend_csv(text)
    except csv.Error:  # not CSV at all (a field longer than the reader takes, a stray NUL)
        raise CsvProblem("unreadable", ["the file could not be read as CSV"]) from None


def _read_spend_csv(text: str) -> list[SpendIn]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("from", "to", "amount", "currency") if name not in header]
    if missing or not ({"campaign_id", "ad_id"} & set(header)):
        needed = ", ".join(missing) if missing else "campaign_id or ad_id"
        raise CsvProblem("columns", [f"the first line must name the columns {', '.join(CSV_COLUMNS)} (missing: {needed})"])
    reader.fieldnames = header
    rows: list[SpendIn] = []
    bad: list[tuple[int, ValidationError]] = []
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_CSV_ROWS:
            raise CsvProblem("too_many", [f"at most {MAX_CSV_ROWS} rows per file"])
        values = {k: (v or "").strip() for k, v in raw.items() if k in CSV_COLUMNS}
        if not any(values.values()):
            continue  # a blank line
        try:
            rows.append(SpendIn.model_validate(values))
        except ValidationError as exc:
            bad.append((line, exc))
    if bad:
        raise CsvProblem("rows", [f"line {line}: {_first_problem(exc)}" for line, exc in bad], bad)
    if not rows:
        raise CsvProblem("empty", ["the file has no rows of spend"])
    return rows


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"] if part != "from_") or ""
    where = where or ("from" if "from_" in error["loc"] else "")
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def spend_id(tenant_id: str, row: SpendRow) -> str:
    """The same campaign, ad and period entered again replaces the amount (a correction), never adds to it."""
    key = f"{tenant_id}\0{row.campaign_id}\0{row.ad_id}\0{row.from_day}\0{row.to_day}"
    return "sp_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def _doc(tenant_id: str, row: SpendRow, now: datetime) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": spend_id(tenant_id, row),
        "tenant_id": tenant_id,
        "from_ordinal": row.from_day.toordinal(),
        "to_ordinal": row.to_day.toordinal(),
        "amount_minor": row.amount_minor,
        "currency": row.currency,
        "updated_at": now,
    }
    for name in ("campaign_id", "ad_id"):
        if value := getattr(row, name):
            doc[name] = value
    return doc


def _row(doc: dict[str, Any]) -> SpendRow:
    return SpendRow(
        campaign_id=doc.get("campaign_id", ""),
        ad_id=doc.get("ad_id", ""),
        from_day=date.fromordinal(doc["from_ordinal"]),
        to_day=date.fromordinal(doc["to_ordinal"]),
        amount_minor=doc["amount_minor"],
        currency=doc["currency"],
    )


async def save_spend(db: Db, tenant_id: str, rows: Iterable[SpendRow], *, now: datetime) -> int:
    """Store every row in one request (each replaces an earlier amount for the same campaign, ad and period)."""
    docs = [_doc(tenant_id, row, now) for row in rows]
    if docs:
        await db.ad_spend.bulk_write([ReplaceOne({"_id": d["_id"], "tenant_id": tenant_id}, d, upsert=True) for d in docs])
    return len(docs)


async def spend_overlapping(db: Db, tenant_id: str, first: date, last: date) -> list[SpendRow]:
    """Spend whose period touches [first, last]."""
    query = {"tenant_id": tenant_id, "to_ordinal": {"$gte": first.toordinal()}}
    return [row async for row in (_row(doc) async for doc in db.ad_spend.find(query)) if row.from_day <= last]


async def list_spend(db: Db, tenant_id: str, *, limit: int = 500) -> list[tuple[str, SpendRow]]:
    """The amounts entered, latest days first, with their ids."""
    cursor = db.ad_spend.find({"tenant_id": tenant_id}).sort("to_ordinal", DESCENDING).limit(limit)
    return [(doc["_id"], _row(doc)) async for doc in cursor]


async def delete_spend(db: Db, tenant_id: str, spend_id: str) -> bool:
    """Remove an amount entered by mistake; False when the business has none with that id."""
    return (await db.ad_spend.delete_one({"_id": spend_id, "tenant_id": tenant_id})).deleted_count == 1


def spend_in_period(row: SpendRow, first: date, last: date) -> int:
    """The part of `row` that falls in [first, last], spread evenly over its days (minor units)."""
    overlap = (min(row.to_day, last) - max(row.from_day, first)).days + 1
    if overlap <= 0:
        return 0
    return round(row.amount_minor * overlap / row.days)


async def business_currency(db: Db, tenant_id: str) -> str:
    """The currency the business sells in: its campaigns' most common one (USD before it has any)."""
    return most_common_currency(c.product.currency for c in await list_campaigns(db, tenant_id))


def most_common_currency(currencies: Iterable[str]) -> str:
    counted = Counter(code for code in currencies if code)
    return counted.most_common(1)[0][0] if counted else "USD"


def amount(minor: int, currency: str) -> float:
    return to_major(minor, currency)
