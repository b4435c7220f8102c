"""Quality cases built from a tenant's own data, each with what a right answer must contain.

- The owner's own test questions come first, with the answer they wrote.
- The catalog: price questions per product and platform (a right answer states the stored price), "what do you
  offer?" (it names the products visible there), a wish to buy (the link), a request for a person, a
  complaint, and a product the business does not sell.
- The documents: each FAQ question with the answer written right after it, and questions about the topics the
  documents speak of, paraphrased in several languages. Such a case expects the distinctive words and numbers
  of a sentence checked to answer it (a time for "when are you open?", a number for "how many people?"); when
  the documents speak of a topic but no sentence states the answer, the case has no expected answer and is
  reported as not answered, never as answered.

Nothing is taken from a guess at digits: numbers come whole from the sentence that answers ("9:00", not "9").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable

from bot.evaluation.cases import EvalCase
from bot.evaluation.store import OwnerQuestion
from bot.pipeline.turn_view import clean_sentences
from knowledge.concepts import concepts_in
from knowledge.language import STOPWORDS, detect_language, fold, words
from knowledge.models import Campaign, Passage

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
# A time of day as people write it: "9:00", "17.30", "9h30", "9am", "5 pm". Never a run of phone digits.
_CLOCK = re.compile(r"(?<![\d.,:])(?:[01]?\d|2[0-3])(?:[:.h][0-5]\d(?:\s?[ap]\.?m\.?)?|\s?[ap]\.?m\b\.?)(?![\d])", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.,:])\d+(?:[.,:]\d+)*")
# A phone number, an email or a web address is no answer to "when are you open?" or "how many people?".
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_FAQ_LABEL = re.compile(
    r"^(?:q|a|question|answer|frage|antwort|pregunta|respuesta|pergunta|resposta|domanda|risposta)\s*[:.)-]\s*", re.I
)
# Topic questions that need a number or a time to be answered, and the pattern that finds it.
_NEEDS: dict[str, re.Pattern[str]] = {"hours": _CLOCK, "size": _NUMBER}
MAX_FAQ_CASES = 20
MAX_OPTIONS = 3  # sentences that may each answer a topic question
OFFER_NAMES = 5  # a reply lists at most this many products in one message


def owner_cases(questions: Iterable[OwnerQuestion], platform_for: Callable[[OwnerQuestion], str]) -> list[EvalCase]:
    """The owner's own test questions, each on its channel, expecting one of the forms the owner wrote."""
    return [
        EvalCase(
            id=f"owner:{question.id}",
            text=question.question,
            kind="owner",
            platform=platform_for(question),
            lang=detect_language(question.question),
            answer=(tuple(question.forms),) if question.forms else (),
            note="" if question.forms else "the expected answer has no word or number to look for",
        )
        for question in questions
    ]


# Documents ------------------------------------------------------------------------------------------------


def _statement(sentence: str) -> bool:
    """A sentence that states something: four words or more, and not a question."""
    return len(sentence.split()) >= 4 and not sentence.rstrip().endswith("?")


def _numbers(sentence: str) -> list[str]:
    without_phones = _PHONE.sub(" ", sentence)
    return list(dict.fromkeys(m.group(0).rstrip(".,:") for m in _NUMBER.finditer(without_phones)))


class _Rarity:
    """How many of the tenant's sentences use each word, so the words that single out one sentence are known."""

    def __init__(self, sentences: list[str]) -> None:
        self.total = len(sentences)
        self.counts: Counter[str] = Counter(word for s in sentences for word in set(words(s)))

    def distinctive(self, sentence: str, question: str, limit: int) -> list[str]:
        asked = set(words(question))
        candidates = {
            word
            for word in words(sentence)
            if len(word) >= 4 and word.isalpha() and word not in STOPWORDS and word not in asked and not concepts_in(word)
        }
        ranked = sorted(candidates, key=lambda word: (self.counts[word], -len(word), word))
        # A word half the documents use singles out nothing.
        return [w for w in ranked if self.counts[w] <= max(1, math.ceil(self.total / 2))][:limit]


