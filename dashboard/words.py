"""What the bot made of a customer's message, in the owner's words ("price question", not `price_question`).

Kept apart from the pipeline's codes so that the pages name them in words, in one place to translate.
"""

from __future__ import annotations

from bot.pipeline.types import Intent

INTENT_NAMES: dict[str, str] = {
    Intent.greeting.value: "greeting",
    Intent.product_question.value: "question about the product",
    Intent.price_question.value: "price question",
    Intent.objection.value: "doubt or objection",
    Intent.buying_signal.value: "ready to buy",
    Intent.human_request.value: "asks for a person",
    Intent.complaint.value: "complaint",
    Intent.opt_out.value: "asks to stop messages",
    Intent.opt_in.value: "asks to receive messages again",
    Intent.small_talk.value: "small talk",
    Intent.off_topic.value: "not about your business",
}


def intent_words(code: str) -> str:
    """The intent in words; a code the pipeline adds later reads as words too."""
    return INTENT_NAMES.get(code, code.replace("_", " "))
