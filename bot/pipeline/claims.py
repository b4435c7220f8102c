"""Factual claims beyond money: every sentence of a reply that states hours, days, counts, durations or a
promise (refund, return, cancellation, warranty, delivery, financing, "any time") must be carried by the
tenant's own words that the reply was written from.

A claim is supported when one sentence of those words (or two that follow each other) holds all of its
numbers and times, every day it names, each absolute it makes ("any time", "lifetime", "every day"), and,
for a promise, the same kind of promise. The passages the model cited are read first; the rest of what it
was given after. Money and percentages are the guard's; this module reads everything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names

from bot.pipeline.text import content_words, detect_language, fold, split_sentences
from bot.pipeline.turn_view import paragraphs
from knowledge.concepts import concepts_in

# Kinds of promise a business is held to; a claim of one of these with no support is refused outright.
PROMISES = frozenset({"refund", "return", "cancel", "warranty", "delivery", "financing"})
# A refund question is answered by return terms too, and the other way round.
_RELATED = {"refund": {"return", "cancel"}, "return": {"refund"}, "cancel": {"refund"}}

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "doce": 12,
    "quince": 15,
    "veinte": 20,
    "treinta": 30,
    "um": 1,
    "uma": 1,
    "dois": 2,
    "duas": 2,
    "quatro": 4,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
    "doze": 12,
    "quinze": 15,
    "vinte": 20,
    "trinta": 30,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "douze": 12,
    "quinze_fr": 15,
    "vingt": 20,
    "trente": 30,
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "funf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "zwolf": 12,
    "funfzehn": 15,
    "zwanzig": 20,
    "dreissig": 30,
    "due": 2,
    "tre": 3,
    "cinque": 5,
    "sei": 6,
    "sette": 7,
    "otto": 8,
    "nove_it": 9,
    "dieci": 10,
    "dodici": 12,
    "quindici": 15,
    "venti": 20,
    "trenta": 30,
}
# "une personne" is "a person": words that are also articles count only before a span of time.
_ARTICLE_NUMBERS = frozenset({"one", "un", "une", "una", "uno", "um", "uma", "ein", "eine", "einen"})
_TIME_UNITS = tuple(
    "day dia jour tag giorn week semana semaine woche settiman month mes mois monat year ano jahr anni anno hour hora heure stund minut".split()
)
# What number words count, by the start of the word that follows them, in the six languages: spans of time, and
# the things a business counts (times, people, sessions, classes, instalments, employees, students, places).
_UNITS = _TIME_UNITS + tuple(
    "an ore ora time vez veces fois mal volt people person persona personne pessoa leute session sesion seance sitzung lezion aula class clase cours kurs instal cuota parcela rate raten employee empleado mitarbeiter dipendent funcionari student alumn eleve schuler studen place plaz seat".split()
)
_DAYS = {
    "mon": "monday lunes lundi montag lunedi segunda",
    "tue": "tuesday martes mardi dienstag martedi terca",
    "wed": "wednesday miercoles mercredi mittwoch mercoledi quarta",
    "thu": "thursday jueves jeudi donnerstag giovedi quinta",
    "fri": "friday viernes vendredi freitag venerdi sexta",
    "sat": "saturday sabado samedi samstag sonnabend sabato",
    "sun": "sunday domingo dimanche sonntag domenica",
}
_DAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The languages whose day names _DAYS spells out, with the stems and forms chat uses; CLDR gives the rest.
_DAY_NAME_LANGUAGES = frozenset({"en", "es", "fr", "de", "it", "pt"})
# Absolute promises: each must stand in the tenant's words (in any language).
_ABSOLUTES = {
    "anytime": r"any ?time|at all times|whenever you (?:want|like)|en cualquier momento|cuando quieras|a tout moment|"
    r"quand vous voulez|jederzeit|wann immer|in qualsiasi momento|quando vuoi|a qualquer momento|"
    r"quando quiser",
    "anything": r"\banything\b|\beverything\b|cualquier cosa|\btodo\b|n'importe quoi|\btout\b|\balles\b|"
    r"qualsiasi cosa|\btutto\b|qualquer coisa",
    "no_questions": r"no questions?(?: asked)?|sin preguntas|sans (?:poser de )?questions?|ohne (?:fragen|frist|nachfragen)|"
    r"senza (?:domande|problemi)|sem perguntas",
    "lifetime": r"lifetime|for life|forever|de por vida|para siempre|a vie|pour toujours|lebenslang|fur immer|"
    r"a vita|per sempre|vitalici",
    "every_day": r"every ?day|daily|7 days a week|24/7|todos los dias|tous les jours|jeden tag|taglich|"
    r"tutti i giorni|ogni giorno|todos os dias|all day",
    "full_refund": r"full refund|reembolso (?:total|completo)|remboursement (?:integral|total|complet)|"
    r"(?:volle[ns]?|ganze[ns]?) (?:geld|betrag|kaufpreis|monat)|rimborso (?:totale|completo|integrale)",
    "same_day": r"same day|next day|tomorrow|mismo dia|dia siguiente|le jour meme|le lendemain|am selben tag|"
    r"nachsten tag|stesso giorno|giorno dopo|mesmo dia|dia seguinte",
    "no_id": r"no id|without (?:an )?id|walk in|sin cita|sans rendez-vous|ohne (?:termin|ausweis)|senza appuntamento|"
    r"sem marcacao",
    # "We always refund you": said of a promise, "always" must be the business's word too.
    "always": r"always|siempre|sempre|toujours|immer",
    "we_pay": r"we (?:pay|cover) (?:the )?return|(?:return|shipping) (?:is )?(?:on us|free)|retour gratuit|"
    r"devolucion gratis|kostenlose rucksendung|reso gratuito|devolucao gratis",
}
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")
_TIME = re.compile(r"\b(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|uhr|h\b)?", re.IGNORECASE)
_DIGITS = re.compile(r"(?<![\w.,:])\d+(?:[.,]\d+)?(?![\w])")
_WORD = re.compile(r"[a-z]+")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class Claim:
    sentence: str
    numbers: frozenset[int]
    days: frozenset[str]
    absolutes: frozenset[str]
    promises: frozenset[str]
    concepts: frozenset[str]
    words: frozenset[str]

    @property
    def checkable(self) -> bool:
        return bool(self.numbers or self.days or self.absolutes or self.promises)


@dataclass(frozen=True)
class Support:
    """One unit of the tenant's words: a sentence, or two that follow each other."""

    text: str
    numbers: frozenset[int]
    hours: frozenset[int]
    days: frozenset[str]
    absolutes: frozenset[str]
    concepts: frozenset[str]
    words: frozenset[str]


