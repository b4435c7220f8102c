"""Answers from the tenant's documents: the one or two sentences that answer the question, not a chunk.

Each sentence of the passages given for the turn is scored against the question: the topics both speak of
(concepts, the same in every language) and the words they share (stemmed in the question's language, the
sentence's and English), each weighed by how rare it is among those sentences, so "dog" decides over "bring".
A question in a FAQ ("Do you offer online lessons? Private lessons can also be held on Zoom…") points at the
sentence after it. A topic that only frames a question (the price of something, whether it is free, a day)
never picks a sentence alone: the sentence must also speak of the thing asked about.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

from bot.pipeline.text import STOPWORDS, content_words, detect_language, fold, stop_words, words
from bot.pipeline.turn_view import clean_sentences
from knowledge.concepts import concepts_in
from knowledge.language import stem_words
from knowledge.models import Passage

# Concepts that only narrow a question ("on Saturday", "during the week"): they never answer one alone.
_QUALIFIERS = frozenset({"day_sat", "day_sun", "day_week", "duration"})
# Concepts that frame a question without saying what it is about ("how much is…", "is … free?").
_BROAD = frozenset({"price", "free", "payment", "membership", "booking", "urgent", "contact", "lessons", "month"})
# Internal lines of campaign passages, which are for the model's reading, not for quoting.
_INTERNAL = re.compile(r"^(?:for|price of [^:]+|how to get [^:]+|contact [^:]+|goals of [^:]+|who [^:]+ serves):", re.IGNORECASE)
# "how many…", "¿cuánto…?", "combien…", "wie lange…": the answer holds a number.
_ASKS_QUANTITY = re.compile(
    r"\b(?:how (?:many|much|long|often|far|big)|cuant[oa]s?|quant[oa]s?|quant[ie]|combien|wie (?:viele?|lange|oft)|"
    r"what time|a que hora|a quelle heure|um wie viel|a che ora|que horas|ab welchem alter|from what age)\b"
)
_DIGIT = re.compile(r"\d")
MIN_SCORE = 1.5
# How rare (0–1) a word must be among the sentences to decide alone ("social" in "programma social?").
RARE = 0.7


# Offline, a sentence is quoted only when it answers confidently: it (with its FAQ question and its section's
# heading) speaks of the very topic asked about, or holds this share of the question's own words, one of them
# telling. Otherwise a person answers instead: a wrong quote costs more than a handover.
COVERAGE = 0.5
# A word that more than this share of the sentences hold says nothing about which one answers.
COMMON_SHARE = 0.5
# Two answering sentences whose scores are this close leave the answer in doubt.
AMBIGUOUS = 0.5
# A topic that more sentences than this speak of does not decide alone.
TOPIC_SENTENCES = 3


@dataclass(frozen=True)
class DocumentAnswer:
    sentences: list[str]
    source: str
    lang: str  # the language the sentences are written in
    concepts: set[str]
    confident: bool = True  # whether the sentences answer the question, not only speak near it


@dataclass(frozen=True)
class _Sentence:
    text: str
    concepts: frozenset[str]
    words: frozenset[str]
    rank: int
    passage: Passage
    siblings: tuple[str, ...]  # the sentences of its passage, in order
    index: int


def question_concepts(text: str) -> set[str]:
    return concepts_in(text)


def _question_words(question: str, lang: str, doc_langs: set[str]) -> frozenset[str]:
    found = content_words(question, lang) | content_words(question, "en")
    for doc_lang in doc_langs:
        found |= content_words(question, doc_lang)
    return found


def _word_forms(question: str, lang: str, doc_langs: set[str]) -> list[frozenset[str]]:
    """Each meaning word of the question as its stems in the languages it may be read in: one entry per word."""
    forms: dict[str, set[str]] = {}
    for reading in {lang, "en", *doc_langs}:
        common = stop_words(reading)
        for word in words(question):
            if len(word) >= 3 and word not in common and not word.isdigit():
                forms.setdefault(word, set()).add(stem_words([word], reading)[0])
    return [frozenset(stems) for stems in forms.values()]


def _plain_words(question: str, langs: set[str]) -> list[frozenset[str]]:
    """The question's words that name no topic of the vocabulary ("day pass" in "how much is a day pass?"),
    each as its stems in `langs`: what a sentence must speak of when the question's topics only frame it. Short
    words ("each", "hay", "vcs") are left out: they are more often filler than the thing asked about."""
    plain = [w for w in words(question) if len(w) >= 5 and w not in STOPWORDS and not w.isdigit() and not concepts_in(w)]
    return [frozenset(stem_words([w], lang)[0] for lang in langs) for w in plain]


def _candidates(passages: list[Passage], hidden: tuple[str, ...]) -> list[_Sentence]:
    found = []
    for rank, passage in enumerate(passages):
        if passage.source.startswith("campaign:"):
            continue
        # Never a sentence that names a product not offered on this channel.
        sentences = tuple(
            s for s in clean_sentences(passage.text) if not _INTERNAL.match(s) and not any(name in fold(s) for name in hidden)
        )
        doc_lang = detect_language(passage.text)
        for index, sentence in enumerate(sentences):
            folded = fold(sentence)
            found.append(
                _Sentence(
                    text=sentence,
                    concepts=frozenset(concepts_in(folded, folded=True)),
                    words=content_words(sentence, doc_lang) | content_words(sentence, "en"),
                    rank=rank,
                    passage=passage,
                    siblings=sentences,
                    index=index,
                )
            )
    return found


def _says_something(sentence: str) -> bool:
    # A heading ("Refunds", "Space and capacity") says nothing by itself.
    return len(sentence.split()) >= 3 and not (len(sentence.split()) <= 4 and not re.search(r"[.!?:;\d]", sentence))


def _rarity(count: int, total: int) -> float:
    """0 for what every sentence says, up to 1 for what one sentence says."""
    return math.log((total + 1) / (count + 1)) / math.log(total + 1) if total else 0.0


@dataclass(frozen=True)
class _Asked:
    """What a question asks, as each sentence is scored against it: its topics (`concepts`), its meaning words
    (`words`, each also as `forms_of` its stems per language), how many sentences hold each word, whether it asks a
    quantity, the words that name no topic (`plain`), and the topics a sentence must speak of (`require`)."""

    concepts: set[str]
    words: frozenset[str]
    forms_of: list[frozenset[str]]
    word_count: dict[str, int]
    total: int
    quantity: bool
    plain: list[frozenset[str]]
    require: frozenset[str]

    @cached_property
    def topical(self) -> set[str]:
        return self.concepts - _QUALIFIERS

    @cached_property
    def specific(self) -> set[str]:
        return self.topical - _BROAD

    @cached_property
    def plain_stems(self) -> frozenset[str]:
        return frozenset().union(*self.plain) if self.plain else frozenset()

    def _off_topic(self, sentence: _Sentence, words: frozenset[str], qualifiers: set[str]) -> bool:
        """The sentence speaks of something else than what was asked, whatever it scores."""
        topical = self.topical & sentence.concepts
        if self.require and not self.require & sentence.concepts:
            return True
        if self.specific and not topical - _BROAD and not words:
            return True  # "Is parking free?" is not answered by "Printing is free"
        if self.topical and not self.specific:
            # "How much is the intensive course?": a sentence about some other price does not answer, nor does
            # any sentence about prices answer "how much is it?" (the catalog does).
            unknown = any(not any(self.word_count.get(stem, 0) for stem in stems) for stems in self.plain)
            # ("How long is a lesson?" is answered by its duration)
            return bool((self.plain and not self.plain_stems & words) or unknown or (not self.plain and not qualifiers))
        return False

    def score(self, sentence: _Sentence) -> float | None:
        """How well the sentence answers; None when it does not."""
        topical = self.topical & sentence.concepts
        qualifiers = self.concepts & _QUALIFIERS & sentence.concepts
        words = self.words & sentence.words
        if self._off_topic(sentence, words, qualifiers):
            return None
        # A topic weighs 3, a word 1 to 2: how rare a word is among the sentences decides between equals.
        value = 3.0 * len(topical)
        # Each word of the question counts once, by its best-matching form (a word stems differently per language).
        value += 2.0 * len(qualifiers) + sum(
            max(1.0 + _rarity(self.word_count[w], self.total) for w in hit)
            for hit in (forms & words for forms in self.forms_of)
            if hit
        )
        if self.concepts & _QUALIFIERS and not qualifiers and topical:
            value -= 1.0  # asked about Saturday: a sentence about weekdays answers less well
        if (
            not topical
            and not qualifiers
            and value < MIN_SCORE + 0.5
            and not any(_rarity(self.word_count[w], self.total) >= RARE and len(w) >= 5 for w in words)
        ):
            return None  # words alone must say a good deal, or name something few sentences speak of
        if self.quantity and _DIGIT.search(sentence.text):
            value += 1.0
        if sentence.passage.source == "profile":
            value -= 0.5  # the business's blurb, when its documents say it too
        return value - 0.05 * sentence.rank


def _scored(candidates: list[_Sentence], asked: _Asked) -> tuple[tuple[float, _Sentence, int] | None, list[tuple[float, str]]]:
    """The best answering sentence (its score, the sentence, the index of its answer among its siblings) and
    each answering sentence's score, by its text. A FAQ's question answers by the sentence after it."""
    best: tuple[float, _Sentence, int] | None = None
    scored: list[tuple[float, str]] = []
    for sentence in candidates:
        is_question = sentence.text.rstrip().endswith("?")
        if not is_question and not _says_something(sentence.text):
            continue
        value = asked.score(sentence)
        if value is None:
            continue
        answer_index = sentence.index
        if is_question:
            if sentence.index + 1 >= len(sentence.siblings) or sentence.siblings[sentence.index + 1].rstrip().endswith("?"):
                continue
            answer_index = sentence.index + 1
            value += 0.5
        scored.append((value, sentence.siblings[answer_index]))
        if best is None or value > best[0]:
            best = (value, sentence, answer_index)
    return best, scored


def _goes_on(sentence: _Sentence, following: str, asked: _Asked) -> bool:
    """The next sentence belongs to the answer when it goes on about what was asked ("Closed on Sundays.")."""
    follow_concepts = concepts_in(following)
    follow_words = content_words(following, detect_language(sentence.passage.text)) | content_words(following, "en")
    return bool(
        _says_something(following)
        and not following.rstrip().endswith("?")
        and (follow_concepts & asked.topical - _BROAD or (asked.words & follow_words and follow_concepts & asked.concepts))
    )


def best_answer(
    question: str,
    context_text: str,
    passages: list[Passage],
    *,
    limit: int = 2,
    hidden: tuple[str, ...] = (),
    require: frozenset[str] = frozenset(),
) -> DocumentAnswer | None:
    """The sentences of `passages` (none naming a `hidden` product, folded) that answer `question` best (the
    customer's earlier question, `context_text`, gives a follow-up its topic). With `require`, only a sentence
    that speaks of one of those concepts answers. None when no sentence speaks of what was asked."""
    concepts = question_concepts(question) or question_concepts(context_text)
    candidates = [c for c in _candidates(passages, hidden) if c.text.strip()]
    if not candidates:
        return None
    lang = detect_language(question)
    doc_langs = {detect_language(c.passage.text) for c in candidates}
    asked_words = _question_words(question, lang, doc_langs)
    forms_of = _word_forms(question, lang, doc_langs)
    if not asked_words and context_text and not question_concepts(question):
        asked_words = _question_words(context_text, detect_language(context_text), doc_langs)
        forms_of = _word_forms(context_text, detect_language(context_text), doc_langs)
    asked = _Asked(
        concepts=concepts,
        words=asked_words,
        forms_of=forms_of,
        word_count={w: sum(w in s.words for s in candidates) for w in asked_words},
        total=len(candidates),
        quantity=bool(_ASKS_QUANTITY.search(fold(question))),
        plain=_plain_words(question, {lang, "en", *doc_langs}),
        require=require,
    )
    best, scored = _scored(candidates, asked)
    if best is None or best[0] < MIN_SCORE:
        return None
    best_value, sentence, index = best
    # Another sentence that answers as well is a doubt: which of the two the customer needs, offline cannot tell.
    rivals = {text for value, text in scored if value >= best_value - AMBIGUOUS and text != sentence.siblings[index]}
    topic_sentences = sum(bool(asked.topical - _BROAD & c.concepts) for c in candidates)
    siblings = sentence.siblings
    chosen = [siblings[index]]
    if limit > 1 and index + 1 < len(siblings) and _goes_on(sentence, siblings[index + 1], asked):
        chosen.append(siblings[index + 1])
    context = [
        *chosen,
        *([sentence.text] if index != sentence.index else []),
        *_heading_over(sentence.passage.text, sentence.text),
    ]
    return DocumentAnswer(
        sentences=chosen,
        source=sentence.passage.source,
        lang=detect_language(" ".join(chosen), default="en"),
        concepts=concepts,
        confident=not rivals - set(chosen)
        and _answers(
            question or context_text,
            {lang, "en", *doc_langs},
            context,
            # A topic many sentences speak of does not tell which one answers.
            asked.topical - _BROAD if topic_sentences <= TOPIC_SENTENCES else set(),
            {w for w, count in asked.word_count.items() if count > COMMON_SHARE * asked.total},
            quantity=asked.quantity,
        ),
    )


_HEADING_LINE = re.compile(r"^\s*#{1,6}\s+(.+)$", re.MULTILINE)


def _heading_over(text: str, sentence: str) -> list[str]:
    """The heading of the section `sentence` stands in: the last one before it. Another section's heading says
    nothing about what this sentence answers."""
    at = text.find(sentence)
    headings = [(match.start(), match.group(1).strip()) for match in _HEADING_LINE.finditer(text)]
    if at < 0:
        return [heading for _, heading in headings]
    above = [heading for start, heading in headings if start <= at]
    return above[-1:]


def _answers(question: str, langs: set[str], context: list[str], topics: set[str], common: set[str], *, quantity: bool) -> bool:
    """Whether the chosen sentences (with their FAQ question and section heading) answer `question`: they hold
    most of its own words, or speak of its topic and hold some of them; a "how many / what time" question
    needs a number in the sentences themselves."""
    if quantity and not _DIGIT.search(context[0] if context else ""):
        return False
    own = [w for w in words(question) if len(w) >= 3 and not w.isdigit() and not any(w in stop_words(lang) for lang in langs)]
    held = frozenset().union(*(content_words(text, lang) for text in context for lang in langs))
    held_words = {w for text in context for w in words(text)}
    matched = [w for w in own if _held(w, held, held_words, langs)]
    telling = [w for w in matched if not any(stem_words([w], lang)[0] in common for lang in langs)]
    if topics & concepts_in(" ".join(context)):
        return True  # they speak of the very topic asked about (refunds, parking, age), not only near it
    return bool(telling) and len(matched) >= COVERAGE * len(own)


def _held(word: str, stems: frozenset[str], held_words: set[str], langs: set[str]) -> bool:
    """A word of the question the sentences hold: itself, its stem in one of the languages, or a form sharing
    its long beginning ("zurückgeben" in "zurückgegeben"), which no stemmer of an unknown language would find."""
    if word in held_words or any(stem_words([word], lang)[0] in stems for lang in langs):
        return True
    prefix = max(5, round(len(word) * 0.6))
    return len(word) >= 5 and any(other[:prefix] == word[:prefix] for other in held_words if len(other) >= prefix)
