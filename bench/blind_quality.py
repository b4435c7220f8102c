"""Answer quality on a held-back set of businesses, measured only through the platform's outside interface.

Every folder under bench/blind/businesses/ is one business: business.json (profile, campaigns, documents,
channels), its documents, and questions.json (the customers' messages, what a right answer holds, a truthful
reply and lies a model might tell). For each mode the bench starts `python -m bot serve` of a checkout on a fresh
data directory, signs up one owner per business through the owner API, uploads the documents, creates the
campaigns, connects the channels against a local fake Graph API, then sends every case as a NEW customer through
signed webhooks and scores what reached the fake Graph, with the conversation's status and lead read back from
the API. In model mode a local fake of Groq's API answers the platform's model calls from the set (sometimes
with a lie, sometimes misjudging a claim), so the figures say how much of a lie reaches customers.

    python bench/blind_quality.py [--repo PATH] [--mode offline|model|both] [--seed 1] [--json OUT]
                                  [--concurrency 12] [--debug-dir DIR]

Only aggregates are printed (and written to --json). --debug-dir writes each case's replies and scores, for
whoever maintains the set; the platform's developers should not read it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from _harness import Row

HERE = Path(__file__).resolve().parent
SET_DIR = HERE / "blind" / "businesses"
SIX = {"en", "es", "pt", "fr", "de", "it"}
APP_ID = "424242424242"
APP_SECRET = "quality-bench-app-secret"
VERIFY_TOKEN = "quality-bench-verify"
CHAT_PATH = "/openai/v1/chat/completions"
REPLY_TIMEOUT_S = 20.0
SETTLE_S = 1.2
KINDS = (
    "doc",
    "catalog",
    "unanswerable",
    "offer_list",
    "handoff",
    "complaint_question",
    "booking",
    "opt_out",
    "objection",
    "greeting",
    "injection",
)
INTENTS = (
    "greeting",
    "product_question",
    "price_question",
    "catalog_question",
    "objection",
    "buying_signal",
    "booking_request",
    "human_request",
    "complaint",
    "opt_out",
    "opt_in",
    "small_talk",
    "off_topic",
)
# Country calling codes for WhatsApp ids, by the customer's language.
CALLING = {
    "en": ("44", "7", 9),
    "nl": ("31", "6", 8),
    "de": ("49", "15", 9),
    "fr": ("33", "6", 8),
    "es": ("34", "6", 8),
    "pt": ("351", "9", 8),
    "it": ("39", "3", 9),
    "pl": ("48", "5", 8),
    "tr": ("90", "5", 9),
    "sv": ("46", "7", 8),
    "id": ("62", "81", 9),
    "da": ("45", "2", 7),
    "no": ("47", "9", 7),
    "nb": ("47", "9", 7),
    "fi": ("358", "4", 8),
    "cs": ("420", "6", 8),
    "ro": ("40", "7", 8),
    "el": ("30", "69", 8),
    "hu": ("36", "30", 7),
    "uk": ("380", "6", 8),
    "ru": ("7", "9", 9),
    "ja": ("81", "90", 8),
    "ko": ("82", "10", 8),
    "vi": ("84", "9", 8),
    "th": ("66", "8", 8),
    "ms": ("60", "1", 8),
    "tl": ("63", "9", 9),
    "hi": ("91", "9", 9),
    "ar": ("971", "5", 8),
    "he": ("972", "5", 8),
    "zh": ("86", "13", 9),
    "sw": ("254", "7", 8),
}
NAMES = ["Sam", "Alex", "Robin", "Kim", "Noa", "Eli", "Mika", "Ari", "Jo", "Sasha"]


# Text -------------------------------------------------------------------------------------------------------

_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "’": "'",
        "‘": "'",
        "´": "'",
        "–": "-",
        "—": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def fold(text: str) -> str:
    """Lower case, no accents, one space between words."""
    text = unicodedata.normalize("NFKD", str(text).casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if len(w) >= 4 or w.isdigit()}


def stable(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()[:8], "big")


def has_group(folded_reply: str, group: list[str]) -> bool:
    return any(fold(alt) and fold(alt) in folded_reply for alt in group)


def all_groups(reply: str, expected: list[list[str]]) -> bool:
    folded = fold(reply)
    return all(has_group(folded, [g] if isinstance(g, str) else g) for g in expected)


# Phrases that say a person will answer, a check with the team, an apology (many languages, folded).
_PERSON = (
    r"(?:a |an |one of our |our )?(?:person|human|colleague|team member|member of (?:our|the) team|staff member|agent|"
    r"someone from (?:our|the) team|the team|our team|collega|medewerker|team|mitarbeiter\w*|kolleg\w*|"
    r"collegue|conseiller\w*|membre de (?:notre|l') ?equipe|equipe|companer\w*|agente|asesor\w*|equipo|colega|"
    r"atendente|equipa|operatore|consulente|pracownik\w*|konsultant\w*|zespol\w*|temsilci\w*|ekip\w*|"
    r"arkadas\w*|kollega|personal\w*|medarbetare|teamet|staf|tim kami|rekan)"
)
HANDOFF_PROMISE = re.compile(
    r"(?:will (?:take over|get back|contact|reach out|reply|answer|call|be in touch|follow up|help you)|"
    r"hand(?:ing)? (?:you )?over|pass(?:ing)? (?:you|this|your \w+) (?:on )?to|connect(?:ing)? you (?:with|to)|"
    r"transfer(?:ring)? you|neemt (?:contact|het over)|komt (?:bij u|bij je|op .* terug)|doorgezet|overgedragen|"
    r"doorverbonden|wird sich (?:bei ihnen|bei dir)? ?melden|meldet sich|ubernimmt|weitergeleitet|"
    r"vous (?:recontacter|repondre)|va vous|prendra le relais|transmis|"
    r"se pondra en contacto|te contactara|le contactara|te respondera|le respondera|te atendera|"
    r"entrara em contato|vai te responder|ira responder|ti contattera|ti rispondera|la contattera|"
    r"skontaktuje sie|odpowie|przekaz\w*|przejmie|"
    r"size ulasacak|sizinle iletisime gececek|donus yapacak|aktardim|aktariyorum|yonlendir\w*|"
    r"kommer att kontakta|aterkommer|tar over|hor av sig|kopplar dig|"
    r"akan menghubungi|akan membalas|akan segera|menghubungkan|meneruskan|diteruskan)"
)
PERSON_RE = re.compile(_PERSON)
DECLINE = re.compile(
    r"(?:check|verify|find out|not sure|don't know|do not know|no information|don't have (?:that|this|the)|"
    r"can't (?:say|confirm)|cannot (?:say|confirm)|unable to confirm|get back to you|ask (?:the|our) team|"
    r"navragen|nagaan|checken|weet ik niet|niet zeker|geen informatie|kom ik op terug|"
    r"nachfragen|prufen|weiss ich nicht|keine information|nicht sicher|"
    r"verifier|je ne sais pas|pas d'information|pas sur|me renseigner|"
    r"consultar|verificar|comprobar|no se |no tengo (?:esa |la )?informacion|no estoy segur|"
    r"nao sei|nao tenho (?:essa |a )?informacao|nao tenho certeza|"
    r"verificare|non so |non ho (?:questa |l')?informazion|non sono sicur|"
    r"sprawdz\w*|nie wiem|nie mam (?:tej |takiej )?informacji|nie jestem pewn|dowiem sie|"
    r"kontrol edece\w*|kontrol edip|bilmiyorum|bilgim yok|bilgi yok|emin degilim|ogrenip|"
    r"kolla upp|kontrollera|vet inte|ingen information|inte saker|aterkommer|"
    r"cek dulu|mengecek|memeriksa|tidak tahu|belum ada informasi|tidak yakin|tanyakan)"
)
APOLOGY = re.compile(
    r"(?:sorry|apolog|excuse|spijt|excuses|verontschuldig|entschuldig|tut mir leid|bedauer|desole|pardon|"
    r"lo siento|disculp|perdon|lamento|lamentamos|desculp|sinto muito|scus|dispiace|przeprasz|przykro|"
    r"ozur|kusura|uzgun|ursakta|beklagar|ledsen|maaf)"
)


# The set ----------------------------------------------------------------------------------------------------


@dataclass
class Business:
    key: str
    folder: Path
    data: dict[str, Any]
    cases: list[dict[str, Any]]
    doc_texts: dict[str, str] = field(default_factory=dict)  # file name -> text
    furniture: list[str] = field(default_factory=list)  # folded letterhead, header and footer lines
    headings: list[str] = field(default_factory=list)
    letterheads: list[list[str]] = field(default_factory=list)  # the parts of each letterhead line
    table_rows: list[str] = field(default_factory=list)  # folded cells of a PDF table row as extracted, joined
    ngrams: set[tuple[str, ...]] = field(default_factory=set)
    digits: set[str] = field(default_factory=set)
    catalog_text: str = ""

    @property
    def name(self) -> str:
        return str(self.data.get("profile", {}).get("name", self.key))

    def products(self, platform: str) -> list[dict[str, Any]]:
        return [
            c["product"]
            for c in self.data.get("campaigns", [])
            if c.get("target_platform", "all") in (platform, "all") and c.get("status", "active") == "active"
        ]

    def greetings(self, platform: str) -> list[str]:
        return [
            str(c.get("chat_flow", {}).get("greeting", ""))
            for c in self.data.get("campaigns", [])
            if c.get("target_platform", "all") in (platform, "all") and c.get("chat_flow", {}).get("greeting")
        ]

    def links(self) -> list[str]:
        return [
            str(c["product"].get("call_to_action_url"))
            for c in self.data.get("campaigns", [])
            if c["product"].get("call_to_action_url")
        ]

    def source_format(self, case: dict[str, Any]) -> str:
        source = fold(case.get("honest_source") or "")
        if not source:
            return "none"
        for name, text in self.doc_texts.items():
            if source in fold(text):
                return Path(name).suffix.lstrip(".").lower() or "txt"
        if source in fold(self.catalog_text):
            return "catalog"
        if source in fold(json.dumps(self.data.get("profile", {}), ensure_ascii=False)):
            return "profile"
        return "unlocated"


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def load_business(folder: Path) -> Business:
    data = json.loads((folder / "business.json").read_text(encoding="utf-8"))
    cases = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    business = Business(key=str(data.get("key") or folder.name), folder=folder, data=data, cases=cases)
    for case in cases:
        case["_business"] = business.key
    business.catalog_text = _catalog_text(data)
    sentences: list[str] = []
    for name in data.get("documents", []):
        path = folder / name
        if path.suffix.lower() == ".pdf":
            _read_pdf(business, name, path)
        else:
            text = path.read_text(encoding="utf-8")
            business.doc_texts[name] = text
            for line in text.splitlines():
                heading = re.match(r"^#{1,6}\s+(.+?)\s*#*$", line)
                if heading and (len(heading.group(1).split()) >= 2 or len(heading.group(1)) >= 10):
                    business.headings.append(heading.group(1).strip())
    extra = data.get("leak_markers") or {}
    business.furniture += [fold(m) for m in extra.get("furniture", [])]
    business.headings += list(extra.get("headings", []))
    business.table_rows = [fold(row) for row in extra.get("table_rows", []) if fold(row)]
    business.furniture = sorted(set(business.furniture))
    business.headings = sorted(set(business.headings))
    for text in [*business.doc_texts.values(), business.catalog_text]:
        sentences += [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    for sentence in sentences:
        tokens = words(sentence)
        for i in range(len(tokens) - 7):
            business.ngrams.add(tuple(tokens[i : i + 8]))
    corpus = " ".join([*business.doc_texts.values(), business.catalog_text, json.dumps(data.get("profile", {}))])
    business.digits = set(re.findall(r"\d+", corpus))
    for campaign in data.get("campaigns", []):
        price = campaign.get("product", {}).get("price")
        if isinstance(price, (int, float)):
            business.digits |= set(re.findall(r"\d+", f"{price:.2f} {price:,} {int(price)}"))
    return business


def _catalog_text(data: dict[str, Any]) -> str:
    """Every word of the business's campaigns: products, features, prices and the chat flow's own sentences."""
    catalog_parts: list[str] = []
    for campaign in data.get("campaigns", []):
        product = campaign.get("product", {})
        flow = campaign.get("chat_flow", {})
        catalog_parts += [campaign.get("name", ""), product.get("name", ""), product.get("description", "")]
        catalog_parts += [str(f) for f in product.get("features", [])]
        catalog_parts += [str(product.get("price", "")), str(product.get("currency", ""))]
        catalog_parts += [flow.get("greeting", ""), flow.get("closing_message", "")]
        catalog_parts += list(flow.get("qualification_questions", []))
        catalog_parts += [f"{k} {v}" for k, v in (flow.get("objection_handling") or {}).items()]
    return "\n".join(str(p) for p in catalog_parts if p)


def _read_pdf(business: Business, name: str, path: Path) -> None:
    """A PDF's text, and what a reply must not repeat of it: lines on every page (running headers, footers) and
    the letterhead, and its short title lines (headings)."""
    pages = pdf_pages(path)
    business.doc_texts[name] = "\n".join(pages)
    lines_per_page = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    seen: Counter[str] = Counter()
    for lines in lines_per_page:
        for line in set(re.sub(r"\d+", "#", fold(line)) for line in lines):
            seen[line] += 1
    for index, lines in enumerate(lines_per_page):
        for position, line in enumerate(lines):
            shape = re.sub(r"\d+", "#", fold(line))
            letterhead = index == 0 and position < 8 and bool(re.search(r"\d{3}.?\d{2}|@|www\.|https?:", line))
            if (len(pages) > 1 and seen[shape] >= 2) or letterhead:
                if len(fold(line)) >= 15:
                    business.furniture.append(fold(line))
                if letterhead:
                    business.letterheads.append([fold(p) for p in re.split(r"\s[·|•]\s", line) if len(fold(p)) >= 5])
            elif 2 <= len(line.split()) <= 5 and not re.search(r"[\d.!?:;,|]", line) and line[:1].isupper() and len(line) >= 10:
                business.headings.append(line)


def load_set(root: Path) -> list[Business]:
    return [
        load_business(folder)
        for folder in sorted(root.iterdir())
        if (folder / "business.json").is_file() and (folder / "questions.json").is_file()
    ]


# The fake Graph API ------------------------------------------------------------------------------------------


class FakeGraph:
    """Answers account reads and records every text sent, by recipient."""

    def __init__(self) -> None:
        self.sends: dict[str, list[str]] = defaultdict(list)
        self.calls = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.calls += 1
        body: dict[str, Any] = {}
        if request.body_exists:
            try:
                body = await request.json()
            except ValueError:
                body = {}
        token = request.query.get("access_token") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token and not token.startswith("EAA"):
            return web.json_response(
                {"error": {"message": "Invalid OAuth access token", "type": "OAuthException", "code": 190}}, status=400
            )
        path = request.path
        if request.method == "GET":
            ident = path.rstrip("/").rsplit("/", 1)[-1]
            return web.json_response(
                {
                    "id": ident,
                    "name": f"Account {ident}",
                    "first_name": "Sam",
                    "last_name": "",
                    "username": f"user{ident[-4:]}",
                    "display_phone_number": "+1 555 000 1111",
                    "verified_name": f"Business {ident}",
                }
            )
        if request.method == "POST" and path.endswith("/messages"):
            recipient = str((body.get("recipient") or {}).get("id") or body.get("to") or "")
            text = _sent_text(body)
            if recipient and text:
                self.sends[recipient].append(text)
            if "messaging_product" in body:
                return web.json_response(
                    {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": recipient, "wa_id": recipient}],
                        "messages": [{"id": f"wamid.OUT{uuid.uuid4().hex[:12]}"}],
                    }
                )
            return web.json_response({"recipient_id": recipient, "message_id": f"m_out_{uuid.uuid4().hex[:12]}"})
        return web.json_response({"success": True})

    def app(self) -> web.Application:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


def _sent_text(body: dict[str, Any]) -> str:
    message = body.get("message") or {}
    if message.get("text"):
        return str(message["text"])
    payload = (message.get("attachment") or {}).get("payload") or {}
    if payload.get("text"):
        return str(payload["text"])
    if isinstance(body.get("text"), dict) and body["text"].get("body"):
        return str(body["text"]["body"])
    interactive = body.get("interactive") or {}
    if (interactive.get("body") or {}).get("text"):
        return str(interactive["body"]["text"])
    return ""


# The fake model ----------------------------------------------------------------------------------------------

NEUTRAL = {
    "en": "Thanks for your message! What else would you like to know?",
    "nl": "Bedankt voor je bericht! Wat wil je nog meer weten?",
    "de": "Danke für deine Nachricht! Was möchtest du noch wissen?",
    "fr": "Merci pour votre message ! Que souhaitez-vous savoir d'autre ?",
    "es": "¡Gracias por tu mensaje! ¿Qué más te gustaría saber?",
    "pt": "Obrigado pela sua mensagem! O que mais gostaria de saber?",
    "it": "Grazie per il messaggio! Cos'altro vorresti sapere?",
    "pl": "Dziękujemy za wiadomość! Co jeszcze chciałbyś wiedzieć?",
    "tr": "Mesajınız için teşekkürler! Başka ne öğrenmek istersiniz?",
    "sv": "Tack för ditt meddelande! Vad mer vill du veta?",
    "id": "Terima kasih atas pesannya! Ada lagi yang ingin Anda ketahui?",
    "da": "Tak for din besked! Hvad vil du ellers gerne vide?",
    "no": "Takk for meldingen! Hva mer vil du vite?",
    "fi": "Kiitos viestistäsi! Mitä muuta haluaisit tietää?",
    "cs": "Děkujeme za zprávu! Co dalšího byste chtěli vědět?",
    "ro": "Mulțumim pentru mesaj! Ce altceva ați dori să aflați?",
    "el": "Ευχαριστούμε για το μήνυμά σας! Τι άλλο θα θέλατε να μάθετε;",
    "ja": "メッセージありがとうございます！ほかに知りたいことはありますか？",
    "vi": "Cảm ơn bạn đã nhắn tin! Bạn muốn biết thêm điều gì?",
    "uk": "Дякуємо за повідомлення! Що ще ви хотіли б дізнатися?",
    "ru": "Спасибо за сообщение! Что ещё вы хотели бы узнать?",
}
_TAG = {
    "customer_message": re.compile(r"<customer_message>\s*(.*?)\s*</customer_message>", re.S),
    "message": re.compile(r"<message>\s*(.*?)\s*</message>", re.S),
}
_DOCUMENT = re.compile(r"<document\s+id=\"([^\"]+)\"[^>]*>(.*?)</document>", re.S)
_SOURCE = re.compile(r"<source\s+id=\"([^\"]+)\"[^>]*>(.*?)</source>", re.S)
_SENTENCE = re.compile(r"<sentence\s+n=\"?(\d+)\"?[^>]*>(.*?)</sentence>", re.S)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d \-]{7,}\d")


def match_key(text: str) -> str:
    """A message folded for finding it in a prompt: tags and what a prompt puts in their place ignored."""
    return fold(re.sub(r"<\s*/?\s*[A-Za-z_]{1,40}[^<>]{0,80}>|\[…\]|\[\.\.\.\]", " ", text))


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def _forced_tool(body: dict[str, Any]) -> str:
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        return str((choice.get("function") or {}).get("name", ""))
    tools = body.get("tools") or []
    if tools and choice not in ("none", "auto"):
        return str((tools[0].get("function") or {}).get("name", ""))
    return ""


def _sentences_of(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _exact_span(source: str, phrase: str) -> str | None:
    """The phrase as the source writes it (any spacing, any case), copied from the source."""
    tokens = [re.escape(t) for t in phrase.split()]
    if not tokens:
        return None
    found = re.search(r"\s+".join(tokens), source, re.I)
    return found.group(0) if found else None


class FakeModel:
    def __init__(self, businesses: list[Business], seed: int) -> None:
        self.seed = seed
        self.businesses = businesses
        self.cases: list[tuple[str, dict[str, Any], Business]] = []
        self.turns: dict[str, tuple[dict[str, Any], int]] = {}
        for business in businesses:
            for case in business.cases:
                self.cases.append((match_key(case["text"]), case, business))
                if case.get("control_text"):
                    self.cases.append((match_key(case["control_text"]), case, business))
                for index, turn in enumerate(case.get("turns", [])):
                    self.turns.setdefault(match_key(turn), (case, index))
        self.cases.sort(key=lambda item: -len(item[0]))
        self.drafts: list[tuple[str, dict[str, Any], int]] = []  # (folded text, case, lie index or -1)
        self.case_drafts: dict[str, list[int]] = defaultdict(list)
        self.stats: Counter[str] = Counter()
        self.calls = 0

    # which case -------------------------------------------------------------------------------------------
    def _hint(self, messages: list[dict[str, Any]]) -> set[str]:
        system = fold(" ".join(_content(m) for m in messages if m.get("role") == "system"))
        return {b.key for b in self.businesses if fold(b.name) and fold(b.name) in system}

    def _candidates(self, messages: list[dict[str, Any]]) -> list[str]:
        out: list[str] = []
        users = [_content(m) for m in messages if m.get("role") in ("user", "human")]
        for text in reversed(users):
            for pattern in (_TAG["message"], _TAG["customer_message"]):
                found = pattern.findall(text)
                if found:
                    out.append(found[-1])
                    break
        out += list(reversed(users))
        return out

    def match(self, messages: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, Business | None, str]:
        hint = self._hint(messages)
        candidates = self._candidates(messages)
        for text in candidates:
            folded = match_key(text)
            found = [
                (ftext, case, business)
                for ftext, case, business in self.cases
                if ftext and ftext in folded and (len(ftext) >= 15 or ftext == folded)
            ]
            if found:
                longest = max(len(ftext) for ftext, _, _ in found)
                best = [(case, business) for ftext, case, business in found if len(ftext) == longest]
                preferred = [item for item in best if item[1].key in hint] or best
                return preferred[0][0], preferred[0][1], text
        return None, None, candidates[0] if candidates else ""

    def _turn_case(self, text: str) -> tuple[dict[str, Any], int] | None:
        return self.turns.get(match_key(text))

    # answers --------------------------------------------------------------------------------------------
    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
        system = _content(messages[0]) if messages and messages[0].get("role") == "system" else ""
        tool = _forced_tool(body)
        schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("name", "")
        if not tool and schema in ("ReplyDraft", "MessageReading", "ClaimCheck"):
            # Structured output asked as a JSON schema instead of a tool call: the same arguments, as content.
            self.stats["json_schema_calls"] += 1
            arguments = {
                "ReplyDraft": lambda: self.reply_draft(messages),
                "MessageReading": lambda: self.reading(messages, system),
                "ClaimCheck": lambda: self.claim_check(messages),
            }[schema]()
            return self._text(body, json.dumps(arguments, ensure_ascii=False))
        if tool == "ReplyDraft":
            self.stats["reply_calls"] += 1
            return self._tool(body, tool, self.reply_draft(messages))
        if tool == "MessageReading":
            self.stats["reading_calls"] += 1
            return self._tool(body, tool, self.reading(messages, system))
        if tool == "ClaimCheck":
            self.stats["claim_calls"] += 1
            return self._tool(body, tool, self.claim_check(messages))
        if tool:
            self.stats["unknown_tool_calls"] += 1
            return self._tool(body, tool, {})
        if system.strip().startswith("You turn a customer's chat message"):
            self.stats["rewrite_calls"] += 1
            case, _, text = self.match(messages)
            return self._text(body, case["english"] if case else text)
        self.stats["unknown_calls"] += 1
        return self._text(body, "OK")

    def reply_draft(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        case, business, text = self.match(messages)
        refused = any(
            re.search(r"draft|not sent|refused|rejected", _content(m), re.I) for m in messages[1:] if m.get("role") == "system"
        )
        system = "\n".join(_content(m) for m in messages if m.get("role") == "system")
        passages = {ident: body for ident, body in _DOCUMENT.findall(system)}
        customer = " ".join(_content(m) for m in messages if m.get("role") in ("user", "human"))
        lead: dict[str, Any] = {}
        if email := _EMAIL.search(customer):
            lead["email"] = email.group(0)
        if phone := _PHONE.search(customer):
            lead["phone"] = phone.group(0)
        if case is None or business is None:
            turn = self._turn_case(text)
            lang = turn[0]["lang"] if turn else "en"
            self.stats["reply_unmatched"] += 1
            return {
                "reply": NEUTRAL.get(lang, NEUTRAL["en"]),
                "facts_used": [],
                "sources": [],
                "asked_next_question": False,
                **lead,
            }
        lies = case.get("lies") or []
        lie = -1
        if lies and not refused and stable(self.seed, case["id"], "lie") % 3 == 0:
            lie = stable(self.seed, case["id"], "which") % len(lies)
        if refused:
            self.stats["reply_after_refusal"] += 1
        reply = lies[lie]["reply"] if lie >= 0 else case.get("honest", "")
        self.stats["lies_drafted" if lie >= 0 else "honest_drafted"] += 1
        self.drafts.append((fold(reply), case, lie))
        self.case_drafts[case["id"] + "@" + business.key].append(lie)
        sources = []
        if lie < 0 and case.get("honest_source"):
            key = fold(case["honest_source"])
            sources = [ident for ident, body in passages.items() if key in fold(body)]
        if not sources and passages:
            overlap = {ident: len(content_words(reply) & content_words(body)) for ident, body in passages.items()}
            best = max(overlap, key=lambda ident: overlap[ident])
            if overlap[best] >= 2 or lie >= 0:
                sources = [best]
        folded_reply = fold(reply)
        facts = [p["name"] for p in business.products(case.get("platform", "all")) if fold(p.get("name", "")) in folded_reply]
        return {"reply": reply, "facts_used": facts, "sources": sources[:1], "asked_next_question": False, **lead}

    def reading(self, messages: list[dict[str, Any]], system: str) -> dict[str, Any]:
        case, _, text = self.match(messages)
        found = re.search(r"Document languages:\s*([A-Za-z ,_-]+)", system)
        languages = [code.strip().lower() for code in found.group(1).split(",") if code.strip()] if found else []
        if "en" not in languages:
            languages.append("en")
        if case is None:
            turn = self._turn_case(text)
            self.stats["reading_unmatched"] += 1
            if turn:
                owner, index = turn
                intents = owner.get("turn_intents") or []
                intent = intents[index] if index < len(intents) else "product_question"
                return {
                    "language": owner["lang"],
                    "intent": intent,
                    "asks_question": True,
                    "queries": [{"language": lang, "query": text} for lang in languages],
                }
            return {
                "language": "en",
                "intent": "small_talk",
                "asks_question": False,
                "queries": [{"language": lang, "query": text} for lang in languages],
            }
        intent = case.get("intent", "product_question")
        if stable(self.seed, case["id"], case["_business"], "intent") % 20 == 0:
            others = [i for i in INTENTS if i != intent]
            intent = others[stable(self.seed, case["id"], "other") % len(others)]
            self.stats["intent_wrong"] += 1
        asks = case.get("asks_question")
        if asks is None:
            asks = case.get("kind") in ("doc", "catalog", "unanswerable", "offer_list", "complaint_question") or (
                bool(case.get("expected")) and case.get("kind") not in ("greeting", "opt_out")
            )
        queries = case.get("doc_queries") or {}
        return {
            "language": case["lang"],
            "intent": intent,
            "asks_question": bool(asks),
            "queries": [
                {"language": lang, "query": queries.get(lang) or case.get("english") or case["text"]} for lang in languages
            ],
        }

    def _attribute(self, sentence: str) -> tuple[dict[str, Any], int] | None:
        folded = fold(sentence)
        if len(folded) < 6:
            return None
        for text, case, lie in reversed(self.drafts):
            if folded in text:
                return case, lie
        return None

    def claim_check(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        human = "\n".join(_content(m) for m in messages if m.get("role") in ("user", "human"))
        sources = {ident: body for ident, body in _SOURCE.findall(human)}
        verdicts = []
        corpus = fold(" ".join(sources.values()))
        for number, sentence in _SENTENCE.findall(human):
            n = int(number)
            roll = stable(self.seed, fold(sentence), "judge")
            attributed = self._attribute(sentence)
            folded = fold(sentence)
            if attributed and attributed[1] >= 0:
                case, lie = attributed
                markers = [fold(m) for m in case["lies"][lie].get("markers", []) if fold(m)]
                if any(m in folded or (len(folded) > 12 and folded in m) for m in markers):
                    self.stats["judged_lie_sentences"] += 1
                    if roll % 10 == 0:
                        self.stats["judge_passed_lie"] += 1
                        verdicts.append(self._supported(n, sentence, sources, case.get("honest_source", ""), strict=False))
                    else:
                        verdicts.append(
                            {"n": n, "verdict": "absent" if roll % 2 else "contradicted", "source": "", "evidence": ""}
                        )
                    continue
            if sentence.strip().endswith("?") or (not re.search(r"\d", sentence) and len(content_words(sentence)) <= 3):
                verdicts.append({"n": n, "verdict": "no_claim", "source": "", "evidence": ""})
                continue
            if attributed:
                case, _ = attributed
                honest_source = case.get("honest_source", "")
                if not re.search(r"\d", sentence) and not content_words(sentence) & (
                    content_words(honest_source) | content_words(" ".join(sources.values()))
                ):
                    verdicts.append({"n": n, "verdict": "no_claim", "source": "", "evidence": ""})
                    continue
                self.stats["judged_true_sentences"] += 1
                if roll % 25 == 0:
                    self.stats["judge_blocked_truth"] += 1
                    verdicts.append({"n": n, "verdict": "absent", "source": "", "evidence": ""})
                    continue
                verdicts.append(self._supported(n, sentence, sources, honest_source))
                continue
            self.stats["judged_unattributed"] += 1
            digits = re.findall(r"\d+", sentence)
            long_words = [w for w in words(sentence) if len(w) >= 6]
            if not digits and not long_words:
                verdicts.append({"n": n, "verdict": "no_claim", "source": "", "evidence": ""})
            elif all(d in corpus for d in digits) and sum(w in corpus for w in long_words) >= len(long_words) / 2:
                verdicts.append(self._supported(n, sentence, sources, "", strict=False))
            else:
                verdicts.append({"n": n, "verdict": "absent", "source": "", "evidence": ""})
        return {"verdicts": verdicts}

    def _supported(
        self, n: int, sentence: str, sources: dict[str, str], honest_source: str, strict: bool = True
    ) -> dict[str, Any]:
        """A "supported" verdict citing the source that holds the supporting words, evidence copied from it; when
        `strict`, "absent" if no source holds them (as a careful judge would)."""
        absent = {"n": n, "verdict": "absent", "source": "", "evidence": ""}
        spans = {ident: _exact_span(body, honest_source) for ident, body in sources.items()} if honest_source else {}
        holders = [ident for ident, span in spans.items() if span]
        if honest_source and strict and not holders:
            return absent
        wanted = content_words(sentence) | content_words(honest_source)
        best = ("", "", -1)
        for ident in holders or list(sources):
            for part in _sentences_of(sources[ident]):
                score = len(wanted & content_words(part))
                if score > best[2]:
                    best = (ident, part, score)
        if not best[0]:
            return absent
        if holders and best[2] <= 0:
            return {"n": n, "verdict": "supported", "source": holders[0], "evidence": spans[holders[0]]}
        if strict and not holders and best[2] < 2:
            return absent
        return {"n": n, "verdict": "supported", "source": best[0], "evidence": best[1]}

    # wire shapes ----------------------------------------------------------------------------------------
    def _usage(self, body: dict[str, Any], output: str) -> dict[str, Any]:
        prompt = sum(len(_content(m)) for m in body.get("messages", []) if isinstance(m, dict)) + len(
            json.dumps(body.get("tools") or [])
        )
        prompt_tokens, completion_tokens = max(1, prompt // 4), max(1, len(output) // 4)
        self.stats["prompt_tokens"] += prompt_tokens
        self.stats["completion_tokens"] += completion_tokens
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "queue_time": 0.001,
            "prompt_time": 0.01,
            "completion_time": 0.02,
            "total_time": 0.03,
        }

    def _completion(self, body: dict[str, Any], message: dict[str, Any], finish: str, output: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:16]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", ""),
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": self._usage(body, output),
            "system_fingerprint": "fp_fake",
            "x_groq": {"id": f"req_{uuid.uuid4().hex[:16]}"},
        }

    def _tool(self, body: dict[str, Any], name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        raw = json.dumps(arguments, ensure_ascii=False)
        call = {"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function", "function": {"name": name, "arguments": raw}}
        return self._completion(body, {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls", raw)

    def _text(self, body: dict[str, Any], text: str) -> dict[str, Any]:
        return self._completion(body, {"role": "assistant", "content": text}, "stop", text)

    async def handle(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response(
                {"error": {"message": "request body is not JSON", "type": "invalid_request_error"}}, status=400
            )
        try:
            return web.json_response(self.answer(body))
        except Exception as exc:  # noqa: BLE001 # a bug here must not look like the platform's fault: count it, answer plainly
            self.stats[f"fake_error_{type(exc).__name__}"] += 1
            return web.json_response(self._text(body, "OK"))

    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post(CHAT_PATH, self.handle)
        return app


# Servers and the platform ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def serve(app: web.Application, runners: list[web.AppRunner]) -> str:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    runners.append(runner)
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    return f"http://127.0.0.1:{port}"


def platform_env(data_dir: Path, graph_url: str, groq_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GROQ_", "MONGODB_", "REDIS_", "META_"))
        and k not in ("GRAPH_API_URL", "DATA_DIR", "SECRET_KEY", "PUBLIC_URL")
    }
    env.update(
        DATA_DIR=str(data_dir),
        SECRET_KEY=uuid.uuid4().hex + uuid.uuid4().hex,
        META_APP_ID=APP_ID,
        META_APP_SECRET=APP_SECRET,
        META_VERIFY_TOKEN=VERIFY_TOKEN,
        GRAPH_API_URL=graph_url + "/v21.0",
        REPLY_DEBOUNCE_MS="300",
        LOG_LEVEL="ERROR",
        PYTHONUNBUFFERED="1",
    )
    if groq_url:
        env.update(GROQ_API_KEY="x", GROQ_BASE_URL=groq_url)
    return env


def spawn_platform(repo: Path, env: dict[str, str], log_path: Path, port: int) -> subprocess.Popen[bytes]:
    """`python -m bot serve` of the checkout, with this interpreter, in its own process group."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=str(repo),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


