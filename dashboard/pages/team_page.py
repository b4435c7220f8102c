"""`/team`: the people of the business, an invitation form whose link is shown with a copy button (and emailed
when SMTP is set up), open invitations to withdraw, and members to remove. Each form goes through the team API's
own operation."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from dashboard.api.team import invite, remove, team, withdraw
from dashboard.context import settings_of
from dashboard.error_table import answer_for
from dashboard.errors import validation_fields
from dashboard.i18n.current import N_, gettext
from dashboard.pages.access import owner_session, posted_form
from dashboard.pages.forms import FormState, text_of
from dashboard.pages.frame import not_found_page, render, see_other
from dashboard.team.shapes import InviteIn, NewInviteOut
from knowledge.domain_errors import Conflict, NotFound, Refused

routes = web.RouteTableDef()

EMAIL_PROBLEMS = {
    "email_taken": N_("This email already has an account: a person can belong to one business only."),
    "rate_limited": N_("Too many invitations in an hour; try again later."),
}


async def _page(
    request: web.Request, *, form: FormState | None = None, created: NewInviteOut | None = None, status: int = 200
) -> web.Response:
    session = await owner_session(request)
    current = await team(request)
    context = {
        "people": current.members,
        "invites": current.invites,
        "form": form or FormState(),
        "created": created,
        "me": session.owner_id,
        "smtp": bool(settings_of(request).smtp_host),
    }
    return await render(request, "team.html", session, "team", context, status=status)


@routes.get("/team")
async def team_page(request: web.Request) -> web.Response:
    return await _page(request)


@routes.post("/team/invites")
async def invite_form(request: web.Request) -> web.Response:
    _, form = await posted_form(request)
    state = FormState(values={"email": text_of(form, "email")})
    try:
        body = InviteIn.model_validate({"email": state.values["email"]})
    except ValidationError as exc:
        fields = validation_fields(exc)
        state.errors["email"] = (
            gettext("Enter an email address, e.g. sam@example.com.") if "email" in fields else gettext("Fill this in")
        )
        return await _page(request, form=state, status=422)
    try:
        created = await invite(request, body)
    except (Conflict, Refused) as refused:  # the email has an account, or too many invitations
        answer = answer_for(refused)
        state.errors["email"] = gettext(EMAIL_PROBLEMS[answer.code]) if answer.code in EMAIL_PROBLEMS else answer.message
        response = await _page(request, form=state, status=answer.status)
        response.headers.update(answer.headers)
        return response
    return await _page(request, created=created)


@routes.post("/team/invites/{id}/cancel")
async def cancel_form(request: web.Request) -> web.Response:
    await posted_form(request)
    try:
        await withdraw(request)
    except NotFound:
        raise not_found_page(request, "invitation") from None
    return see_other("/team?notice=invite_cancelled")


@routes.post("/team/members/{id}/remove")
async def remove_form(request: web.Request) -> web.Response:
    await posted_form(request)
    try:
        await remove(request)
    except NotFound:
        raise not_found_page(request, "team member") from None
    return see_other("/team?notice=member_removed")
