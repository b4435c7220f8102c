"""Questions about what is for sale: a product the business does not sell, or sells only on another channel."""

from __future__ import annotations

import re

from bot.pipeline.text import content_words, fold, words
from bot.pipeline.turn_view import INSTRUCTION_LIKE
from bot.pipeline.types import TurnContext
from knowledge.concepts import concepts_in
from knowledge.models import Campaign

_ASKED_ITEM = (
    re.compile(r"\bdo (?:you|u|y'all)(?: guys)? (?:also )?(?:sell|have|offer|carry|make|stock|do) (.+)$"),
    re.compile(r"\b(?:are|r) (?:you|u) selling (.+)$"),
    re.compile(r"\b(?:i'?m|i am) looking for (.+)$"),
    re.compile(r"\b(?:venden|tienen|ofrecen|manejan) (?:tambien )?(.+)$"),
    re.compile(r"\b(?:vendem|tem|oferecem|trabalham com) (?:tambem )?(.+)$"),
    re.compile(r"\bvous (?:vendez|avez|proposez|faites) (?:aussi )?(.+)$"),
    re.compile(r"\b(?:verkaufen|haben|fuhren|bieten) sie (?:auch )?(.+)$"),
    re.compile(r"\b(?:habt|verkauft|fuhrt) ihr (?:auch )?(.+)$"),
    re.compile(r"\b(?:vendete|avete|offrite) (?:anche )?(.+)$"),
)
_LEADING_ARTICLES = re.compile(
    r"^(?:(?:any|some|a|an|the|your|unos|unas|algun|alguna|algunos|algunas|el|la|los|las|un|una|uns|umas|algum|"
    r"alguma|o|a|os|as|des|du|de la|de l'|de|le|la|les|un|une|einen|eine|ein|den|die|das|auch|also|tambien|"
    r"tambem|aussi|anche|dei|delle|degli|il|lo|gli)\s+)+"
)
_TRAILING = re.compile(r"\s+(?:here|too|also|as well|there|tambien|tambem|aussi|auch|aqui|ici|hier|anche|qui)$")
_GENERIC_ITEMS = frozenset(
    [
        "it",
        "this",
        "that",
        "them",
        "these",
        "those",
        "one",
        "ones",
        "anything",
        "something",
        "everything",
        "stuff",
        "products",
        "product",
        "items",
        "thing",
        "things",
        "discount",
        "discounts",
        "offer",
        "offers",
        "deal",
        "deals",
        "promotion",
        "promotions",
        "coupon",
        "coupons",
        "sale",
        "sales",
        "price",
        "prices",
        "time",
        "question",
        "questions",
        "info",
        "information",
        "details",
        "more",
        "other",
        "options",
        "option",
        "plans",
        "plan",
        "eso",
        "esto",
        "algo",
        "productos",
        "producto",
        "descuento",
        "descuentos",
        "ofertas",
        "oferta",
        "precio",
        "informacion",
        "isso",
        "isto",
        "algo",
        "produtos",
        "produto",
        "desconto",
        "descontos",
        "ofertas",
        "oferta",
        "preco",
        "informacao",
        "ca",
        "cela",
        "quelque",
        "chose",
        "produits",
        "produit",
        "reduction",
        "reductions",
        "offres",
        "offre",
        "prix",
        "das",
        "es",
        "etwas",
        "produkte",
        "produkt",
        "rabatt",
        "rabatte",
        "angebot",
        "angebote",
        "preis",
        "offen",
        "geoffnet",
        "questo",
        "qualcosa",
        "prodotti",
        "prodotto",
        "sconto",
        "sconti",
        "offerte",
        "offerta",
        "prezzo",
    ]
)
# Nouns that name a kind of service rather than a thing: what they are about decides whether it is sold.
_SERVICE_NOUNS = frozenset(
    [
        "class",
        "classes",
        "lesson",
        "lessons",
        "course",
        "courses",
        "session",
        "sessions",
        "coaching",
        "training",
        "help",
        "service",
        "services",
        "clase",
        "clases",
        "curso",
        "cursos",
        "sesion",
        "sesiones",
        "aula",
        "aulas",
        "cours",
        "seance",
        "seances",
        "kurs",
        "kurse",
        "stunde",
        "stunden",
        "unterricht",
        "lezione",
        "lezioni",
        "corso",
        "corsi",
    ]
)
ASKS_CATALOG = re.compile(
    r"\bwhat (?:do|else do|can) you (?:sell|offer|have)|\bwhat (?:products|do you do)|\bwhat'?s (?:on offer|for sale)|"
    r"\bwh?at (?:do )?(?:u|you|y'all) (?:guys )?(?:got|have|sell|offer)\b|"
    r"\bque (?:venden|ofrecen|tienen|productos)|\bo que (?:voces )?(?:vendem|oferecem|tem)|"
    r"\bqu'est-ce que vous (?:vendez|proposez)|\bque vendez-vous|\bwas (?:verkaufen|bieten|habt|haben) (?:sie|ihr)|"
    r"\bcosa (?:vendete|offrite|avete)"
)


