"""Leo, the owner's analyst: answers questions about the business from tools over its own data.

With a model, the model chooses the tools (`model.py`); its answer is shown only if every number in it comes from
a tool result, the calculator or the owner's question (`grounding.py`). Otherwise, and without a model, the
offline analyst answers the same question from the same tools (`analyst.py`). Ranges are read in plain words in
the business's time zone (`ranges.py`); follow-ups are read after the thread's last question (`threads.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from langchain_core.language_models import BaseChatModel

from dashboard.leo.analyst import OfflineAnalyst, Question, understand
from dashboard.leo.grounding import known_numbers, ungrounded_numbers
from dashboard.leo.model import BUDGET_S, ModelFailed, ModelUsage, opening_messages, run_model
from dashboard.leo.tools import PLATFORM_NAMES, Figure, LeoData

__all__ = ["LeoReply", "ask"]


@dataclass
class LeoReply:
    reply: str
    figures: list[Figure]
    question: Question
    source: Literal["model", "offline"]
    blocked: bool = False  # the model's answer stated a number no tool gave, and was not shown
    usage: ModelUsage = field(default_factory=ModelUsage)


def covered(question: Question, campaign_names: dict[str, str]) -> str:
    """What an answer was about, in words the model reads in later turns of the thread (no customer text)."""
    where = f" on {PLATFORM_NAMES[question.platform]}" if question.platform else ""
    if question.campaign_id:
        where += f" for the campaign {campaign_names.get(question.campaign_id, '')}"
    return f"{question.topic.value.replace('_', ' ')}, {question.period.label}{where}"


def _unique(figures: Sequence[Figure]) -> list[Figure]:
    seen: dict[str, Figure] = {}
    for figure in figures:
        seen.setdefault(figure.model_dump_json(), figure)
    return list(seen.values())


async def ask(
    data: LeoData,
    message: str,
    *,
    business_name: str,
    earlier: Sequence[tuple[str, Question]] = (),
    model: BaseChatModel | None = None,
    budget_s: float = BUDGET_S,
) -> LeoReply:
    """Answer `message`, read after the thread's `earlier` turns (the owner's words and the question each was)."""
    campaigns = {c.id: (c.name, c.product.name) for c in await data.campaigns()}
    previous = earlier[-1][1] if earlier else None
    question = understand(message, data.business.today, previous, campaigns)
    usage, blocked = ModelUsage(), False
    if model is not None:
        names = dict(data.business.campaign_names)
        messages = opening_messages(data, business_name, message, [(asked, covered(q, names)) for asked, q in earlier])
        try:
            run = await run_model(model, data, messages, budget_s=budget_s)
        except ModelFailed as failed:
            usage = failed.usage
        else:
            usage = run.usage
            known = known_numbers([use.text for use in run.uses] + [message, data.business.today.isoformat()])
            blocked = bool(run.text) and bool(ungrounded_numbers(run.text, known))
            if run.text and not blocked:
                # The owner reads customers' words plainly: the data marks are for the model only.
                text = run.text.replace("⟦", "").replace("⟧", "")
                return LeoReply(text, _unique([use.result.figure for use in run.uses]), question, "model", usage=usage)
    answer = await OfflineAnalyst(data).answer(question)
    return LeoReply(answer.reply, _unique(answer.figures), question, "offline", blocked=blocked, usage=usage)
