"""`/onboarding`: the business profile, the documents the bot answers from (upload several, list, delete),
and a preview of what the bot would use to answer a question."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.conversations.bot_settings import get_bot_settings
from dashboard.api.knowledge import remove, search
from dashboard.api.onboarding import read_profile, write_profile
from dashboard.context import db_of
from dashboard.error_table import FieldsInvalid, answer_for
from dashboard.i18n.current import format_locale, gettext
from dashboard.pages.access import owner_session, posted_form
from dashboard.pages.forms import FormState, text_of, validate
from dashboard.pages.frame import not_found_page, render, see_other
from dashboard.phones import readable
from dashboard.schemas import SearchQuery
from dashboard.zones import country_name, country_of_zone
from knowledge.documents import DocumentError, add_document, list_documents
from knowledge.domain_errors import NotFound
from knowledge.models import BusinessProfile

routes = web.RouteTableDef()

PROFILE_FIELDS = tuple(BusinessProfile.model_fields)


async def _page(
    request: web.Request, profile_form: FormState, *, upload_errors: list[str] | None = None, status: int = 200
) -> web.Response:
    session = await owner_session(request)
    db = db_of(request)
    question = request.query.get("q", "").strip()[:500]
    preview: dict[str, Any] | None = None
    if question:
        preview = (await search(request, SearchQuery(q=question, k=5))).model_dump()
    zone = (await get_bot_settings(db, session.tenant_id)).timezone
    context = {
        "form": profile_form,
        "phone_country": country_name(country_of_zone(zone), format_locale()),
        "documents": await list_documents(db, session.tenant_id),
        "upload_errors": upload_errors or [],
        "question": question,
        "preview": preview,
    }
    return await render(request, "onboarding.html", session, "onboarding", context, status=status)


@routes.get("/onboarding")
async def onboarding_page(request: web.Request) -> web.Response:
    await owner_session(request)
    profile = await read_profile(request)
    return await _page(request, FormState(values=_shown(profile)))


def _shown(profile: BusinessProfile) -> dict[str, str]:
    """The profile as the form shows it: the stored E.164 phone written the way people read it."""
    return {**profile.model_dump(), "phone": readable(profile.phone)}


@routes.post("/onboarding")
async def save_profile_form(request: web.Request) -> web.Response:
    _, form = await posted_form(request)
    state = FormState(values={name: text_of(form, name) for name in PROFILE_FIELDS})
    profile = validate(BusinessProfile, state.values, state, PROFILE_FIELDS)
    if not isinstance(profile, BusinessProfile):
        return await _page(request, state, status=422)
    try:
        await write_profile(request, profile)
    except FieldsInvalid as refused:
        state.add_errors(refused.said, PROFILE_FIELDS)
        return await _page(request, state, status=422)
    return see_other("/onboarding?notice=profile_saved")


@routes.post("/onboarding/documents")
async def upload_form(request: web.Request) -> web.Response:
    session, form = await posted_form(request)
    files = [item for item in form.getall("file", []) if isinstance(item, web.FileField)]
    errors: list[str] = []
    if not files or all(not item.filename for item in files):
        errors.append(gettext("Choose one or more files first (text, Markdown or PDF)."))
    for item in files:
        if not item.filename:
            continue
        try:
            await add_document(db_of(request), session.tenant_id, item.filename, item.content_type, item.file.read())
        except DocumentError as exc:
            errors.append(f"{item.filename}: {answer_for(exc).message}")
    if errors:
        profile = await read_profile(request)
        return await _page(request, FormState(values=_shown(profile)), upload_errors=errors, status=422)
    return see_other("/onboarding?notice=uploaded#documents")


@routes.post("/onboarding/documents/{id}/delete")
async def delete_form(request: web.Request) -> web.Response:
    await posted_form(request)
    try:
        await remove(request)
    except NotFound:
        raise not_found_page(request, "document") from None
    return see_other("/onboarding?notice=document_deleted#documents")