def expected_terms(
    sentence: str, question: str, rarity: _Rarity, *, need: re.Pattern[str] | None = None
) -> tuple[tuple[str, ...], ...]:
    """What a reply must hold to carry `sentence`'s answer to `question`: its numbers (whole, as written) and
    the words that single it out among the tenant's sentences. Empty when it has neither."""
    if need is not None:
        facts = list(dict.fromkeys(m.group(0).strip() for m in need.finditer(_PHONE.sub(" ", sentence))))[:3]
        if not facts:
            return ()
        extra = [] if need is _CLOCK else rarity.distinctive(sentence, question, 1)
        return tuple((term,) for term in [*facts, *extra])
    numbers = _numbers(sentence)[:3]
    distinct = rarity.distinctive(sentence, question, 1 if numbers else 2)
    if not numbers and len(distinct) < 2:
        return ()
    return tuple((term,) for term in [*numbers, *distinct])


def _snippet(sentence: str) -> str:
    return " ".join(sentence.split()[:6]).lower()


def faq_cases(chunks: list[Passage], rarity: _Rarity) -> list[EvalCase]:
    """Each FAQ question of the documents, expecting what the sentence written right after it says."""
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for chunk in chunks:
        sentences = [_FAQ_LABEL.sub("", s).strip() for s in clean_sentences(chunk.text)]
        for question, answer in zip(sentences, sentences[1:], strict=False):
            if not question.endswith("?") or len(question.split()) < 3 or not _statement(answer):
                continue
            key = fold(question)
            if key in seen:
                continue
            seen.add(key)
            terms = expected_terms(answer, question, rarity)
            if not terms:
                continue  # an answer with nothing distinctive ("Yes, of course.") cannot be told from another
            cases.append(
                EvalCase(
                    id=f"faq:{len(cases) + 1}",
                    text=question,
                    kind="document",
                    lang=detect_language(question),
                    answer=terms,
                    passage=_snippet(answer),
                )
            )
            if len(cases) == MAX_FAQ_CASES:
                return cases
    return cases


def document_cases(chunks: list[Passage]) -> list[EvalCase]:
    """FAQ questions, then for each topic the documents speak of the questions customers ask about it, each
    expecting what one of the sentences that answer it says (no sentence answers: no expected answer)."""
    sentences = [s for chunk in chunks for s in clean_sentences(chunk.text)]
    rarity = _Rarity(sentences)
    cases = faq_cases(chunks, rarity)
    spoken: dict[str, list[str]] = {}
    for sentence in sentences:
        if not _statement(sentence):
            continue
        for topic in concepts_in(sentence) & set(TOPIC_QUESTIONS):
            spoken.setdefault(topic, []).append(sentence)
    for topic, candidates in sorted(spoken.items()):
        question = TOPIC_QUESTIONS[topic][0][1]
        answering = [(s, expected_terms(s, question, rarity, need=_NEEDS.get(topic))) for s in candidates]
        answering = [(s, terms) for s, terms in answering if terms][:MAX_OPTIONS]
        options = tuple(terms for _, terms in answering)
        passage = _snippet(answering[0][0]) if answering else ""
        note = "" if options else "the documents speak of it, but no sentence states the answer"
        for lang, text in TOPIC_QUESTIONS[topic]:
            cases.append(
                EvalCase(
                    id=f"doc:{topic}:{lang}", text=text, kind="document", lang=lang, options=options, passage=passage, note=note
                )
            )
        if topic in FOLLOW_UPS:
            cases.append(
                EvalCase(
                    id=f"follow-up:{topic}",
                    text=FOLLOW_UPS[topic],
                    kind="document",
                    options=options,
                    passage=passage,
                    note=note,
                    turns=("Hi, what do you offer?",),
                )
            )
    return cases


# The catalog ----------------------------------------------------------------------------------------------


def catalog_cases(campaigns_by_platform: dict[str, list[Campaign]]) -> list[EvalCase]:
    cases: list[EvalCase] = []
    for platform, campaigns in campaigns_by_platform.items():
        names = list(dict.fromkeys(c.product.name for c in campaigns))
        if names:
            cases.append(
                EvalCase(
                    id=f"offer:{platform}",
                    text="What do you offer?",
                    kind="offer",
                    platform=platform,
                    answer=tuple((name,) for name in names),
                    at_least=min(len(names), OFFER_NAMES),
                )
            )
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
                    # Saying it is not sold; a bare "no" ("No problem! …") says nothing of the kind.
                    answer=(("not", "don't", "do not", "doesn't"),),
                )
            )
    return cases
