"""Why a lead scored what it did, and what to do next, in the owner's language: on the API, the leads page and
the thread; a lead stored before its reasons had kinds keeps its stored words."""

from __future__ import annotations

import html as html_text
from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from bot.pipeline.lead_notes import ENGLISH
from bot.pipeline.lead_scoring import next_step_note, score_lead_notes, stage_for
from bot.pipeline.types import LeadFields, LeadStage, LeadState
from bot.sales.leads import save_lead_after_turn
from dashboard.lead_words import LEAD_SENTENCES
from tests.dashboard import seeding
from tests.dashboard.conftest import SignedUp, platform_of
from tests.dashboard.test_pages import form_login

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def keen_buyer(api: TestClient, owner: SignedUp) -> str:
    """A lead scored by the pipeline's own rules: wants to buy, works at Globex, gave a phone, raised an objection."""
    db = platform_of(api).db
    conv = await seeding.conversation(db, owner.tenant_id, "whatsapp", "34600000001", at=AT, name="Lucía")
    state = LeadState(fields=LeadFields(phone="+34600000001", company="Globex"), buying_signals=1, messages_in=3, objections=2)
    score, notes = score_lead_notes(state, None)
    state = state.model_copy(update={"score": score, "reasons": [n.english() for n in notes], "reason_notes": notes})
    state = state.model_copy(update={"stage": stage_for(score, state, "new")})
    step = next_step_note(state)
    state = state.model_copy(update={"next_step": step.english(), "next_step_note": step})
    await save_lead_after_turn(db, conv, state, campaign_id="", previous=None, now=AT)
    return conv.id


def test_the_dashboard_can_say_every_kind_the_pipeline_stores() -> None:
    # The msgid of each kind is the pipeline's own English sentence: English readers read what was stored.
    assert LEAD_SENTENCES == ENGLISH


async def test_spanish_api_gives_the_reasons_and_next_step_in_spanish(api: TestClient, owner: SignedUp) -> None:
    await keen_buyer(api, owner)
    spanish = {**owner.auth, "Accept-Language": "es-ES,es;q=0.9"}
    (lead,) = (await (await api.get("/api/leads", headers=spanish)).json())["leads"]
    assert "Pidió comprar" in lead["score_reasons"]
    assert "Trabaja en Globex" in lead["score_reasons"]
    assert "Dio su teléfono" in lead["score_reasons"]
    assert "Puso 2 objeciones" in lead["score_reasons"]
    assert lead["next_step"] == "Responde tú a su duda; piensa en llamarle."
    assert not any(reason in ENGLISH.values() for reason in lead["score_reasons"])
    # The kinds come along for software that says them its own way.
    assert {"kind": "works_at", "params": {"company": "Globex"}} in lead["score_reason_kinds"]
    assert lead["next_step_kind"] == {"kind": "answer_concern", "params": {}}
    english = (await (await api.get("/api/leads", headers={**owner.auth, "Accept-Language": "en"})).json())["leads"][0]
    assert "Works at Globex" in english["score_reasons"]
    assert english["next_step"] == "Answer their concern personally; consider a call."


async def test_german_owner_reads_the_reasons_in_german_on_the_pages_and_the_thread_api(api: TestClient, owner: SignedUp) -> None:
    conversation_id = await keen_buyer(api, owner)
    chosen = await api.put("/api/account", json={"language": "de"}, headers=owner.auth)
    assert chosen.status == 200, await chosen.text()
    detail = await (await api.get(f"/api/conversations/{conversation_id}", headers=owner.auth)).json()
    assert "Arbeitet bei Globex" in detail["lead"]["score_reasons"]
    assert "Hat 2 Einwände geäußert" in detail["lead"]["score_reasons"]
    assert "Wollte kaufen" in detail["lead"]["history"][0]["reasons"]
    await form_login(api, owner)
    leads_page = html_text.unescape(await (await api.get("/leads")).text())
    assert "Gehen Sie persönlich auf den Einwand ein; erwägen Sie einen Anruf." in leads_page
    thread = html_text.unescape(await (await api.get(f"/conversations/{conversation_id}")).text())
    assert "Arbeitet bei Globex" in thread
    assert "Hat die Telefonnummer genannt" in thread
    assert "Works at Globex" not in thread and "Answer their concern" not in thread


async def test_a_lead_stored_before_kinds_keeps_its_words(api: TestClient, owner: SignedUp) -> None:
    db = platform_of(api).db
    conv = await seeding.conversation(db, owner.tenant_id, "facebook", "psid-old", at=AT, name="Old Lead")
    await seeding.lead(db, conv, at=AT, stage=LeadStage.engaged)
    await db.leads.update_one(
        {"tenant_id": owner.tenant_id, "conversation_id": conv.id},
        {"$unset": {"score_reason_kinds": "", "next_step_kind": ""}, "$set": {"next_step": "Call on Monday"}},
    )
    spanish = {**owner.auth, "Accept-Language": "es"}
    (lead,) = (await (await api.get("/api/leads", headers=spanish)).json())["leads"]
    assert lead["score_reasons"] == ["score 40"]
    assert lead["next_step"] == "Call on Monday"
    assert lead["score_reason_kinds"] == [] and lead["next_step_kind"] is None


async def test_kinds_stored_wrong_or_unknown_show_the_stored_words(api: TestClient, owner: SignedUp) -> None:
    conversation_id = await keen_buyer(api, owner)
    db = platform_of(api).db
    query = {"tenant_id": owner.tenant_id, "conversation_id": conversation_id}
    stored = await db.leads.find_one(query)
    assert stored is not None
    # One kind no longer a note, and a next step of a kind this dashboard does not know.
    broken = [*stored["score_reason_kinds"][:-1], {"params": "nonsense"}]
    await db.leads.update_one(query, {"$set": {"score_reason_kinds": broken, "next_step_kind": {"kind": "call_on_monday"}}})
    response = await api.get("/api/leads", headers={**owner.auth, "Accept-Language": "es"})
    assert response.status == 200, await response.text()
    (lead,) = (await response.json())["leads"]
    assert lead["score_reasons"] == stored["score_reasons"]
    assert lead["next_step"] == stored["next_step"] == "Answer their concern personally; consider a call."
