"""The reply pipeline: plain data in (a TurnContext), a TurnResult out. No storage here."""

from bot.pipeline.classify import choose_campaign, classify, classify_turn
from bot.pipeline.compose import run_turn
from bot.pipeline.guard import check_reply
from bot.pipeline.lead_scoring import (
    capture_lead_fields,
    merge_fields,
    next_step,
    score_lead,
    stage_for,
)
from bot.pipeline.llm import ModelUnavailable, llm_reply
from bot.pipeline.model_client import ModelClient
from bot.pipeline.offline import offline_reply
from bot.pipeline.types import (
    Classification,
    GuardVerdict,
    HistoryItem,
    Intent,
    LeadFields,
    LeadState,
    Reply,
    TurnContext,
    TurnResult,
    Usage,
)
from bot.pipeline.verify import verify

__all__ = [
    "Classification",
    "GuardVerdict",
    "HistoryItem",
    "Intent",
    "LeadFields",
    "LeadState",
    "ModelClient",
    "ModelUnavailable",
    "Reply",
    "TurnContext",
    "TurnResult",
    "Usage",
    "capture_lead_fields",
    "check_reply",
    "choose_campaign",
    "classify",
    "classify_turn",
    "llm_reply",
    "merge_fields",
    "next_step",
    "offline_reply",
    "run_turn",
    "score_lead",
    "stage_for",
    "verify",
]