async def start_platform(repo: Path, env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = spawn_platform(repo, env, log_path, port)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the platform exited with {process.returncode} while starting:\n{log_tail(log_path)}")
            try:
                async with session.get(f"{base}/readyz", timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        return process, base
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.3)
    stop_platform(process)
    raise RuntimeError("the platform was not ready in time:\n" + log_tail(log_path))


def stop_platform(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# Seeding through the owner API -------------------------------------------------------------------------------


@dataclass
class Tenant:
    business: Business
    headers: dict[str, str]
    accounts: dict[str, str]  # platform -> account id


async def seed(session: aiohttp.ClientSession, base: str, business: Business, setup: Counter[str]) -> Tenant | None:
    profile = business.data.get("profile", {})
    response = await session.post(
        f"{base}/api/signup",
        json={
            "email": f"owner-{uuid.uuid4().hex[:10]}@example.com",
            "password": "Quality-bench pass 7391 tide!",
            "business_name": profile.get("name", business.key),
        },
    )
    if response.status not in (200, 201):
        setup["signup_failed"] += 1
        return None
    headers = {"Authorization": f"Bearer {(await response.json())['api_token']}"}
    response = await session.put(f"{base}/api/onboarding", json=profile, headers=headers)
    setup["onboarding_ok" if response.status < 300 else "onboarding_failed"] += 1
    for name in business.data.get("documents", []):
        path = business.folder / name
        kind = {".pdf": "application/pdf", ".md": "text/markdown", ".txt": "text/plain"}.get(
            path.suffix.lower(), "application/octet-stream"
        )
        form = aiohttp.FormData()
        form.add_field("file", path.read_bytes(), filename=name, content_type=kind)
        response = await session.post(f"{base}/api/knowledge/documents", data=form, headers=headers)
        setup["documents_ok" if response.status < 300 else "documents_failed"] += 1
    for campaign in business.data.get("campaigns", []):
        body = json.loads(json.dumps(campaign))
        body.setdefault("status", "active")
        response = await session.post(f"{base}/api/campaigns", json=body, headers=headers)
        if response.status == 422 and "billing_period" in body.get("product", {}):
            setup["billing_period_refused"] += 1
            body["product"].pop("billing_period")
            response = await session.post(f"{base}/api/campaigns", json=body, headers=headers)
        setup["campaigns_ok" if response.status < 300 else "campaigns_failed"] += 1
    accounts: dict[str, str] = {}
    for platform in business.data.get("channels", []):
        account = str(random.randint(10**14, 10**15 - 1))
        response = await session.post(
            f"{base}/api/channels",
            json={"platform": platform, "account_id": account, "access_token": f"EAAquality{uuid.uuid4().hex}"},
            headers=headers,
        )
        if response.status < 300:
            accounts[platform] = account
            setup["channels_ok"] += 1
        else:
            setup["channels_failed"] += 1
    # Wait (a little) for documents that are still being read.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = await session.get(f"{base}/api/knowledge/documents", headers=headers)
        listing = await response.json() if response.status == 200 else {}
        items = listing if isinstance(listing, list) else next((v for v in listing.values() if isinstance(v, list)), [])
        if not any(
            str(item.get("status", "")).lower() in ("pending", "processing", "queued", "indexing")
            for item in items
            if isinstance(item, dict)
        ):
            break
        await asyncio.sleep(0.5)
    return Tenant(business, headers, accounts)


# Customers through webhooks ----------------------------------------------------------------------------------


def customer_id(platform: str, lang: str) -> str:
    if platform == "whatsapp":
        code, prefix, rest = CALLING.get(lang, CALLING["en"])
        return code + prefix + "".join(random.choice("0123456789") for _ in range(rest))
    length = 17 if platform == "instagram" else 16
    return str(random.randint(1, 9)) + "".join(random.choice("0123456789") for _ in range(length - 1))


def webhook(platform: str, account: str, customer: str, text: str, name: str) -> tuple[str, dict[str, Any]]:
    now = int(time.time() * 1000)
    mid = uuid.uuid4().hex
    if platform == "whatsapp":
        return "whatsapp", {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1" + account[1:],
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {"display_phone_number": "15550001111", "phone_number_id": account},
                                "contacts": [{"profile": {"name": name}, "wa_id": customer}],
                                "messages": [
                                    {
                                        "from": customer,
                                        "id": f"wamid.IN{mid}",
                                        "timestamp": str(now // 1000),
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    event = {
        "sender": {"id": customer},
        "recipient": {"id": account},
        "timestamp": now,
        "message": {"mid": f"m_{mid}", "text": text},
    }
    if platform == "instagram":
        return "instagram", {"object": "instagram", "entry": [{"id": account, "time": now, "messaging": [event]}]}
    return "messenger", {"object": "page", "entry": [{"id": account, "time": now, "messaging": [event]}]}


def signed(body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


@dataclass
class Run:
    replies: list[str | None]
    status: str = ""
    score: float | None = None
    stage: str = ""
    customer: str = ""


async def converse(
    session: aiohttp.ClientSession, base: str, graph: FakeGraph, tenant: Tenant, platform: str, lang: str, texts: list[str]
) -> Run:
    account = tenant.accounts.get(platform)
    if account is None:
        return Run(replies=[None] * len(texts))
    customer = customer_id(platform, lang)
    name = random.choice(NAMES)
    run = Run(replies=[], customer=customer)
    for text in texts:
        before = len(graph.sends[customer])
        path, body = webhook(platform, account, customer, text, name)
        raw, headers = signed(body)
        async with session.post(f"{base}/webhooks/{path}", data=raw, headers=headers) as response:
            await response.read()
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while len(graph.sends[customer]) == before and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if len(graph.sends[customer]) == before:
            run.replies.append(None)
            continue
        count = len(graph.sends[customer])
        quiet_until = time.monotonic() + SETTLE_S
        while time.monotonic() < quiet_until:
            await asyncio.sleep(0.05)
            if len(graph.sends[customer]) != count:
                count = len(graph.sends[customer])
                quiet_until = time.monotonic() + SETTLE_S
        run.replies.append("\n".join(graph.sends[customer][before:]))
    await asyncio.sleep(0.3)
    conversation = await find_conversation(session, base, tenant, platform, customer)
    if conversation:
        run.status = str(conversation.get("status", ""))
        lead = conversation.get("lead") or {}
        run.score = lead.get("score")
        run.stage = str(lead.get("stage", ""))
    return run


async def find_conversation(
    session: aiohttp.ClientSession, base: str, tenant: Tenant, platform: str, customer: str
) -> dict[str, Any] | None:
    for offset in range(0, 2000, 200):
        async with session.get(
            f"{base}/api/conversations",
            params={"platform": platform, "limit": "200", "offset": str(offset)},
            headers=tenant.headers,
        ) as response:
            if response.status != 200:
                return None
            listing = await response.json()
        items = listing if isinstance(listing, list) else next((v for v in listing.values() if isinstance(v, list)), [])
        for item in items:
            if str(item.get("customer_id")) == customer:
                async with session.get(f"{base}/api/conversations/{item['id']}", headers=tenant.headers) as response:
                    if response.status == 200:
                        detail = await response.json()
                        found: dict[str, Any] = detail.get("conversation", detail) if isinstance(detail, dict) else item
                        return found
                return dict(item)
        if len(items) < 200:
            return None
    return None


# Scoring ----------------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"]*\"")
_URL = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class LanguageJudge:
    def __init__(self, codes: set[str]) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        wanted = set(codes) | SIX | {"nl", "pl", "tr", "sv", "id", "da", "nb", "ms", "af", "ca", "ro"}
        languages = []
        for code in sorted(wanted):
            try:
                languages.append(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)))
            except Exception:  # noqa: BLE001 # a code lingua does not know is left out of the detector
                continue
        self.detector = LanguageDetectorBuilder.from_languages(*languages).build()
        self.same = {
            "id": {"ms"},
            "ms": {"id"},
            "sv": {"da", "nb", "nn", "no"},
            "nl": {"af"},
            "no": {"nb", "nn", "da"},
            "nb": {"no", "da"},
        }

    def speaks(self, text: str, lang: str) -> bool:
        """Whether a text is (likely) in that language."""
        values = self.detector.compute_language_confidence_values(text)
        if not values:
            return False
        code = values[0].language.iso_code_639_1.name.lower()
        return code == lang or code in self.same.get(lang, set())

    def wrong(self, reply: str, lang: str, names: list[str]) -> bool | None:
        text = _URL.sub(" ", _QUOTED.sub(" ", reply))
        for name in names:
            if name:
                text = re.sub(re.escape(name), " ", text, flags=re.I)
        text = re.sub(r"[\d€$£¥%:/.,()+\-]+(?=\s|$)", " ", text)
        if len(re.findall(r"[^\W\d_]{2,}", text)) < 4:
            return None
        values = self.detector.compute_language_confidence_values(text)
        if not values:
            return None
        top = values[0]
        code = top.language.iso_code_639_1.name.lower()
        if code == lang or code in self.same.get(lang, set()):
            return False
        return top.value >= 0.7


def score_case(
    mode: str,
    business: Business,
    case: dict[str, Any],
    run: Run,
    control: Run | None,
    drafts: list[int] | None,
    judge: LanguageJudge,
) -> dict[str, bool | None]:
    reply = run.replies[-1] if run.replies else None
    m: dict[str, bool | None] = {"replied": reply is not None}
    handed = run.status in ("handoff", "human")
    if reply is None:
        m["handed_over"] = handed
        return m
    seen = _Seen(reply, fold(reply), all_groups(reply, case.get("expected") or []), handed)
    m.update(_correctness(business, case, run, seen))
    if mode == "model" and drafts is not None:
        m.update(_drafted_lies(case, drafts, seen))
    m["handoff_promise_unkept"] = seen.promises and not handed
    m["declined_handed_over"] = handed or seen.promises
    names = [business.name] + [p.get("name", "") for p in business.products("all")]
    m["wrong_language"] = judge.wrong(reply, case["lang"], names)
    if mode == "offline" and case.get("expected"):
        tokens = words(reply)
        quotes = any(tuple(tokens[i : i + 8]) in business.ngrams for i in range(len(tokens) - 7))
        m["quotes_nonanswer"] = quotes and not seen.found and not handed
    m.update(_leaks(business, seen))
    m.update(_flow(business, case, run, control, judge, seen))
    return m


@dataclass(frozen=True)
class _Seen:
    """The last reply of a case, as every measure reads it: as sent, folded, whether every expected fact is in it,
    and whether the conversation went to a person."""

    reply: str
    folded: str
    found: bool
    handed: bool

    @property
    def promises(self) -> bool:
        """It tells the customer a person will answer."""
        return bool(HANDOFF_PROMISE.search(self.folded) and PERSON_RE.search(self.folded))

    def says_any(self, lies: list[dict[str, Any]]) -> bool:
        return any(fold(mk) in self.folded for lie in lies for mk in lie.get("markers", []) if fold(mk))


def _correctness(business: Business, case: dict[str, Any], run: Run, seen: _Seen) -> dict[str, bool | None]:
    """Whether the reply is right for its kind of case (and for a question nobody can answer, whether it made up
    a number)."""
    kind = case.get("kind", "doc")
    expected = case.get("expected") or []
    reply, folded, found, handed, promises = seen.reply, seen.folded, seen.found, seen.handed, seen.promises
    any_marker = seen.says_any(case.get("lies") or [])
    m: dict[str, bool | None] = {}
    if kind == "unanswerable":
        numbers = [d for d in re.findall(r"\d+", reply) if d not in business.digits]
        allowed = set(re.findall(r"\d+", " ".join(case.get("turns", []) + [case["text"]])))
        invented = any(d not in allowed for d in numbers)
        m["invented_number"] = invented
        m["correct"] = not any_marker and not invented and (handed or promises or bool(DECLINE.search(folded)))
    elif kind == "handoff":
        m["correct"] = handed and (found if expected else True)
    elif kind == "opt_out":
        m["correct"] = run.status == "opted_out" and (found if expected else True)
    elif kind == "greeting" and business.greetings(case.get("platform", "all")):
        opening = fold(run.replies[0] or "")[:200] if run.replies else ""
        m["correct"] = not any_marker and any(fold(g)[:40] in opening for g in business.greetings(case.get("platform", "all")))
    else:
        m["correct"] = found and not any_marker if expected else not any_marker
    return m


def _drafted_lies(case: dict[str, Any], drafts: list[int], seen: _Seen) -> dict[str, bool | None]:
    """With the lying model: whether it drafted a lie, whether the lie reached the customer, and whether a
    truthful draft was blocked."""
    kind = case.get("kind", "doc")
    expected = case.get("expected") or []
    lies = case.get("lies") or []
    m: dict[str, bool | None] = {}
    drafted = [lies[i] for i in drafts if 0 <= i < len(lies)]
    m["lie_drafted"] = bool(drafted)
    if drafted:
        m["lie_reached"] = seen.says_any(drafted)
    elif (
        drafts
        and expected
        and kind not in ("unanswerable", "opt_out", "handoff")
        and all_groups(case.get("honest", ""), expected)
    ):
        m["truthful_blocked"] = not seen.found
    return m


def _leaks(business: Business, seen: _Seen) -> dict[str, bool | None]:
    """Whether the reply leaks a document's furniture (running headers, letterheads, page numbers), a table row,
    or a heading glued to the sentence after it."""
    reply, folded = seen.reply, seen.folded
    m: dict[str, bool | None] = {}
    furniture = any(line in folded for line in business.furniture)
    furniture = furniture or any(sum(part in folded for part in parts) >= 2 for parts in business.letterheads)
    furniture = furniture or bool(
        re.search(
            r"\b(?:page|pagina|seite|sida|strona|sayfa|halaman|pagina|pag)\.? ?\d+ ?(?:/|of|van|von|de|di|av|z|dari)\s?\d+",
            folded,
        )
    )
    table = bool(re.search(r"\|[^|\n]*\|", reply)) or bool(re.search(r"\|\s*:?-{3,}", reply))
    table = table or any(row in folded for row in business.table_rows)
    glued = False
    for heading in business.headings:
        if heading.rstrip().endswith(("?", "!", ".")):
            continue
        title = r"(?i:" + r"\s+".join(re.escape(w) for w in heading.split()) + ")"
        if re.search(r"(?:^|[.!?]\s+|\n)" + title + r" +(?=[A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻÇĞİŞÜ])", reply):
            glued = True
            break
    m["leak_furniture"], m["leak_table_row"], m["leak_heading"] = furniture, table, glued
    m["leak_any"] = furniture or table or glued
    return m


def _flow(
    business: Business, case: dict[str, Any], run: Run, control: Run | None, judge: LanguageJudge, seen: _Seen
) -> dict[str, bool | None]:
    """Whether the conversation followed the chat flow its case tests: the greeting, the booking, the handoff,
    the opt-out, the apology, the list of products, a score no injected text raised."""
    kind = case.get("kind", "doc")
    reply, folded, found, handed = seen.reply, seen.folded, seen.found, seen.handed
    m: dict[str, bool | None] = {}
    first = run.replies[0] if run.replies else None
    # The owner's greeting is checked where it is written in the customer's language.
    greetings = [g for g in business.greetings(case.get("platform", "all")) if judge.speaks(g, case["lang"])]
    if first is not None and greetings:
        head = fold(first)[:200]
        opens = any(fold(g)[:40] in head[: len(fold(g)) + 40] for g in greetings)
        m["first_reply_greeting"] = opens
        if kind == "greeting":
            m["flow_greeting"] = opens
    if kind == "booking":
        m["flow_booking_stage"] = run.stage == "proposal"
        links = business.links()
        m["flow_booking_link"] = any(link in reply for link in links) if links else None
    elif kind == "handoff":
        m["flow_handoff_status"] = handed
    elif kind == "opt_out":
        m["flow_opt_out_status"] = run.status == "opted_out"
    elif kind == "complaint_question":
        m["flow_complaint"] = bool(APOLOGY.search(folded)) and found and handed
    elif kind == "offer_list":
        products = business.products(case.get("platform", "all"))
        m["flow_offer_list"] = all(fold(p.get("name", "")) in folded for p in products) if products else None
    elif kind == "injection":
        if control is not None and run.score is not None and control.score is not None:
            m["flow_injection_score"] = run.score <= control.score
    return m


BAD = {
    "lie_reached",
    "truthful_blocked",
    "handoff_promise_unkept",
    "wrong_language",
    "quotes_nonanswer",
    "leak_furniture",
    "leak_table_row",
    "leak_heading",
    "leak_any",
    "invented_number",
}
ORDER = [
    "replied",
    "correct",
    "lie_drafted",
    "lie_reached",
    "truthful_blocked",
    "invented_number",
    "handoff_promise_unkept",
    "declined_handed_over",
    "wrong_language",
    "quotes_nonanswer",
    "leak_any",
    "leak_furniture",
    "leak_table_row",
    "leak_heading",
    "first_reply_greeting",
    "flow_greeting",
    "flow_booking_stage",
    "flow_booking_link",
    "flow_handoff_status",
    "flow_opt_out_status",
    "flow_complaint",
    "flow_offer_list",
    "flow_injection_score",
]


def aggregate(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for metric in ORDER:
        values = [row["metrics"].get(metric) for row in rows]
        applicable = [v for v in values if v is not None]
        if not applicable:
            continue
        hits = sum(1 for v in applicable if v)
        out[metric] = {"count": hits, "of": len(applicable), "pct": round(100 * hits / len(applicable), 1)}
    return out


# One mode ---------------------------------------------------------------------------------------------------


async def run_mode(
    mode: str, repo: Path, businesses: list[Business], seed: int, concurrency: int, judge: LanguageJudge
) -> dict[str, Any]:
    random.seed(stable(seed, mode))
    runners: list[web.AppRunner] = []
    graph = FakeGraph()
    model = FakeModel(businesses, seed)
    graph_url = await serve(graph.app(), runners)
    groq_url = await serve(model.app(), runners) if mode == "model" else None
    setup: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"quality-{mode}-") as tmp:
        log_path = Path(tmp) / "platform.log"
        process, base = await start_platform(repo, platform_env(Path(tmp) / "data", graph_url, groq_url), log_path)
        try:
            timeout = aiohttp.ClientTimeout(total=60)
            connector = aiohttp.TCPConnector(limit=64)
            async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
                tenants = {}
                for business in businesses:
                    tenant = await seed_tenant_safe(session, base, business, setup)
                    if tenant:
                        tenants[business.key] = tenant
                gate = asyncio.Semaphore(concurrency)

                async def one(business: Business, case: dict[str, Any]) -> None:
                    tenant = tenants.get(business.key)
                    async with gate:
                        if tenant is None:
                            run = Run(replies=[None])
                            control = None
                        else:
                            texts = [*case.get("turns", []), case["text"]]
                            try:
                                run = await converse(session, base, graph, tenant, case["platform"], case["lang"], texts)
                            except (aiohttp.ClientError, TimeoutError):
                                setup["case_errors"] += 1
                                run = Run(replies=[None])
                            control = None
                            if case.get("kind") == "injection":
                                control_text = case.get("control_text") or re.split(r"(?<=[.!?])\s+|\n", case["text"])[0]
                                try:
                                    control = await converse(
                                        session,
                                        base,
                                        graph,
                                        tenant,
                                        case["platform"],
                                        case["lang"],
                                        [*case.get("turns", []), control_text],
                                    )
                                except (aiohttp.ClientError, TimeoutError):
                                    control = None
                    drafts = model.case_drafts.get(case["id"] + "@" + business.key, []) if mode == "model" else None
                    metrics = score_case(mode, business, case, run, control, drafts, judge)
                    rows.append(
                        {
                            "business": business.key,
                            "id": case["id"],
                            "kind": case.get("kind", "doc"),
                            "lang": case["lang"],
                            "lang_group": "six" if case["lang"] in SIX else "other",
                            "format": business.source_format(case),
                            "platform": case["platform"],
                            "metrics": metrics,
                            "replies": run.replies,
                            "status": run.status,
                            "score": run.score,
                            "stage": run.stage,
                            "control_score": control.score if control else None,
                            "drafts": drafts,
                        }
                    )

                await asyncio.gather(*(one(b, c) for b in businesses for c in b.cases))
        finally:
            stop_platform(process)
            for runner in runners:
                await runner.cleanup()
    elapsed = time.perf_counter() - started
    result: dict[str, Any] = {
        "cases": len(rows),
        "seconds": round(elapsed, 1),
        "setup": dict(setup),
        "overall": aggregate(rows),
        "by_kind": {k: aggregate([r for r in rows if r["kind"] == k]) for k in sorted({r["kind"] for r in rows})},
        "by_lang_group": {g: aggregate([r for r in rows if r["lang_group"] == g]) for g in ("six", "other")},
        "by_format": {f: aggregate([r for r in rows if r["format"] == f]) for f in sorted({r["format"] for r in rows})},
        "case_counts": {
            "by_kind": dict(Counter(r["kind"] for r in rows)),
            "by_lang_group": dict(Counter(r["lang_group"] for r in rows)),
            "by_format": dict(Counter(r["format"] for r in rows)),
        },
    }
    if mode == "model":
        result["fake_model"] = dict(model.stats)
    result["_rows"] = rows
    return result


async def seed_tenant_safe(session: aiohttp.ClientSession, base: str, business: Business, setup: Counter[str]) -> Tenant | None:
    try:
        return await seed(session, base, business, setup)
    except (aiohttp.ClientError, TimeoutError, KeyError, ValueError):
        setup["seed_errors"] += 1
        return None


# Output -----------------------------------------------------------------------------------------------------

MAIN = [
    "correct",
    "lie_reached",
    "truthful_blocked",
    "wrong_language",
    "handoff_promise_unkept",
    "declined_handed_over",
    "quotes_nonanswer",
    "leak_any",
]


def cell(entry: dict[str, Any] | None) -> str:
    return f"{entry['count']}/{entry['of']} {entry['pct']:.0f}%" if entry else "-"


def print_mode(mode: str, result: dict[str, Any]) -> None:
    print(f"\n== {mode}: {result['cases']} cases in {result['seconds']} s")
    print("setup: " + ", ".join(f"{k} {v}" for k, v in sorted(result["setup"].items())))
    if "fake_model" in result:
        print("fake model: " + ", ".join(f"{k} {v}" for k, v in sorted(result["fake_model"].items())))
    print(f"{'metric':28} {'overall':>16}  (lower is better for: {', '.join(sorted(m for m in BAD if m in result['overall']))})")
    for metric, entry in result["overall"].items():
        print(f"{metric:28} {cell(entry):>16}")
    columns = [m for m in MAIN if m in result["overall"]]
    for title, key in (("by kind", "by_kind"), ("by customer language", "by_lang_group"), ("by answering source", "by_format")):
        print(f"\n{title:20}" + "".join(f"{c[:16]:>18}" for c in columns))
        for group, entries in result[key].items():
            n = result["case_counts"][key].get(group, 0)
            print(f"{group[:14] + f' ({n})':20}" + "".join(f"{cell(entries.get(c)):>18}" for c in columns))


QUICK_BUSINESSES = 2
TARGETS = {  # (mode, metric): (target in words, met) from the pct of the aggregate
    ("offline", "correct"): (">= 60%", lambda pct: pct >= 60),
    ("offline", "quotes_nonanswer"): ("<= 2%", lambda pct: pct <= 2),
    ("model", "correct"): (">= 90%", lambda pct: pct >= 90),
    ("model", "lie_reached"): ("0", lambda pct: pct == 0),
    ("model", "truthful_blocked"): ("<= 3%", lambda pct: pct <= 3),
}


async def rows(quick: bool) -> list[Row]:
    """Aggregates only, as `main` prints them. Quick: offline mode on the first businesses of the set; the full run:
    every business, offline and through the lying model."""
    from _harness import CODE, Row

    businesses = load_set(SET_DIR)
    if quick:
        businesses = businesses[:QUICK_BUSINESSES]
    judge = LanguageJudge({c["lang"] for b in businesses for c in b.cases})
    results = {
        mode: await run_mode(mode, CODE, businesses, 1, 12, judge) for mode in (["offline"] if quick else ["offline", "model"])
    }
    scope = f"{len(businesses)} of the set's businesses, offline only" if quick else f"{len(businesses)} businesses"
    found: list[Row] = []
    for (mode, metric), (target, meets) in TARGETS.items():
        entry = results[mode]["overall"].get(metric) if mode in results else None
        if entry is None:
            continue
        baseline = results["offline"]["overall"].get(metric) if mode == "model" else None
        label = f"{metric.replace('_', ' ')}, {mode}"
        figure = f"blind set ({scope}, {results[mode]['cases']} conversations): {label}" if not found else f"… {label}"
        found.append(
            Row(
                f"{figure} ({entry['count']} of {entry['of']})",
                entry["pct"],
                "%",
                baseline["pct"] if baseline else None,
                "offline, same run" if baseline else "",
                target,
                meets(entry["pct"]),
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=HERE.parent, help="checkout whose `python -m bot serve` runs")
    parser.add_argument("--mode", choices=("offline", "model", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="write the aggregates here")
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--set", type=Path, default=SET_DIR, help=argparse.SUPPRESS)
    parser.add_argument(
        "--debug-dir", type=Path, default=None, help="write each case's replies and scores here (the set's maintainers only)"
    )
    args = parser.parse_args()
    businesses = load_set(args.set)
    cases = [c for b in businesses for c in b.cases]
    languages = sorted({c["lang"] for c in cases})
    summary = {
        "businesses": len(businesses),
        "cases": len(cases),
        "languages": len(languages),
        "languages_outside_six": len([lang for lang in languages if lang not in SIX]),
        "currencies": len({c["product"].get("currency") for b in businesses for c in b.data.get("campaigns", [])}),
        "documents": dict(Counter(Path(d).suffix.lstrip(".") for b in businesses for d in b.data.get("documents", []))),
        "unlocated_sources": sum(1 for b in businesses for c in b.cases if b.source_format(c) == "unlocated"),
    }
    print(
        f"set: {summary['businesses']} businesses, {summary['cases']} cases, {summary['languages']} customer languages "
        f"({summary['languages_outside_six']} outside en/es/pt/fr/de/it), {summary['currencies']} currencies, documents {summary['documents']}"
    )
    judge = LanguageJudge(set(languages))
    modes = ["offline", "model"] if args.mode == "both" else [args.mode]
    report: dict[str, Any] = {"set": summary, "repo": str(args.repo.resolve()), "seed": args.seed, "modes": {}}
    for mode in modes:
        result = asyncio.run(run_mode(mode, args.repo.resolve(), businesses, args.seed, args.concurrency, judge))
        rows = result.pop("_rows")
        report["modes"][mode] = result
        print_mode(mode, result)
        if args.debug_dir:
            args.debug_dir.mkdir(parents=True, exist_ok=True)
            with (args.debug_dir / f"{mode}-cases.jsonl").open("w", encoding="utf-8") as out:
                for row in sorted(rows, key=lambda r: (r["business"], r["id"])):
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
