"""The model's messages, rendered from the jinja2 templates in bot/pipeline/templates/.

The system message holds only the tenant's own data and our rules. Anything the customer wrote (their
messages, their display name, what they told us about themselves) goes in human messages, inside
<customer_message> delimiters that customer text cannot close.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from bot.pipeline.flow import is_first_reply
from bot.pipeline.flow import next_question as flow_next_question
from bot.pipeline.formatting import product_price
from bot.pipeline.phrases import language_name
from bot.pipeline.turn_view import (
    campaign_in_focus,
    language_of,
    usable_passages,
    visible_campaigns,
)
from bot.pipeline.types import Classification, Intent, TurnContext

PROMPTS_DIR = Path(__file__).resolve().parent / "templates"
TOOL_NAME = "ReplyDraft"
HISTORY_LIMIT = 12
PASSAGE_LIMIT = 8

_PLATFORM_LABELS = {"facebook": "Facebook Messenger", "instagram": "Instagram", "whatsapp": "WhatsApp"}
_INTENT_HINTS = {
    Intent.greeting: "a greeting",
    Intent.product_question: "a question about the products or the business",
    Intent.price_question: "a question about price",
    Intent.objection: "an objection or hesitation",
    Intent.buying_signal: "a wish to buy",
    Intent.human_request: "a request to talk to a person",
    Intent.complaint: "a complaint",
    Intent.opt_out: "a request to stop messages",
    Intent.opt_in: "a request to resume messages",
    Intent.small_talk: "small talk",
    Intent.off_topic: "something unrelated to the business",
}
# Our delimiters, opened or closed, wherever data would otherwise be able to write them.
_DELIMITERS = re.compile(r"<\s*/?\s*(?:customer_message|customer_name|documents?|catalog)\b[^>]*>", re.IGNORECASE)


def neutralize(value: object) -> str:
    """Data as text that cannot open or close one of the prompt's sections."""
    return _DELIMITERS.sub("[…]", str(value))


@lru_cache(maxsize=1)
def prompt_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(PROMPTS_DIR)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # the templates ship with the code: no file check on every message
    )
    environment.filters["data"] = neutralize
    return environment


def next_question(ctx: TurnContext) -> str:
    """The owner's next qualification question for this conversation (see flow.next_question)."""
    return flow_next_question(ctx, campaign_in_focus(ctx), language_of(ctx))[1]


def passage_ids(ctx: TurnContext) -> dict[str, str]:
    """The ids the prompt gives the passages ("P1", "P2"…), by id: the model cites them behind its claims."""
    return {f"P{number}": passage.text for number, passage in enumerate(usable_passages(ctx)[:PASSAGE_LIMIT], start=1)}


def render_system_prompt(ctx: TurnContext, classification: Classification) -> str:
    campaigns = visible_campaigns(ctx)
    lang = language_of(ctx)
    campaign = ctx.campaign if ctx.campaign and any(c.id == ctx.campaign.id for c in campaigns) else None
    catalog = [
        {
            "name": c.product.name,
            "price": product_price(c.product, ctx.profile, lang),
            "description": c.product.description,
            "features": c.product.features,
            "cta_url": c.product.cta_url,
            "audience": c.target_audience,
        }
        for c in campaigns
    ]
    profile = ctx.profile
    template = prompt_environment().get_template("system.j2")
    return template.render(
        business_name=neutralize(profile.name) if profile else "this business",
        platform_label=_PLATFORM_LABELS.get(ctx.platform, ctx.platform),
        profile=profile,
        catalog=catalog,
        campaign=campaign,
        next_question=next_question(ctx),
        first_reply=is_first_reply(ctx),
        questions_total=len(campaign.chat_flow.qualification_questions) if campaign else 0,
        intent_hint=_INTENT_HINTS[classification.intent],
        messages_count=len(turn_messages(ctx)),
        language_name=language_name(lang),
        passages=[
            {"id": ident, "source": passage.source, "text": passage.text}
            for ident, passage in zip(passage_ids(ctx), usable_passages(ctx)[:PASSAGE_LIMIT], strict=False)
        ],
        tool_name=TOOL_NAME,
    ).strip()


def _known_fields(ctx: TurnContext) -> str:
    fields = ctx.lead.fields.model_dump(exclude_none=True)
    fields.pop("product_interest", None)
    return "; ".join(f"{key}: {value}" for key, value in fields.items())


def turn_messages(ctx: TurnContext) -> list[str]:
    """The customer's messages of this turn, oldest first, each shown to the model on its own."""
    return [text.strip() for text in ctx.turn_texts if text.strip()]


def render_turn_message(ctx: TurnContext) -> str:
    template = prompt_environment().get_template("turn.j2")
    return template.render(
        customer_name=ctx.customer_name.strip(),
        known=_known_fields(ctx),
        messages=turn_messages(ctx),
    ).strip()


def build_messages(ctx: TurnContext, classification: Classification, *, correction: str = "") -> list[BaseMessage]:
    """System rules and catalog, the recent conversation, then the customer's new burst (and, when a draft was
    refused, what it got wrong)."""
    messages: list[BaseMessage] = [SystemMessage(content=render_system_prompt(ctx, classification))]
    for item in ctx.history[-HISTORY_LIMIT:]:
        if not item.text.strip():
            continue
        if item.sender == "customer":
            messages.append(HumanMessage(content=f"<customer_message>\n{neutralize(item.text)}\n</customer_message>"))
        else:
            messages.append(AIMessage(content=item.text))
    messages.append(HumanMessage(content=render_turn_message(ctx)))
    if correction:
        # Our own note, not the customer's: the guard's findings about the refused draft.
        messages.append(
            SystemMessage(
                content=(
                    "Your previous draft was not sent because it stated things that <catalog> and <documents> do not "
                    f"support: {neutralize(correction)}. Write the reply again, answering the same question with only "
                    "facts stated there, and list the ids of the documents you used in sources."
                )
            )
        )
    return messages