@lru_cache(maxsize=1)
def _absolute_patterns() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(rf"(?<!\w)(?:{pattern})(?!\w)") for name, pattern in _ABSOLUTES.items()}


def _numbers(folded: str, *, spelled: bool = True) -> tuple[set[int], set[int]]:
    """The numbers a text states, and the hours of day among them (24-hour); with `spelled`, number words of
    the six languages before what they count too ("three times", "zwei Jahre")."""
    numbers: set[int] = set()
    hours: set[int] = set()
    for match in _DIGITS.finditer(folded):
        value = match.group(0).replace(",", ".")
        if "." in value:
            whole, _, fraction = value.partition(".")
            if len(fraction) == 2 and int(whole) <= 24:
                hours.add(int(whole))  # "09.00", "10.30"
            numbers.add(int(float(value)) if float(value).is_integer() else -1)
            numbers.add(int(whole))
        else:
            numbers.add(int(value))
    for match in _TIME.finditer(folded):
        hour = int(match.group(1))
        suffix = (match.group(3) or "").replace(".", "").lower()
        if match.group(2) is None and not suffix:
            continue
        if suffix == "pm" and hour < 12:
            hour += 12
        if hour <= 24:
            hours.add(hour)
            numbers.add(hour)
    words = _WORD.findall(folded) if spelled else []
    for index, word in enumerate(words):
        key = word if word in _NUMBER_WORDS else f"{word}_fr" if f"{word}_fr" in _NUMBER_WORDS else ""
        # A number word counts only before what it counts ("three times", "zwei Jahre"): alone, "tres" may be
        # French for "very" and "due" English for "owed".
        following = words[index + 1] if index + 1 < len(words) else ""
        units = _TIME_UNITS if word in _ARTICLE_NUMBERS else _UNITS
        if key and following.startswith(units):
            numbers.add(_NUMBER_WORDS[key])
    numbers.discard(-1)
    return numbers, hours


