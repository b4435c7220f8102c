"""`POST /leo`: Leo's sidebar form when the page's script does not run; the answer shows on its own page."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from dashboard.api.leo import leo_chat
from dashboard.error_table import answer_for
from dashboard.i18n.current import gettext
from dashboard.pages.access import posted_form
from dashboard.pages.forms import text_of
from dashboard.pages.frame import render
from dashboard.schemas import LeoIn
from knowledge.domain_errors import DomainError

routes = web.RouteTableDef()


@routes.post("/leo")
async def leo_form(request: web.Request) -> web.Response:
    session, form = await posted_form(request)
    question = text_of(form, "message")
    answer, error = None, ""
    try:
        answer = (await leo_chat(request, LeoIn.model_validate({"message": question}))).model_dump()
    except ValidationError:
        error = gettext("Write a question first.")
    except DomainError as exc:
        error = answer_for(exc).message
    return await render(
        request, "leo.html", session, "", {"question": question, "answer": answer, "error": error}, status=200 if answer else 422
    )
