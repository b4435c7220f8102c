"""`POST /api/leo/chat {message, thread_id?}` → `{reply, thread_id, figures}`: Leo, rate-limited per owner."""

from __future__ import annotations

from aiohttp import web

from bot.sales.counters import bump_daily
from dashboard.analytics import business_of
from dashboard.api.operations import ApiRoutes
from dashboard.context import DASHBOARD, clock_of, db_of, identity
from dashboard.errors import not_found
from dashboard.leo import LeoReply, ask, threads
from dashboard.leo.results import Figure
from dashboard.leo.tables import figure_for_owner
from dashboard.leo.tools import LeoData
from dashboard.owners import get_tenant
from dashboard.ratelimit import LEO_PER_OWNER, enforce
from dashboard.schemas import FigureOut, LeoIn, LeoOut

routes = ApiRoutes()


def figure_out(figure: Figure) -> FigureOut:
    """A table of the answer as the API gives it: the amounts and the title's catalog parts stay behind."""
    return FigureOut(title=figure.title, columns=list(figure.columns), rows=[list(row) for row in figure.rows])


async def _count_usage(request: web.Request, tenant_id: str, day: str, answer: LeoReply) -> None:
    usage = answer.usage
    await bump_daily(
        db_of(request),
        tenant_id,
        day=day,
        platform="",
        leo_model_calls=usage.calls,
        leo_input_tokens=usage.input_tokens,
        leo_output_tokens=usage.output_tokens,
        leo_model_cost_micro_usd=int(round(usage.cost_usd * 1_000_000)),
        leo_blocks=1 if answer.blocked else 0,
    )


@routes.post("/api/leo/chat", errors=(404, 429))
async def leo_chat(request: web.Request, body: LeoIn) -> LeoOut:
    """Ask Leo, the owner's analyst, about the business's numbers; `thread_id` continues a thread."""
    who = identity(request)
    tenant, owner = who.tenant_id, who.owner_id
    await enforce(request, LEO_PER_OWNER, owner)
    earlier: list[threads.Turn] = []
    thread_id = body.thread_id or threads.new_thread_id()
    if body.thread_id:
        found = await threads.thread_turns(db_of(request), tenant, owner, body.thread_id)
        if found is None:
            raise not_found("leo_thread")
        earlier = found
    now = clock_of(request).now()
    business = await business_of(db_of(request), tenant, now)
    record = await get_tenant(db_of(request), tenant)
    answer = await ask(
        LeoData(db_of(request), tenant, business),
        body.message,
        business_name=record.name if record else "",
        earlier=[(turn.asked, turn.question) for turn in earlier],
        model=request.app[DASHBOARD].leo_model,
    )
    await _count_usage(request, tenant, business.today.isoformat(), answer)
    await threads.save_turn(
        db_of(request),
        tenant,
        owner,
        thread_id,
        threads.Turn(asked=body.message, reply=answer.reply, question=answer.question, source=answer.source, at=now),
    )
    return LeoOut(
        reply=answer.reply,
        thread_id=thread_id,
        figures=[figure_out(figure_for_owner(figure)) for figure in answer.figures],
    )