@lru_cache(maxsize=128)
def _cldr_day_names(lang: str) -> tuple[tuple[str, str], ...]:
    """(folded weekday name, day code) in `lang`, from CLDR: the same data in every language babel knows."""
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return ()
    found = []
    for context in ("format", "stand-alone"):
        for index, name in get_day_names("wide", context=context, locale=locale).items():
            folded = fold(name)
            if len(folded) >= 4:
                found.append((folded, _DAY_ORDER[index]))
    return tuple(dict.fromkeys(found))


def _days(folded: str) -> set[str]:
    """The weekdays a text names: the six languages' own forms ("sab", "lun"), CLDR's names in any other."""
    lang = detect_language(folded)
    if lang not in _DAY_NAME_LANGUAGES:
        return _cldr_days(folded, lang)
    found: set[str] = set()
    for code, names in _DAYS.items():
        if any(re.search(rf"\b{name}\w*", folded) for name in names.split()):
            found.add(code)
    if re.search(r"weekend|fin de semana|fim de semana|wochenende|fine settimana|week-end", folded):
        found |= {"sat", "sun"}
    # "Monday to Friday": every day between.
    named = sorted(found, key=_DAY_ORDER.index)
    if len(named) >= 2 and re.search(r"\b(?:to|a|au|bis|al|-|–|through|till|until|ate|a)\b|[-–]", folded):
        first, last = _DAY_ORDER.index(named[0]), _DAY_ORDER.index(named[-1])
        if last - first <= 6:
            found |= set(_DAY_ORDER[first : last + 1]) if named[0] == "mon" else set()
    return found


def _cldr_days(folded: str, lang: str = "") -> set[str]:
    """The weekdays a text names by CLDR's full names in its language (or `lang`); two days with at most two
    words between them ("maandag t/m vrijdag", "pazartesi-cuma") are a range."""
    found: set[str] = set()
    spans = []
    for name, code in _cldr_day_names(lang or detect_language(folded)):
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", folded):
            found.add(code)
            spans.append((match.start(), match.end(), code))
    spans.sort()
    if len(spans) == 2 and len(folded[spans[0][1] : spans[1][0]].split()) <= 2:
        first, last = _DAY_ORDER.index(spans[0][2]), _DAY_ORDER.index(spans[1][2])
        if first < last:
            found |= set(_DAY_ORDER[first : last + 1])
    return found


def _absolutes(folded: str) -> set[str]:
    return {name for name, pattern in _absolute_patterns().items() if pattern.search(folded)}


def _claimed_absolutes(folded: str, concepts: set[str]) -> set[str]:
    found = _absolutes(folded)
    # "We're always happy to help" promises nothing; "we always refund" does.
    return found if concepts & PROMISES else found - {"always"}


def _without(folded: str, ignore: Sequence[str]) -> str:
    for phrase in ignore:
        if phrase:
            folded = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", folded)
    return folded


