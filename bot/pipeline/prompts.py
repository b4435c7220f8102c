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

from bot.pipeline.formatting import product_price
from bot.pipeline.offline import language_of, usable_passages, visible_campaigns
from bot.pipeline.types import Classification, Intent, TurnContext

PROMPTS_DIR = Path(__file__).resolve().parent / "templates"
TOOL_NAME = "ReplyDraft"
HISTORY_LIMIT = 12
PASSAGE_LIMIT = 4

_LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German"}
_PLATFORM_LABELS = {"facebook": "Facebook Messenger", "instagram": "Instagram", "whatsapp": "WhatsApp"}
_INTENT_HINTS = {
    Intent.greeting: "a greeting",
    Intent.product_question: "a question about the products or the business",
    Intent.price_question: "a question about price",
    Intent.objection: "an objection or hesitation",
    Intent.buying_signal: "a wish to buy",
    Intent.human_request: "a request to talk to a person",
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
    campaign = ctx.campaign if ctx.campaign and any(c.id == ctx.campaign.id for c in visible_campaigns(ctx)) else None
    if campaign is None:
        return ""
    questions = campaign.chat_flow.qualification_questions
    index = ctx.lead.questions_asked
    return questions[index].strip() if index < len(questions) else ""


def render_system_prompt(ctx: TurnContext, classification: Classification) -> str:
    campaigns = visible_campaigns(ctx)
    campaign = ctx.campaign if ctx.campaign and any(c.id == ctx.campaign.id for c in campaigns) else None
    catalog = [
        {
            "name": c.product.name,
            "price": product_price(c.product),
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
        questions_total=len(campaign.chat_flow.qualification_questions) if campaign else 0,
        intent_hint=_INTENT_HINTS[classification.intent],
        language_name=_LANGUAGE_NAMES.get(language_of(ctx), "English"),
        passages=usable_passages(ctx)[:PASSAGE_LIMIT],
        tool_name=TOOL_NAME,
    ).strip()


def _known_fields(ctx: TurnContext) -> str:
    fields = ctx.lead.fields.model_dump(exclude_none=True)
    fields.pop("product_interest", None)
    return "; ".join(f"{key}: {value}" for key, value in fields.items())


def render_turn_message(ctx: TurnContext) -> str:
    template = prompt_environment().get_template("turn.j2")
    return template.render(
        customer_name=ctx.customer_name.strip(),
        known=_known_fields(ctx),
        several=len([t for t in ctx.turn_texts if t.strip()]) > 1,
        text=ctx.turn_text,
    ).strip()


def build_messages(ctx: TurnContext, classification: Classification) -> list[BaseMessage]:
    """System rules and catalog, the recent conversation, then the customer's new burst."""
    messages: list[BaseMessage] = [SystemMessage(content=render_system_prompt(ctx, classification))]
    for item in ctx.history[-HISTORY_LIMIT:]:
        if not item.text.strip():
            continue
        if item.sender == "customer":
            messages.append(HumanMessage(content=f"<customer_message>\n{neutralize(item.text)}\n</customer_message>"))
        else:
            messages.append(AIMessage(content=item.text))
    messages.append(HumanMessage(content=render_turn_message(ctx)))
    return messages
