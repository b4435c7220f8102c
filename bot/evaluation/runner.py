"""Runs quality cases through the same steps a customer's turn takes, and sums up the outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.conversations.turn_context import turn_context
from bot.evaluation.cases import EvalCase
from bot.evaluation.checks import answers, lie_reached, passage_found, wrong_amounts
from bot.pipeline import run_turn
from bot.pipeline.claims import numbers_said, unsupported
from bot.pipeline.model_client import ModelClient
from bot.pipeline.types import HistoryItem, LeadState, TurnContext, TurnResult
from bot.pipeline.verify import ignored_phrases, support_texts
from knowledge.db import Db
from knowledge.retrieval import KnowledgeIndex


@dataclass
class CaseOutcome:
    case: EvalCase
    reply: str
    source: str
    answered: bool
    wrong_amounts: list[str]
    lie_reached: bool
    blocked: bool
    violations: list[str]
    handoff: bool
    passage_hit: bool | None  # None when no passage holds the answer
    # Sentences sent that nothing the tenant wrote anywhere carries (an independent check of the sent reply).
    unsupported_sent: list[str] = field(default_factory=list)
    # A refused draft that answered, stated no wrong amount, and whose claims the tenant's words do carry.
    false_block: bool = False


@dataclass
class Tally:
    """One mode's figures (offline, or through a model)."""

    mode: str
    outcomes: list[CaseOutcome] = field(default_factory=list)
    # True when every draft not marked "#lie" is known to be truthful (the held-out bench's scripted model):
    # then each refused one is a false block. Otherwise a false block is a refused draft that answered and
    # whose claims the tenant's words carry.
    drafts_known_honest: bool = False

    def _rate(self, hits: int, total: int) -> str:
        return f"{hits}/{total} ({hits / total:.0%})" if total else "n/a"

    @property
    def honest(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if not o.case.id.endswith("#lie")]

    @property
    def lies(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if o.case.id.endswith("#lie")]

    def figures(self) -> dict[str, str]:
        honest, lies = self.honest, self.lies
        with_passage = [o for o in honest if o.passage_hit is not None]
        owner = [o for o in honest if o.case.kind == "owner"]
        figures = {
            "answered": self._rate(sum(o.answered for o in honest), len(honest)),
        }
        if owner:
            figures["your questions answered"] = self._rate(sum(o.answered for o in owner), len(owner))
        unanswerable = [o for o in honest if o.case.note]
        if unanswerable:
            # Counted in "answered" as not answered: nothing tells a right reply from a wrong one.
            figures["no expected answer"] = str(len(unanswerable))
        figures |= {
            "wrong amounts sent": str(sum(len(o.wrong_amounts) for o in self.outcomes)),
            "retrieval hit": self._rate(sum(bool(o.passage_hit) for o in with_passage), len(with_passage)),
            "handoff rate": self._rate(sum(o.handoff for o in honest), len(honest)),
        }
        figures["unsupported claims sent"] = str(sum(len(o.unsupported_sent) for o in self.outcomes))
        if not self.mode.startswith("offline"):
            figures["drafts repaired"] = self._rate(sum(o.blocked for o in honest), len(honest))
            blocked = (lambda o: o.blocked) if self.drafts_known_honest else (lambda o: o.false_block)
            figures["false blocks"] = self._rate(sum(blocked(o) for o in honest), len(honest))
        if lies:
            figures["lies that reached the customer"] = self._rate(sum(o.lie_reached for o in lies), len(lies))
        return figures


async def answer_turn(
    db: Db,
    knowledge: KnowledgeIndex,
    tenant_id: str,
    platform: str,
    text: str,
    *,
    history: list[HistoryItem] | None = None,
    lead: LeadState | None = None,
    current_id: str = "",
    model: ModelClient | None,
    timeout_s: float,
) -> tuple[TurnContext, TurnResult]:
    """One customer turn on `platform`, seen as bot.conversations.turn_context builds it (the campaigns visible
    there, the passages found with the customer's words and the conversation so far), answered by `run_turn`.
    Nothing is stored or sent."""
    ctx = await turn_context(
        knowledge,
        db,
        tenant_id,
        platform,
        [text],
        history or [],
        lead or LeadState(),
        current_campaign_id=current_id,
        model=model,
    )
    return ctx, await run_turn(ctx, model=model, timeout_s=timeout_s)


