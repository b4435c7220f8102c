"""`/quality`: the owner's test questions. Add a question with the answer it must get, delete one, run them all
through the bot as it is now (offline, and through the AI model when one is set up) and read every reply with
its verdict in plain words. Server forms only: the page works without scripts."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.evaluation.store import MAX_EXPECTED_CHARS, MAX_QUESTION_CHARS, MAX_QUESTIONS, OwnerQuestionIn
from dashboard.api.quality import MODEL_RUN_LIMIT, RunOut, create, last_run, list_all, remove, run_for
from dashboard.context import engine
from dashboard.error_table import answer_for
from dashboard.i18n import N_, gettext, ngettext
from dashboard.pages.access import owner_session, posted_form
from dashboard.pages.forms import FormState, text_of, validate
from dashboard.pages.frame import Translated, not_found_page, render, see_other
from knowledge.domain_errors import NotFound, Refused

routes = web.RouteTableDef()

QUESTION_FIELDS = ("question", "expected", "platform")
VERDICT_NAMES = {
    "answered": N_("Answered"),
    "wrong": N_("Wrong answer"),
    "declined": N_("Handed to your team"),
    "blocked": N_("Blocked as unsupported"),
}
# What each verdict means for the owner, and what to do about it.
VERDICT_HINTS = {
    "answered": N_("The reply contains the answer you expect."),
    "wrong": N_(
        "The reply does not contain the answer you expect. If your answer is right, make sure your business info, "
        "a campaign or a document states it."
    ),
    "declined": N_("The bot did not find the answer, so it would pass the customer to your team."),
    "blocked": N_("The bot's first answer stated something your information does not support, so it was not sent."),
}
NOTICES = {
    "question_added": N_("Question added. Run your questions to see how the bot answers it."),
    "question_deleted": N_("Question deleted."),
}
CHANNELS = (
    ("", N_("The first channel you use")),
    ("facebook", "Messenger"),
    ("instagram", "Instagram"),
    ("whatsapp", "WhatsApp"),
)


# The verdicts that did not go right, in the order the summary names them.
MISSES = ("wrong", "declined", "blocked")


def _miss(verdict: str, count: int) -> str:
    # Written out per verdict so each sentence is found by the extractor with its plural.
    if verdict == "wrong":
        said = ngettext("{count} wrong answer", "{count} wrong answers", count)
    elif verdict == "declined":
        said = ngettext("{count} handed to your team", "{count} handed to your team", count)
    else:
        said = ngettext("{count} blocked as unsupported", "{count} blocked as unsupported", count)
    return said.format(count=count)


def _misses(run: RunOut | None) -> list[str]:
    if run is None:
        return []
    counts = {verdict: sum(r.verdict == verdict for r in run.results) for verdict in MISSES}
    return [_miss(verdict, n) for verdict, n in counts.items() if n]


async def _page(
    request: web.Request,
    form: FormState | None = None,
    *,
    run_error: str = "",
    status: int = 200,
) -> web.Response:
    session = await owner_session(request)
    listed = await list_all(request)
    run: RunOut | None = await last_run(request)
    current_ids = {q.id for q in listed.questions}
    context: dict[str, Any] = {
        "form": form or FormState(values={"platform": ""}),
        "questions": listed.questions,
        "limit": MAX_QUESTIONS,
        "run": run,
        # The questions changed since that run: its figures no longer describe the list.
        "run_outdated": run is not None and {r.id for r in run.results} != current_ids,
        "run_error": run_error,
        # "1 wrong answer · 1 handed to your team": what did not go right, at a glance.
        "run_misses": _misses(run),
        "has_model": engine(request).model is not None,
        "model_limit": MODEL_RUN_LIMIT,
        "channels": [(value, gettext(label)) for value, label in CHANNELS],
        "verdict_names": Translated(VERDICT_NAMES),
        "verdict_hints": Translated(VERDICT_HINTS),
        "max_question": MAX_QUESTION_CHARS,
        "max_expected": MAX_EXPECTED_CHARS,
    }
    notice = NOTICES.get(request.query.get("notice", ""))
    if notice:
        context["notice"] = gettext(notice)
    return await render(request, "quality.html", session, "quality", context, status=status)


@routes.get("/quality")
async def quality_page(request: web.Request) -> web.Response:
    return await _page(request)


@routes.post("/quality/questions")
async def add_question_form(request: web.Request) -> web.Response:
    _, form = await posted_form(request)
    state = FormState(values={name: text_of(form, name) for name in QUESTION_FIELDS})
    body = validate(OwnerQuestionIn, state.values, state, QUESTION_FIELDS)
    if not isinstance(body, OwnerQuestionIn):
        return await _page(request, state, status=422)
    try:
        await create(request, body)
    except Refused as exc:  # the business has its fill of questions
        answer = answer_for(exc)
        state.errors["form"] = answer.message
        return await _page(request, state, status=answer.status)
    return see_other("/quality?notice=question_added#questions")


@routes.post("/quality/questions/{id}/delete")
async def delete_question_form(request: web.Request) -> web.Response:
    await posted_form(request)
    try:
        await remove(request)
    except NotFound:
        raise not_found_page(request, "test question") from None
    return see_other("/quality?notice=question_deleted#questions")


@routes.post("/quality/run")
async def run_form(request: web.Request) -> web.Response:
    _, form = await posted_form(request)
    try:
        await run_for(request, text_of(form, "mode") == "model")
    except Refused as exc:
        # Too many runs, or no model set up: said on the page, beside the run buttons.
        answer = answer_for(exc)
        return await _page(request, run_error=answer.message[:1].upper() + answer.message[1:], status=answer.status)
    return see_other("/quality#results")
