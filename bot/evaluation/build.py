"""Quality cases built from a tenant's own data: price questions per product and platform, document
questions (paraphrased, in several languages) from the sentences of its documents, follow-ups, a wish to buy,
a request for a person, a complaint, and a product it does not sell."""

from __future__ import annotations

import re

from bot.evaluation.cases import EvalCase
from bot.pipeline.turn_view import clean_sentences
from knowledge.concepts import concepts_in
from knowledge.models import Campaign, Passage

PLATFORMS = ("facebook", "instagram", "whatsapp")
# How customers ask about each topic, in several languages: (language, question).
TOPIC_QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "hours": (("en", "When are you open?"), ("es", "¿Cuál es su horario?"), ("de", "Wann habt ihr geöffnet?")),
    "refund": (
        ("en", "Can I get my money back?"),
        ("fr", "Est-ce que je peux être remboursé ?"),
        ("de", "Bekomme ich mein Geld zurück?"),
    ),
    "return": (("en", "Can I send it back if it doesn't suit me?"), ("es", "¿Puedo devolverlo?")),
    "cancel": (("en", "What if I need to cancel?"), ("it", "Posso disdire?")),
    "delivery": (("en", "Do you deliver, and how long does it take?"), ("pt", "Vocês fazem entrega?")),
    "financing": (("en", "Can I pay in instalments?"), ("es", "¿Puedo pagar a plazos?")),
    "warranty": (("en", "Is there a guarantee?"), ("fr", "Il y a une garantie ?")),
    "location": (("en", "Where can I find you?"), ("de", "Wo seid ihr?")),
    "size": (("en", "How many people are in a group?"), ("es", "¿Cuántas personas hay por grupo?")),
    "payment": (("en", "Which payment methods do you take?"), ("it", "Come posso pagare?")),
    "student": (("en", "Is there a student price?"),),
}
FOLLOW_UPS = {
    "hours": "and when are you open?",
    "location": "and where are you?",
    "delivery": "and delivery?",
    "refund": "and refunds?",
    "warranty": "and the warranty?",
}
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)?")


def _snippet(sentence: str) -> str:
    return " ".join(sentence.split()[:6]).lower()


def document_cases(chunks: list[Passage]) -> list[EvalCase]:
    """For each topic its documents speak of, the sentence that states it, asked about in several languages."""
    found: dict[str, str] = {}
    for chunk in chunks:
        for sentence in clean_sentences(chunk.text):
            if len(sentence.split()) < 4:
                continue
            for topic in concepts_in(sentence) & set(TOPIC_QUESTIONS):
                # A sentence with a number in it states the terms: prefer it.
                if topic not in found or (_NUMBER.search(sentence) and not _NUMBER.search(found[topic])):
                    found[topic] = sentence
    cases = []
    for topic, sentence in sorted(found.items()):
        numbers = tuple(dict.fromkeys(n.split(":")[0].lstrip("0") or "0" for n in _NUMBER.findall(sentence)))[:3]
        answer = (numbers,) if numbers else ()
        for lang, question in TOPIC_QUESTIONS[topic]:
            cases.append(
                EvalCase(
                    id=f"doc:{topic}:{lang}", text=question, kind="document", lang=lang, answer=answer, passage=_snippet(sentence)
                )
            )
        if topic in FOLLOW_UPS:
            cases.append(
                EvalCase(
                    id=f"follow-up:{topic}",
                    text=FOLLOW_UPS[topic],
                    kind="document",
                    answer=answer,
                    passage=_snippet(sentence),
                    turns=("Hi, what do you offer?",),
                )
            )
    return cases


def catalog_cases(campaigns_by_platform: dict[str, list[Campaign]]) -> list[EvalCase]:
    cases: list[EvalCase] = []
    for platform, campaigns in campaigns_by_platform.items():
        for campaign in campaigns:
            product = campaign.product
            ident = f"{platform}:{product.name}"
            for lang, question in (
                ("en", f"How much is {product.name}?"),
                ("es", f"¿Cuánto cuesta {product.name}?"),
                ("de", f"Was kostet {product.name}?"),
            ):
                cases.append(
                    EvalCase(
                        id=f"price:{ident}:{lang}",
                        text=question,
                        kind="price",
                        platform=platform,
                        lang=lang,
                        amount=(product.price_cents, product.currency),
                    )
                )
            if product.cta_url:
                cases.append(
                    EvalCase(
                        id=f"buy:{ident}", text=f"I'd like to buy {product.name}, how do I do it?", kind="buy", platform=platform
                    )
                )
            cases.append(
                EvalCase(
                    id=f"price-follow-up:{ident}",
                    text="how much is it?",
                    kind="price",
                    platform=platform,
                    amount=(product.price_cents, product.currency),
                    turns=(f"Tell me about {product.name}",),
                )
            )
        if campaigns:
            cases.append(
                EvalCase(id=f"handoff:{platform}", text="Can I talk to a real person?", kind="handoff", platform=platform)
            )
            cases.append(
                EvalCase(
                    id=f"complaint:{platform}",
                    text="This is unacceptable, nobody answers my emails!",
                    kind="complaint",
                    platform=platform,
                )
            )
            cases.append(
                EvalCase(
                    id=f"not-sold:{platform}",
                    text="Do you sell used cars?",
                    kind="not_sold",
                    platform=platform,
                    answer=(("not", "don't", "no"),),
                )
            )
    return cases