def asked_item(folded: str) -> str | None:
    """The thing a "do you sell X?" question asks for, folded; None when the message asks no such thing."""
    for line in folded.splitlines():
        line = line.strip().rstrip("?!. ")
        for pattern in _ASKED_ITEM:
            match = pattern.search(line)
            if match:
                item = re.split(r"[?!.,;]", match.group(1))[0].strip()
                item = _TRAILING.sub("", _LEADING_ARTICLES.sub("", item)).strip()
                if item and item.split()[0] not in _GENERIC_ITEMS and len(item.split()) <= 5:
                    return item
    return None


def as_written(folded_item: str, text: str) -> str:
    """The customer's own spelling of a folded phrase ("fahrrader" → "Fahrräder")."""
    wanted = folded_item.split()
    tokens = re.findall(r"[\w'’-]+", text)
    folded_tokens = [fold(token) for token in tokens]
    for start in range(len(tokens) - len(wanted) + 1):
        if folded_tokens[start : start + len(wanted)] == wanted:
            return " ".join(tokens[start : start + len(wanted)])
    return folded_item


def catalog_words(ctx: TurnContext, campaigns: list[Campaign]) -> set[str]:
    """Every meaningful word the visible catalog and the profile use: what the business does cover."""
    found: set[str] = set()
    for campaign in campaigns:
        product = campaign.product
        for text in (campaign.name, product.name, product.description, *product.features, campaign.target_audience):
            found |= content_words(text)
    if ctx.profile:
        found |= content_words(f"{ctx.profile.industry} {ctx.profile.description}")
    return found


def hidden_product(ctx: TurnContext, campaigns: list[Campaign], text: str) -> str | None:
    """The name of a product of this business, not offered here, that the customer asked about."""
    visible_names = {fold(c.product.name) for c in campaigns} | {fold(c.name) for c in campaigns}
    said = content_words(text)
    for name in ctx.facts.all_product_names:
        name_words = content_words(name)
        if fold(name) in visible_names or not name_words:
            continue
        if name_words <= said or (
            len(name_words) > 1
            and len(name_words & said) >= len(name_words) - 1
            and any(len(word) >= 6 for word in name_words & said)
        ):
            return name
    return None


def unsold_item(ctx: TurnContext, campaigns: list[Campaign], text: str) -> tuple[str, bool] | None:
    """("laptops", may echo) when the customer asks for something nothing in the catalog is about; None when
    the catalog covers it ("English classes for adults" when a coaching pack teaches English) or nothing was asked."""
    folded = fold(text)
    item = asked_item(folded)
    if item is None:
        return None
    head_phrase = re.split(r"\s(?:in|for|with|of|en|para|con|com|de|pour|avec|mit|fur|aus|per|da)\s", item)[0]
    head_words = [word for word in words(head_phrase) if content_words(word)]
    if not head_words or concepts_in(item):
        return None
    covered = catalog_words(ctx, campaigns)
    head = content_words(head_words[-1])
    modifiers = set().union(*(content_words(word) for word in head_words[:-1])) if len(head_words) > 1 else set()
    # "yoga blocks" asks for blocks; "English classes" asks for what a coaching pack that teaches English gives.
    if head <= covered or (head_words[-1] in _SERVICE_NOUNS and modifiers and modifiers <= covered):
        return None
    hidden = {fold(name) for name in ctx.facts.all_product_names} - {fold(c.product.name) for c in campaigns}
    said = as_written(item, text)
    echo = (
        len(said) <= 40
        and re.fullmatch(r"[\w' -]+", said) is not None
        and not any(name and name in item for name in hidden)
        and not INSTRUCTION_LIKE.search(item)
    )
    return said, echo