def claims_in(text: str, *, ignore: Sequence[str] = ()) -> list[Claim]:
    """Each sentence of a reply with what it states; `ignore` are phrases to leave out first (product names,
    amounts the money check reads, the customer's own numbers)."""
    found = []
    for sentence in _SENTENCE.split(text):
        if not sentence.strip():
            continue
        folded = _without(fold(_URL.sub(" ", sentence)), ignore)
        numbers, _ = _numbers(folded)
        concepts = concepts_in(folded, folded=True)
        found.append(
            Claim(
                sentence=sentence.strip(),
                numbers=frozenset(numbers),
                days=frozenset(_days(folded)),
                absolutes=frozenset(_claimed_absolutes(folded, concepts)),
                promises=frozenset(concepts & PROMISES),
                concepts=frozenset(concepts),
                words=_words(folded),
            )
        )
    return found


def support_units(texts: Sequence[str]) -> list[Support]:
    """The tenant's words as units: each sentence, and each sentence with the one after it."""
    units: list[Support] = []
    for text in texts:
        # A text that is only a contact line (the profile's phone) is no paragraph of prose, but it is support.
        for paragraph in paragraphs(text) or ([text] if text.strip() else []):
            parts = [part for part in split_sentences(paragraph) if part]
            for index in range(len(parts)):
                for joined in (parts[index], " ".join(parts[index : index + 2]) if index + 1 < len(parts) else ""):
                    if joined:
                        units.append(_unit(joined))
    return units


@lru_cache(maxsize=4096)
def _unit(text: str) -> Support:
    folded = fold(text)
    numbers, hours = _numbers(folded)
    return Support(
        text=text,
        numbers=frozenset(numbers),
        hours=frozenset(hours),
        days=frozenset(_days(folded)),
        absolutes=frozenset(_absolutes(folded)),
        concepts=frozenset(concepts_in(folded, folded=True)),
        words=_words(folded),
    )


def _words(folded: str) -> frozenset[str]:
    """Content words in two stemmings (English and the text's own language), so "classes" meets "class"."""
    lang = detect_language(folded)
    return frozenset(content_words(folded) | content_words(folded, lang))


def _same_topic(claim: Claim, unit: Support) -> bool:
    """A number alone proves nothing ("3 minutes from the market" is not "3 monthly instalments"): the unit
    must speak of the same thing, by concept, by day, or by a shared word."""
    if claim.concepts:
        accepted = set(claim.concepts).union(*(_RELATED.get(c, set()) for c in claim.concepts))
        return bool(accepted & unit.concepts)
    if claim.days:
        return True
    return bool(claim.words & unit.words) or bool(_quantities(claim.sentence) & _quantities(unit.text))


_QUANTITY = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]{1,4})\b")


def _quantities(text: str) -> set[str]:
    """Numbers with the unit written after them ("80 km", "19 kg"): the same quantity is the same topic."""
    return {f"{number} {unit}" for number, unit in _QUANTITY.findall(fold(text))}


def _numbers_and_days(claim: Claim, ignore: Sequence[str]) -> Claim:
    """The claim reduced to what is checked the same way in every language (numbers as digits, weekdays by
    CLDR's names); the topic, and numbers said in words ("una semana" for "7 días"), are left to the judge."""
    folded = _without(fold(_URL.sub(" ", claim.sentence)), ignore)
    return Claim(
        sentence=claim.sentence,
        numbers=frozenset(_numbers(folded, spelled=False)[0]),
        days=frozenset(_cldr_days(folded)),
        absolutes=frozenset(),
        promises=frozenset(),
        concepts=frozenset(),
        words=frozenset(),
    )


def _carries(claim: Claim, unit: Support, free_numbers: frozenset[int]) -> bool:
    judged_by_meaning = not (claim.concepts or claim.words or claim.promises or claim.absolutes)
    if not judged_by_meaning and not _same_topic(claim, unit):
        return False
    for number in claim.numbers - free_numbers:
        if number in unit.numbers:
            continue
        # "open 9 to 1" said of "09:00 to 13:00": an hour on the 12-hour clock.
        if number <= 12 and (number + 12) in unit.hours:
            continue
        return False
    if not claim.days <= unit.days:
        return False
    if not claim.absolutes <= unit.absolutes:
        return False
    if claim.promises:
        accepted = set(claim.promises).union(*(_RELATED.get(p, set()) for p in claim.promises))
        if not accepted & unit.concepts:
            return False
    return True