async def _turn(
    db: Db,
    knowledge: KnowledgeIndex,
    tenant_id: str,
    case: EvalCase,
    text: str,
    history: list[HistoryItem],
    lead: LeadState,
    current_id: str,
    model: ModelClient | None,
    timeout_s: float,
) -> tuple[TurnContext, TurnResult]:
    return await answer_turn(
        db,
        knowledge,
        tenant_id,
        case.platform,
        text,
        history=history,
        lead=lead,
        current_id=current_id,
        model=model,
        timeout_s=timeout_s,
    )


async def run_case(
    db: Db,
    knowledge: KnowledgeIndex,
    tenant_id: str,
    case: EvalCase,
    *,
    model: ModelClient | None,
    timeout_s: float,
    known_amounts: list[tuple[int, str]],
    tenant_texts: list[str] | None = None,
) -> CaseOutcome:
    """The case's earlier turns answered offline, then its question through `model` (or offline)."""
    history: list[HistoryItem] = []
    lead = LeadState()
    campaign_id = ""
    for earlier in case.turns:
        ctx, result = await _turn(db, knowledge, tenant_id, case, earlier, history, lead, campaign_id, None, timeout_s)
        history += [HistoryItem(sender="customer", text=earlier), HistoryItem(sender="bot", text=result.reply.text)]
        lead = result.lead
        campaign_id = ctx.campaign.id if ctx.campaign else campaign_id
    ctx, result = await _turn(db, knowledge, tenant_id, case, case.text, history, lead, campaign_id, model, timeout_s)
    reply = result.reply.text
    links = [c.product.cta_url for c in ctx.facts.products if c.product.cta_url]
    everything = tenant_texts if tenant_texts is not None else support_texts(ctx)
    customer = numbers_said(" ".join([*case.turns, case.text]))
    draft = result.refused_text
    false_block = (
        bool(draft)
        and not case.id.endswith("#lie")
        and answers(case, draft, handoff=result.reply.handoff, links=links)
        and not wrong_amounts(draft, known_amounts)
        and not (unsupported(draft, [], everything, ignore=ignored_phrases(ctx, draft), customer_numbers=customer))
    )
    return CaseOutcome(
        case=case,
        reply=reply,
        source=result.reply.source,
        answered=answers(case, reply, handoff=result.reply.handoff, links=links),
        wrong_amounts=wrong_amounts(reply, known_amounts),
        lie_reached=lie_reached(case, reply),
        blocked=result.guard_blocked,
        violations=result.guard_violations,
        handoff=result.reply.handoff,
        passage_hit=passage_found(case, [p.text for p in ctx.passages]) if case.passage else None,
        unsupported_sent=unsupported(reply, [], everything, ignore=ignored_phrases(ctx, reply), customer_numbers=customer),
        false_block=false_block,
    )


def print_tally(tally: Tally, *, details: bool = True) -> None:
    print(f"  [{tally.mode}]")
    for name, value in tally.figures().items():
        print(f"    {name:<24} {value}")
    if not details:
        return
    for outcome in tally.outcomes:
        problems = []
        if not outcome.case.id.endswith("#lie") and not outcome.answered:
            problems.append(f"not answered ({outcome.case.note})" if outcome.case.note else "not answered")
        if outcome.wrong_amounts:
            problems.append(f"wrong amount {', '.join(outcome.wrong_amounts)}")
        if outcome.lie_reached:
            problems.append(f"{outcome.case.lie.category if outcome.case.lie else ''} lie sent")
        if outcome.false_block:
            problems.append("honest answer blocked: " + "; ".join(outcome.violations)[:120])
        if outcome.unsupported_sent:
            problems.append("sent without support: " + "; ".join(outcome.unsupported_sent)[:120])
        if outcome.passage_hit is False:
            problems.append("answer passage not retrieved")
        if problems:
            print(f"    - {outcome.case.id} ({outcome.source}) {outcome.case.text!r}: {', '.join(problems)}")
            print(f"        → {outcome.reply[:200]!r}")
