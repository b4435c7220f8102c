"""What a turn may draw on, read from its TurnContext: the customer's language, the campaigns and passages
visible on this platform, the tenant's sentences cleaned for quoting."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.pipeline.text import detect_language, split_sentences
from bot.pipeline.types import TurnContext
from knowledge.models import Campaign, Passage

# Sentences in stored text that read as orders to an assistant are never repeated to a customer.
INSTRUCTION_LIKE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instruction|prompt|rule|previous|above|system)|"
    r"\bsystem\s*:|\byou are now\b|\b(?:reveal|print|show|repeat)\b.{0,30}\b(?:prompt|instruction)|"
    r"\bassistant\s*:|\bnew instructions?\b|\bact as\b",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s*(?:#{1,6}\s|[-=*_]{3,}\s*$)")
_END_OF_SENTENCE = re.compile(r"[.!?:;…)\]»“”\"]$")
# Markdown emphasis ("**Do you deliver?** Yes…"): the words stay, the marks go.
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# A short line with no sentence end, before a line that starts a sentence, is a title ("Billing"), even when a
# passage cut it from its "##".
_TITLE_WORDS = 5


def language_of(ctx: TurnContext) -> str:
    """The customer's language: their latest burst, else their earlier messages, else English."""
    earlier = " ".join(item.text for item in ctx.history[-6:] if item.sender == "customer")
    fallback = detect_language(earlier) if earlier else "en"
    text = ctx.turn_text
    return detect_language(text, default=fallback) if text else fallback


def visible_campaigns(ctx: TurnContext) -> list[Campaign]:
    """Campaigns this conversation may offer: given as visible, and active for this platform."""
    return [c for c in ctx.campaigns if c.visible_on(ctx.platform)]


def campaign_in_focus(ctx: TurnContext) -> Campaign | None:
    """The conversation's campaign while it is visible here."""
    if ctx.campaign is None:
        return None
    return next((c for c in visible_campaigns(ctx) if c.id == ctx.campaign.id), None)


def usable_passages(ctx: TurnContext) -> list[Passage]:
    """Passages from the profile, documents, or a campaign visible here (never another platform's campaign)."""
    visible_ids = {c.id for c in visible_campaigns(ctx)}
    return [
        passage
        for passage in ctx.passages
        if not (passage.source.startswith("campaign:") and passage.source.split(":", 1)[1] not in visible_ids)
    ]


def paragraphs(text: str) -> list[str]:
    """A stored text's paragraphs with the line breaks of PDF extraction and wrapped Markdown joined again
    ("innerhalb von 14\\nTagen" → "innerhalb von 14 Tagen"); headings stand alone."""
    found: list[str] = []
    current = ""
    lines = _EMPHASIS.sub(r"\2", text).splitlines()
    for position, raw in enumerate(lines):
        line = raw.strip()
        if not line or _HEADING.match(raw):
            if current:
                found.append(current)
            current = ""
            heading = line.lstrip("#").strip()
            if heading:
                found.append(heading)
            continue
        line = line.lstrip(">*-• ").strip()
        following = lines[position + 1].strip() if position + 1 < len(lines) else ""
        if (
            not current
            and len(line.split()) <= _TITLE_WORDS
            and not _END_OF_SENTENCE.search(line)
            and not any(ch.isdigit() for ch in line)
            and following[:1].isupper()
        ):
            found.append(line)  # a title line
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line  # a word hyphenated across lines
        elif current and not _END_OF_SENTENCE.search(current):
            current = f"{current} {line}"
        elif current:
            found.append(current)
            current = line
        else:
            current = line
    if current:
        found.append(current)
    return found


def clean_sentences(text: str) -> list[str]:
    """A stored text's sentences, minus anything that reads as an instruction to the assistant."""
    return list(_clean_sentences(text))


@lru_cache(maxsize=8192)
def _clean_sentences(text: str) -> tuple[str, ...]:
    return tuple(
        sentence
        for paragraph in paragraphs(text)
        for sentence in split_sentences(paragraph)
        if not INSTRUCTION_LIKE.search(sentence)
    )
