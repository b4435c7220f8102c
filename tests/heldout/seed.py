"""The held-out businesses stored the way an owner creates them: profile, campaigns, one policies document."""

from __future__ import annotations

import json
import re

from bot.evaluation.cases import EvalCase, Lie
from knowledge.campaigns import create_campaign
from knowledge.db import Db
from knowledge.documents import add_document
from knowledge.models import BusinessProfile, CampaignIn
from knowledge.profiles import save_profile
from tests.fakes.groq_server import Behaviour, tool_answer
from tests.heldout.businesses import Business, Case


async def seed(db: Db, business: Business) -> str:
    tenant_id = f"heldout_{business.key}"
    await save_profile(db, tenant_id, BusinessProfile.model_validate(business.profile))
    for campaign in business.campaigns:
        await create_campaign(db, tenant_id, CampaignIn.model_validate(json.loads(json.dumps(campaign))))
    await add_document(db, tenant_id, business.document_name, business.document_type, business.document)
    return tenant_id


def eval_case(case: Case, *, lie: bool = False) -> EvalCase:
    return EvalCase(
        id=f"{case.business}:{case.id}{'#lie' if lie else ''}",
        text=case.text,
        kind=case.kind,
        platform=case.platform,
        lang=case.lang,
        answer=case.answer,
        passage=case.passage,
        honest=case.honest,
        lie=Lie(case.lie.category, case.lie.reply, case.lie.markers) if case.lie else None,
        turns=case.turns,
    )


class ScriptedModel:
    """The scripted model's answer for the case being run: its lie on the first call of a lying run, the honest
    answer otherwise (also when asked again after a refused answer)."""

    def __init__(self) -> None:
        self.case: EvalCase | None = None
        self.lying = False
        self.calls = 0

    def start(self, case: EvalCase, lying: bool) -> None:
        self.case, self.lying, self.calls = case, lying, 0

    def __call__(self, body: dict) -> Behaviour:
        assert self.case is not None
        self.calls += 1
        system = "\n".join(str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "system")
        cited = [
            ident
            for ident, text in re.findall(r'<document id="([^"]+)"[^>]*>\n(.*?)\n</document>', system, re.DOTALL)
            if self.case.passage and self.case.passage.lower() in " ".join(text.lower().split())
        ]
        if self.lying and self.calls == 1 and self.case.lie is not None:
            return tool_answer({"reply": self.case.lie.reply, "facts_used": [], "sources": cited[:1]})
        return tool_answer({"reply": self.case.honest, "facts_used": [], "sources": cited[:1]})
