"""The owner's chat flow: the greeting opens the conversation, qualification questions come one at a time in
order (skipping what the customer already told), objections meet the owner's answer by meaning, and a wish to
buy gets the closing message with the purchase link."""

from __future__ import annotations

import re

import langcodes

from bot.pipeline.text import content_words, detect_language, fold, split_sentences
from bot.pipeline.types import LeadFields, TurnContext
from knowledge.models import Campaign

# Which lead field a qualification question asks for, by its words in the six languages.
_QUESTION_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "team_size",
        re.compile(
            r"how many (?:people|employees|users|seats)|team size|cuantas personas|cuantos empleados|"
            r"quantas pessoas|combien de personnes|wie viele (?:personen|mitarbeiter|leute)|quante persone"
        ),
    ),
    ("budget_cents", re.compile(r"budget|presupuesto|orcamento|wie viel (?:mochtest|willst) du ausgeben")),
    ("timeline", re.compile(r"\bwhen\b|cuando|quando|quand\b|\bwann\b|how soon|by when")),
    ("email", re.compile(r"e-?mail|correo")),
    ("phone", re.compile(r"phone|telefono|telefone|telephone|telefon|whatsapp number")),
    ("name", re.compile(r"your name|tu nombre|seu nome|votre nom|dein name|ihr name|il tuo nome|come ti chiami")),
    ("company", re.compile(r"company|empresa|entreprise|firma|azienda")),
)

# What an objection is about, so "that's a lot of money for me" meets the owner's "too expensive".
_OBJECTION_KINDS: dict[str, re.Pattern[str]] = {
    "price": re.compile(
        r"expensive|pricey|price|cost|money|afford|budget|cheap|too much|caro|cara|barat|dinero|presupuesto|dinheiro|"
        r"orcamento|cher|chere|prix|argent|teuer|gunstig|billig|geld|budget|costos|soldi|prezzo|costa troppo"
    ),
    "time": re.compile(r"\btime\b|busy|schedule|tiempo|ocupad|tempo|temps|occupe|\bzeit\b|stress|impegn"),
    "think": re.compile(r"think|not sure|unsure|later|pensar|pienso|segur|reflechir|pas sur|uberleg|nachdenk|pensarci"),
    "trust": re.compile(
        r"trust|scam|quality|work for me|really work|confian|calidad|qualidade|confiance|qualite|"
        r"vertrau|qualitat|funktioniert|fiducia|qualita"
    ),
    "competitor": re.compile(r"competitor|elsewhere|another (?:shop|studio|company)|competencia|concorr|concurren|konkurren"),
}


def is_first_reply(ctx: TurnContext) -> bool:
    """Nothing has been said to this customer yet (no reply in the history, no earlier message on the lead)."""
    return ctx.lead.messages_in == 0 and not any(item.sender in ("bot", "human") for item in ctx.history)


# CLDR's language-matching distance up to which a reader takes a text for their own language: two written standards
# of one language (Nynorsk and Bokmål are 20 apart); Malay read from Indonesian (34) or Spanish from Portuguese (84)
# are further.
OWN_LANGUAGE_DISTANCE = 20


def opening(campaign: Campaign | None, lang: str) -> str:
    """The campaign's greeting, as the owner wrote it, when it is in the customer's language (or a written standard
    of it a reader takes for their own); else empty."""
    greeting = campaign.chat_flow.greeting.strip() if campaign else ""
    if not greeting:
        return ""
    written_in = detect_language(greeting, default=lang)
    if written_in != lang and langcodes.tag_distance(lang, written_in) > OWN_LANGUAGE_DISTANCE:
        return ""
    return greeting


def greeting_for(campaigns: list[Campaign], focus: Campaign | None, lang: str) -> str:
    """The greeting that opens a first reply, whole, its question included ("Welcome to Harbour Pilates! New
    to Pilates?"): the conversation's campaign's, else the first campaign offered here whose greeting is in the
    customer's language."""
    for campaign in ([focus] if focus else []) + campaigns:
        greeting = opening(campaign, lang)
        if greeting:
            return greeting
    return ""


def greeted_reply(greeting: str, answer: str) -> str:
    """The greeting, then the answer: in a paragraph of its own when the greeting asks something ("What would
    you like to know?"), so that it reads as the welcome it is, not as a question put before the answer."""
    asks = any(sentence.rstrip().endswith("?") for sentence in split_sentences(greeting))
    return f"{greeting}\n\n{answer}" if asks else f"{greeting} {answer}"


def greeted(text: str, greeting: str) -> bool:
    """Whether a reply already holds the owner's greeting, as the owner wrote it (a model's own "Hi, welcome!"
    is not the owner's greeting)."""
    return bool(greeting) and fold(greeting) in fold(text)


def _field_known(question: str, fields: LeadFields) -> bool:
    folded = fold(question)
    for field, pattern in _QUESTION_FIELDS:
        if pattern.search(folded):
            return getattr(fields, field) is not None
    return False


def next_question(ctx: TurnContext, campaign: Campaign | None, lang: str, fields: LeadFields | None = None) -> tuple[int, str]:
    """The campaign's next qualification question (its number from 1, its text), or (0, "") when none is due:
    each is asked once, in order, unless the customer already told us what it asks."""
    if campaign is None:
        return 0, ""
    asked = " ".join(fold(item.text) for item in ctx.history if item.sender == "bot")
    known = fields or ctx.lead.fields
    for index, question in enumerate(campaign.chat_flow.qualification_questions):
        text = question.strip()
        if not text or fold(text) in asked or _field_known(text, known):
            continue
        if index < ctx.lead.questions_asked and not asked:
            continue  # asked in a conversation whose history was not kept
        if detect_language(text, default=lang) != lang:
            return 0, ""  # the owner wrote it in another language: keep the reply in one language
        return index + 1, text
    return 0, ""


def objection_kinds(text: str) -> set[str]:
    folded = fold(text)
    return {kind for kind, pattern in _OBJECTION_KINDS.items() if pattern.search(folded)}


def matching_objection(text: str, handling: dict[str, str]) -> tuple[str, str]:
    """The owner's answer to the objection the customer raised, matched by what it is about (price, time,
    doubt, trust, a competitor) in any language, then by shared words."""
    said_kinds = objection_kinds(text)
    said_words = content_words(text)
    best_key, best_answer, best_score = "", "", 0.0
    for key, answer in handling.items():
        if not answer.strip():
            continue
        score = 3.0 * len(said_kinds & objection_kinds(key)) + len(said_words & content_words(key))
        if score > best_score:
            best_key, best_answer, best_score = key, answer.strip(), score
    return best_key, best_answer


def closing_message(campaign: Campaign, lang: str) -> str:
    """The owner's closing message when it is in the customer's language."""
    closing = campaign.chat_flow.closing_message.strip()
    return closing if closing and detect_language(closing, default=lang) == lang else ""
