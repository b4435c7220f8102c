"""Leads with score, stage and captured fields; `?format=csv` for a spreadsheet."""

from __future__ import annotations

import csv
import io

from aiohttp import web

from bot.sales.leads import list_leads
from dashboard.api.operations import ApiRoutes
from dashboard.api.shapes.lead_json import lead_for_owner
from dashboard.context import db_of, tenant_id
from dashboard.schemas import LeadsOut, LeadsQuery

routes = ApiRoutes()

CSV_COLUMNS = (
    "id",
    "conversation_id",
    "platform",
    "customer_id",
    "name",
    "email",
    "phone",
    "company",
    "team_size",
    "budget",
    "timeline",
    "product_interest",
    "score",
    "stage",
    "score_reasons",
    "next_step",
    "campaign_id",
    "value",
    "updated_at",
)


def _csv_cell(value: object) -> str:
    text = "; ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))
    # A cell starting with = + - @ (ASCII or full-width), a tab or a carriage return would run as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20") else text


@routes.get("/api/leads", produces=("text/csv",))
async def leads_list(request: web.Request, query: LeadsQuery) -> LeadsOut | web.Response:
    """Leads with score, stage and captured fields, best first; `?format=csv` for a spreadsheet."""
    leads = [lead_for_owner(lead) for lead in await list_leads(db_of(request), tenant_id(request), stage=query.stage or "")]
    for lead in leads:
        if "budget_cents" in lead:
            lead["budget"] = f"{lead.pop('budget_cents') / 100:.2f} {lead.get('budget_currency', '')}".strip()
    if query.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for lead in leads:
            writer.writerow([_csv_cell(lead.get(column, "")) for column in CSV_COLUMNS])
        return web.Response(
            text=buffer.getvalue(), content_type="text/csv", headers={"Content-Disposition": 'attachment; filename="leads.csv"'}
        )
    return LeadsOut.model_validate({"leads": leads})
