"""Leo, the owner's analyst: answers questions about the business from tools over its own data.

With a model, the model chooses the tools (`model.py`); its answer is shown only if every number in it is one the
tools computed, the calculator's or the owner's own, if it names no account, link, address or number the
business's data does not hold (`review.py`), and if the model, asked once more, finds no advice in it to move
money, share a secret or contact an outsider (`answer_check.py`). Otherwise, and without a model, the offline
analyst answers the same question from the same tools (`analyst.py`), read with what the model's tool calls said
of it. Ranges are read in plain words in the business's time zone (`ranges.py`); follow-ups are read after the
thread's last question (`question.py`, `threads.py`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from langchain_core.language_models import BaseChatModel

from dashboard.ad_detail import ad_titles
from dashboard.leo.analyst import OfflineAnalyst
from dashboard.leo.answer_check import CHECK_TIMEOUT_S, draft_is_safe
from dashboard.leo.figures import SPECS, Metric
from dashboard.leo.model import BUDGET_S, ModelFailed, ModelRun, ModelUsage, opening_messages, run_model
from dashboard.leo.question import Question, Topic, as_the_model_read_it, understand
from dashboard.leo.results import Figure
from dashboard.leo.review import review_draft
from dashboard.leo.tools import PLATFORM_NAMES, LeoData

__all__ = ["LeoReply", "ask"]

log = logging.getLogger(__name__)


@dataclass
class LeoReply:
    reply: str
    figures: list[Figure]
    question: Question
    source: Literal["model", "offline"]
    blocked: bool = False  # the model's answer was refused (a number no tool gave, a destination, advice), not shown
    usage: ModelUsage = field(default_factory=ModelUsage)


def covered(question: Question, campaign_names: dict[str, str]) -> str:
    """What an answer was about, in words the model reads in later turns of the thread (no customer text)."""
    if question.topic is Topic.outside:
        return "something outside the business's numbers: I said what I can answer about"
    where = f" on {PLATFORM_NAMES[question.platform]}" if question.platform else ""
    if question.campaign_id:
        where += f" for the campaign {campaign_names.get(question.campaign_id, '')}"
    named = [
        SPECS[metric].words
        for metric in question.metrics
        if metric is not Metric.conversion_rate or question.topic != Topic.conversion
    ]
    figures = f" ({', '.join(named)})" if named else ""
    return f"{question.topic.value.replace('_', ' ')}{figures}, {question.period.label}{where}"


def _unique(figures: Sequence[Figure]) -> list[Figure]:
    seen: dict[str, Figure] = {}
    for figure in figures:
        seen.setdefault(figure.model_dump_json(), figure)
    return list(seen.values())


async def _may_show(model: BaseChatModel, run: ModelRun, data: LeoData, message: str, usage: ModelUsage, left_s: float) -> bool:
    """The rules first (numbers, destinations), then the model's reading of the draft's advice."""
    review = review_draft(run.text, [use.result for use in run.uses], message, data.business.today, await data.own_contacts())
    if not review.passed:
        log.info("leo answer refused", extra={"ungrounded": len(review.ungrounded), "destinations": len(review.destinations)})
        return False
    return await draft_is_safe(model, run.text, usage, timeout_s=min(CHECK_TIMEOUT_S, left_s))


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
    # "and on Instagram?" after "thanks!" continues the question before the thanks.
    previous = next((q for _, q in reversed(earlier) if q.topic is not Topic.outside), None)
    question = understand(message, data.business.today, previous, campaigns, await ad_titles(data.db, data.tenant_id))
    usage, blocked = ModelUsage(), False
    if model is not None:
        names = dict(data.business.campaign_names)
        messages = opening_messages(data, business_name, message, [(asked, covered(q, names)) for asked, q in earlier])
        started = time.monotonic()
        try:
            run = await run_model(model, data, messages, budget_s=budget_s)
        except ModelFailed as failed:
            usage = failed.usage
        else:
            usage = run.usage
            calls = [(use.name, use.args.model_dump(mode="json", exclude_unset=True)) for use in run.uses]
            question = as_the_model_read_it(question, calls, data.business.today)
            if run.text:
                left_s = budget_s - (time.monotonic() - started)
                if await _may_show(model, run, data, message, usage, left_s):
                    # The owner reads customers' words plainly: the data marks are for the model only.
                    text = run.text.replace("⟦", "").replace("⟧", "")
                    return LeoReply(text, _unique([use.result.figure for use in run.uses]), question, "model", usage=usage)
                blocked = True
    answer = await OfflineAnalyst(data).answer(question)
    return LeoReply(answer.reply, _unique(answer.figures), question, "offline", blocked=blocked, usage=usage)
