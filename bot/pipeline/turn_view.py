"""What a turn may draw on, read from its TurnContext: the customer's language, the campaigns and passages
visible on this platform, the tenant's sentences cleaned for quoting."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.pipeline.text import detect_language, split_sentences
from bot.pipeline.types import TurnContext
from knowledge.language import SURE, language_confidences, supported_languages
from knowledge.models import Campaign, Passage
from knowledge.text_structure import bullet_item, ends_sentence, is_page_number, tables_as_sentences

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
# A list's items stay in their lead's sentence when they are this short ("We offer: yoga, pilates.").
_SHORT_ITEM_WORDS = 4
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\bwww\.\S+|https?://\S+|\+?\d[\d ()./-]{6,}\d")


def language_of(ctx: TurnContext) -> str:
    """The customer's language: their latest burst, read in the light of their earlier messages (else the
    business's own language); where the text alone does not say clearly, the model's reading of it."""
    earlier = " ".join(item.text for item in ctx.history[-6:] if item.sender == "customer")
    business = business_language(ctx)
    fallback = detect_language(earlier, default=business) if earlier else business
    text = ctx.turn_text
    if not text:
        return fallback
    found = detect_language(text, default=fallback)
    read = ctx.reading.language if ctx.reading else ""
    if read and read != found and read in supported_languages() and not _sure_of(text, found):
        return read
    return found


def business_language(ctx: TurnContext) -> str:
    """The language the business describes itself in, English when it has not."""
    profile = ctx.profile
    about = f"{profile.description} {profile.industry}".strip() if profile else ""
    return detect_language(about, default="en") if about else "en"


def _sure_of(text: str, lang: str) -> bool:
    confidences = language_confidences(text, lang)
    return bool(confidences) and confidences[0][0] == lang and confidences[0][1] >= SURE


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
    """A stored text's paragraphs of prose, as a customer may read them: the line breaks of PDF extraction and
    wrapped Markdown joined again ("innerhalb von 14\\nTagen" → "innerhalb von 14 Tagen"), each table row as a
    sentence, each list item a paragraph of its own (short items after a line ending in ":" joined into it).
    Headings (but a FAQ's question set as one), title lines, page numbers and table markup are not paragraphs;
    neither is a sentence the passage cut: the text's first words when they continue a sentence begun before
    it, and its last words when they stop before the sentence's end."""
    reader = _ParagraphReader()
    lines = tables_as_sentences(_EMPHASIS.sub(r"\2", text)).splitlines()
    for position, raw in enumerate(lines):
        line = raw.strip()
        item = bullet_item(line) if line else None
        if item is None and line:
            reader.end_listing()
        # A number standing alone between paragraphs ("Page 2 of 3", "- 2 -") is a page's, not the text's; a line
        # of phone numbers and addresses there is a letterhead's or a footer's.
        alone = not reader.current or _END_OF_SENTENCE.search(reader.current)
        if not line or _HEADING.match(raw) or (alone and (is_page_number(line) or _contact_line(line))):
            reader.gap(line)
        elif item is not None:
            reader.item(item.lstrip(">*• ").strip())
        else:
            following = lines[position + 1].strip() if position + 1 < len(lines) else ""
            reader.prose(line.lstrip(">*• ").strip(), following)
    reader.end_listing()
    reader.close()
    return _without_cut_ends([p for p in reader.found if p])


class _ParagraphReader:
    """Reading a text line by line: the paragraphs found, the one being read (`current`), and whether the last one
    found is a lead ("We offer:") taking short items, its sentence still open (`listing`)."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.current = ""
        self.listing = False

    def close(self) -> None:
        """The paragraph being read ends here."""
        if self.current:
            self.found.append(self.current)
        self.current = ""

    def end_listing(self) -> None:
        if self.listing:
            self.found[-1] += "."
            self.listing = False

    def gap(self, line: str) -> None:
        """A blank line, a heading, a page number or a letterhead's line: no paragraph goes on across it."""
        self.close()
        question = line.lstrip("#").strip()
        if question.endswith("?"):
            self.found.append(question)  # a FAQ's question set as a heading: the sentence after it answers it

    def item(self, line: str) -> None:
        """A list item: joined into the lead before it when short, else a paragraph of its own."""
        self.close()
        found = self.found
        short = len(line.split()) <= _SHORT_ITEM_WORDS
        if found and (self.listing or found[-1].endswith(":")) and short:
            found[-1] = f"{found[-1]}{',' if self.listing else ''} {line.rstrip('.;,')}"
            self.listing = True
            return
        if found and found[-1].endswith(":") and not self.listing:
            found.pop()  # a lead whose items are sentences of their own is the list's title
        found.append(line if ends_sentence(line) else f"{line.rstrip(';,')}.")

    def prose(self, line: str, following: str) -> None:
        """A line of prose: it continues the paragraph being read, or starts one (a title line is left out)."""
        # "Do you deliver?" then "Yes" on a line of its own: a short answer, neither a title nor a wrapped line.
        if self.current.endswith("?"):
            self.close()
        answers = not self.current and bool(self.found) and self.found[-1].endswith("?")
        if answers and len(line.split()) <= _TITLE_WORDS and not _END_OF_SENTENCE.search(line):
            self.found.append(line)
            return
        if not self.current and not answers and _title_line(line, following):
            return
        if self.current.endswith("-") and line[:1].islower():
            self.current = self.current[:-1] + line  # a word hyphenated across lines
        elif self.current and not _END_OF_SENTENCE.search(self.current):
            self.current = f"{self.current} {line}"
        else:
            self.close()
            self.current = line


def _title_line(line: str, following: str) -> bool:
    """A short line with no sentence end before a line that starts a sentence: a title ("Billing"), also when a
    passage cut it from its "##"."""
    return (
        len(line.split()) <= _TITLE_WORDS
        and not _END_OF_SENTENCE.search(line)
        and not any(ch.isdigit() for ch in line)
        and following[:1].isupper()
    )


def _without_cut_ends(found: list[str]) -> list[str]:
    if found and found[0][:1].islower():
        pieces = split_sentences(found[0])
        if len(pieces) > 1:
            found[0] = " ".join(pieces[1:])  # the passage began inside a sentence
    if found:
        pieces = split_sentences(found[-1])
        if len(pieces) > 1 and not ends_sentence(pieces[-1]):
            found[-1] = " ".join(pieces[:-1])  # the passage ended inside one
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
        if not INSTRUCTION_LIKE.search(sentence) and not _contact_line(sentence)
    )


def _contact_line(sentence: str) -> bool:
    """A letterhead's or footer's line: phone numbers, email or web addresses with at most a label ("Tel."), no
    sentence. "Call us on +49 30 1234567" says something and stays."""
    if ends_sentence(sentence) or not _CONTACT.search(sentence):
        return False
    rest = [word for word in _CONTACT.sub(" ", sentence).split() if any(ch.isalnum() for ch in word)]
    return len(rest) <= 1