def unsupported(
    text: str,
    cited: Sequence[str],
    given: Sequence[str],
    *,
    ignore: Sequence[str] = (),
    customer_numbers: frozenset[int] = frozenset(),
    judged: Callable[[str], bool] | None = None,
) -> list[str]:
    """The sentences of `text` whose claims neither the cited passages nor the rest of what the reply was
    written from (`given`) carry. Numbers the customer said themselves may be repeated, except in a promise.
    A sentence the claim judge read by meaning (`judged` says which) is held here only to its numbers and days:
    each must stand in the tenant's words, whatever their topic or language."""
    # The business's own phone number, however it is spaced ("+49 30 1234567", "030 1234567", "+49301234567"), is
    # no number to check: it stands in the tenant's words as the same digits.
    ignore = [*ignore, *(fold(span) for span in known_phones(text, [*cited, *given]))]
    claims = [claim for claim in claims_in(text, ignore=ignore) if claim.checkable]
    if not claims:
        return []
    cited_units = support_units(cited)
    given_units = support_units(given)
    missing = []
    for claim in claims:
        if judged is not None and judged(claim.sentence):
            claim = _numbers_and_days(claim, ignore)
            if not (claim.numbers - customer_numbers or claim.days):
                continue
            # The judge read what the sentence says of what; each of its numbers and days must only stand in the
            # tenant's words, each where it may (a price in the catalog, the hours in a document).
            if all(_carried_anywhere(part, cited_units + given_units, customer_numbers) for part in _one_by_one(claim)):
                continue
            missing.append(claim.sentence)
            continue
        free = frozenset() if claim.promises or claim.absolutes else customer_numbers
        if not (claim.numbers - free or claim.days or claim.absolutes or claim.promises):
            continue  # only repeats what the customer said
        if any(_carries(claim, unit, free) for unit in cited_units) or any(_carries(claim, unit, free) for unit in given_units):
            continue
        missing.append(claim.sentence)
    return missing


# A phone number as people write it: digits in groups, with spaces, dots, dashes, slashes or brackets between.
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-/]{5,}\d(?!\w)")
# Fewer digits than this is a price, a date or a code, not a phone number.
PHONE_DIGITS = 7


def _phone_digits(span: str) -> str:
    """The digits that identify a number: no separators, no international or trunk prefix ("00", "+", "0")."""
    digits = re.sub(r"\D", "", span)
    return digits.lstrip("0")


def known_phones(text: str, supports: Sequence[str]) -> list[str]:
    """The phone numbers written in `text` that the tenant's words hold too, as written in `text`. Formats differ
    (the stored E.164 "+4930…" against a reply's national "030 …"), so one number's digits, without prefixes, must
    end the other's."""
    theirs = {
        _phone_digits(match.group(0))
        for support in supports
        for match in _PHONE.finditer(support)
        if len(_phone_digits(match.group(0))) >= PHONE_DIGITS
    }
    found = []
    for match in _PHONE.finditer(text):
        own = _phone_digits(match.group(0))
        if len(own) >= PHONE_DIGITS and any(own.endswith(other) or other.endswith(own) for other in theirs):
            found.append(match.group(0).strip())
    return found


def _one_by_one(claim: Claim) -> list[Claim]:
    """A claim cut into one claim per number and per day it states."""
    return [
        *(replace(claim, numbers=frozenset({number}), days=frozenset()) for number in claim.numbers),
        *(replace(claim, numbers=frozenset(), days=frozenset({day})) for day in claim.days),
    ]


def _carried_anywhere(claim: Claim, units: list[Support], free: frozenset[int]) -> bool:
    return any(_carries(claim, unit, free) for unit in units)


def numbers_said(text: str) -> frozenset[int]:
    return frozenset(_numbers(fold(text))[0])
