"""What the bot made of a customer's message, in the owner's words ("price question", not `price_question`).

Kept apart from the pipeline's codes so that the pages name them in words, in one place to translate.
"""

from __future__ import annotations

from bot.pipeline.types import Intent
from dashboard.i18n.current import N_, gettext

INTENT_NAMES: dict[str, str] = {
    Intent.greeting.value: N_("greeting"),
    Intent.product_question.value: N_("question about the product"),
    Intent.price_question.value: N_("price question"),
    Intent.objection.value: N_("doubt or objection"),
    Intent.buying_signal.value: N_("ready to buy"),
    Intent.human_request.value: N_("asks for a person"),
    Intent.complaint.value: N_("complaint"),
    Intent.opt_out.value: N_("asks to stop messages"),
    Intent.opt_in.value: N_("asks to receive messages again"),
    Intent.small_talk.value: N_("small talk"),
    Intent.off_topic.value: N_("not about your business"),
}


def intent_words(code: str) -> str:
    """The intent in words; a code the pipeline adds later reads as words too."""
    return gettext(INTENT_NAMES[code]) if code in INTENT_NAMES else code.replace("_", " ")
