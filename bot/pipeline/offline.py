"""The offline responder: short, grounded replies built only from the tenant's catalog and documents.

It answers when there is no model key, when the model fails, and whenever a model reply breaks the
guard. It never repeats instructions found in customer text or documents, and it only ever states
prices exactly as stored for campaigns visible on this platform.
"""

from __future__ import annotations

import re

from bot.pipeline.classify import best_campaign_by_name
from bot.pipeline.formatting import offer_list, product_price
from bot.pipeline.lead_scoring import capture_lead_fields
from bot.pipeline.phrases import phrase
from bot.pipeline.text import content_words, detect_language, fold, sentences, stem, words
from bot.pipeline.types import Classification, Intent, Reply, TurnContext
from knowledge.models import Campaign, Passage

# Topics customers ask about that documents (not the catalog) answer, with their words in five languages.
DOCUMENT_TOPICS: dict[str, frozenset[str]] = {
    "shipping": frozenset(
        "ship shipping shipped deliver delivery delivered courier envio envios enviar entrega entregas frete "
        "livraison livrer expedition versand lieferung liefern zustellung".split()
    ),
    "returns": frozenset(
        "return returns refund refunds exchange devolucion devoluciones reembolso cambio devolucao troca trocas "
        "retour retours rembourse remboursement echange ruckgabe erstattung umtausch zuruckgeben".split()
    ),
    "hours": frozenset(
        "hours open opening close closing horario horarios abierto abren aberto abrem horaire horaires ouvert "
        "ouverture offnungszeiten geoffnet".split()
    ),
    "payment": frozenset(
        "payment payments pay card cards paypal installments pago pagos tarjeta cuotas pagamento cartao parcelas pix "
        "paiement carte zahlung karte raten bezahlen".split()
    ),
    "warranty": frozenset("warranty guarantee garantia garantie gewahrleistung".split()),
    "location": frozenset(
        "address location located store shop direccion ubicacion tienda endereco loja adresse magasin adresse "
        "laden standort".split()
    ),
    "contact": frozenset("email phone call contacto telefono contato telefone contact telephone kontakt telefon".split()),
}

# Sentences in stored text that read as orders to an assistant are never repeated to a customer.
_INSTRUCTION_LIKE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instruction|prompt|rule|previous|above|system)|"
    r"\bsystem\s*:|\byou are now\b|\b(?:reveal|print|show|repeat)\b.{0,30}\b(?:prompt|instruction)|"
    r"\bassistant\s*:|\bnew instructions?\b|\bact as\b",
    re.IGNORECASE,
)

_ASKED_ITEM = (
    re.compile(r"\bdo (?:you|u|y'all)(?: guys)? (?:also )?(?:sell|have|offer|carry|make|stock|do) (.+)$"),
    re.compile(r"\b(?:are|r) (?:you|u) selling (.+)$"),
    re.compile(r"\b(?:i'?m|i am) looking for (.+)$"),
    re.compile(r"\b(?:venden|tienen|ofrecen|manejan) (?:tambien )?(.+)$"),
    re.compile(r"\b(?:vendem|tem|oferecem|trabalham com) (?:tambem )?(.+)$"),
    re.compile(r"\bvous (?:vendez|avez|proposez|faites) (?:aussi )?(.+)$"),
    re.compile(r"\b(?:verkaufen|haben|fuhren|bieten) sie (?:auch )?(.+)$"),
)
_LEADING_ARTICLES = re.compile(
    r"^(?:(?:any|some|a|an|the|your|unos|unas|algun|alguna|algunos|algunas|el|la|los|las|un|una|uns|umas|algum|alguma|"
    r"o|a|os|as|des|du|de la|de l'|de|le|la|les|un|une|einen|eine|ein|den|die|das|auch|also|tambien|tambem|aussi)\s+)+"
)
_TRAILING = re.compile(r"\s+(?:here|too|also|as well|there|tambien|tambem|aussi|auch|aqui|ici|hier)$")
_GENERIC_ITEMS = frozenset(
    """
    it this that them these those one ones anything something everything stuff products product items thing things
    discount discounts offer offers deal deals promotion promotions coupon coupons sale sales price prices
    time question questions info information details more other options option plans plan
    eso esto algo productos producto descuento descuentos ofertas oferta precio informacion
    isso isto algo produtos produto desconto descontos ofertas oferta preco informacao
    ca cela quelque chose produits produit reduction reductions offres offre prix
    das es etwas produkte produkt rabatt rabatte angebot angebote preis
    """.split()
)
_ASKS_CATALOG = re.compile(
    r"\bwhat (?:do|else do|can) you (?:sell|offer|have)|\bwhat (?:products|do you do)|\bwhat'?s (?:on offer|for sale)|"
    r"\bque (?:venden|ofrecen|tienen|productos)|\bo que (?:voces )?(?:vendem|oferecem|tem)|"
    r"\bqu'est-ce que vous (?:vendez|proposez)|\bque vendez-vous|\bwas (?:verkaufen|bieten|haben) sie"
)
# Words that point at the product under discussion: "does it...", "is this...", "what sizes...".
_ABOUT_PRODUCT = re.compile(
    r"\b(?:it|its|this|that|these|those|they|them|one|product|item|feature\w*|include\w*|size\w*|colou?r\w*|"
    r"material\w*|quality|work|works|use|durable|weight|thick\w*|dimension\w*|model|version|stock|available|"
    r"lo|eso|esto|este|esta|producto|incluye|talla\w*|tamano\w*|funciona|sirve|calidad|"
    r"isso|isto|ele|ela|produto|inclui|tamanho\w*|qualidade|"
    r"ca|cela|il|elle|produit|inclus|taille\w*|qualite|marche|"
    r"das|dies\w*|produkt|enthalt|grosse\w*|qualitat|funktioniert)\b"
)
_THANKS = re.compile(r"\b(?:thanks?|thank you|gracias|obrigad[oa]|merci|danke)\b")
_SAFE_NAME = re.compile(r"^[^\W\d_][\w'’.-]{0,29}$")


def offline_reply(ctx: TurnContext, classification: Classification) -> Reply:
    """A grounded reply for the turn's intent, with no model."""
    responder = _Responder(ctx)
    return responder.reply(classification)


def safe_reply(ctx: TurnContext) -> Reply:
    """The last resort when even the offline reply breaks the guard: product names, no amounts."""
    lang = language_of(ctx)
    campaigns = visible_campaigns(ctx)
    if campaigns:
        offer = offer_list(campaigns, phrase("and", lang), with_prices=False)
        text = f"{phrase('we_offer', lang, offer=offer)} {phrase('which_one', lang)}"
    else:
        text = phrase("steer_business", lang, business=_business_name(ctx, lang))
    return Reply(text=text, source="offline", facts_used=[f"product:{c.product.name}" for c in campaigns])


def language_of(ctx: TurnContext) -> str:
    """The customer's language: their latest burst, else their earlier messages, else English."""
    text = ctx.turn_text
    earlier = " ".join(item.text for item in ctx.history[-6:] if item.sender == "customer")
    fallback = detect_language(earlier) if earlier else "en"
    return detect_language(text, default=fallback) if text else fallback


def visible_campaigns(ctx: TurnContext) -> list[Campaign]:
    """Campaigns this conversation may offer: given as visible, and active for this platform."""
    return [c for c in ctx.campaigns if c.visible_on(ctx.platform)]


def usable_passages(ctx: TurnContext) -> list[Passage]:
    """Passages from the profile, documents, or a campaign visible here (never another platform's campaign)."""
    visible_ids = {c.id for c in visible_campaigns(ctx)}
    kept = []
    for passage in ctx.passages:
        if passage.source.startswith("campaign:") and passage.source.split(":", 1)[1] not in visible_ids:
            continue
        kept.append(passage)
    return kept


def clean_sentences(text: str) -> list[str]:
    """A stored text's sentences, minus headings and anything that reads as an instruction to the assistant."""
    kept = []
    for line in text.splitlines():
        line = line.strip().lstrip("#>*-• ").strip()
        if not line:
            continue
        for sentence in sentences(line):
            if not _INSTRUCTION_LIKE.search(sentence):
                kept.append(sentence)
    return kept


def document_topics(text: str) -> set[str]:
    said = set(words(text)) | content_words(text)
    return {topic for topic, vocabulary in DOCUMENT_TOPICS.items() if said & vocabulary}


def _business_name(ctx: TurnContext, lang: str) -> str:
    return ctx.profile.name if ctx.profile and ctx.profile.name else phrase("our_business", lang)


class _Responder:
    def __init__(self, ctx: TurnContext) -> None:
        self.ctx = ctx
        self.text = ctx.turn_text
        self.folded = fold(self.text)
        self.lang = language_of(ctx)
        self.campaigns = visible_campaigns(ctx)
        self.campaign = self._campaign_in_focus()

    def _campaign_in_focus(self) -> Campaign | None:
        named = best_campaign_by_name(self.text, self.campaigns)
        if named is not None:
            return named
        if self.ctx.campaign is not None and any(c.id == self.ctx.campaign.id for c in self.campaigns):
            return next(c for c in self.campaigns if c.id == self.ctx.campaign.id)
        if len(self.campaigns) == 1:
            return self.campaigns[0]
        return None

    def reply(self, classification: Classification) -> Reply:
        intent = classification.intent
        if intent == Intent.opt_out:
            return Reply(text=phrase("opt_out", self.lang), source="offline", opted_out=True)
        if intent == Intent.opt_in:
            return Reply(text=phrase("opt_in", self.lang), source="offline", opted_in=True)
        if intent == Intent.human_request:
            return Reply(text=phrase("handoff", self.lang), source="offline", handoff=True)
        if intent == Intent.greeting:
            return self._greeting()
        if intent == Intent.buying_signal:
            return self._closing()
        if intent == Intent.objection:
            return self._objection()
        if intent in (Intent.price_question, Intent.product_question):
            return self._question(intent)
        details = capture_lead_fields(self.text)
        if intent in (Intent.small_talk, Intent.off_topic) and details.model_dump(exclude_none=True):
            return self._noted(details.name or "")
        if intent == Intent.small_talk:
            return self._small_talk()
        return self._steer()

    # Pieces -------------------------------------------------------------------------------------

    def _offer(self) -> str:
        return offer_list(self.campaigns, phrase("and", self.lang))

    def _hello(self) -> str:
        first = self.ctx.customer_name.split()[0] if self.ctx.customer_name.split() else ""
        return phrase("hello", self.lang, name=f" {first}" if _SAFE_NAME.match(first) else "")

    def _product_facts(self, campaign: Campaign, *, with_features: bool = True) -> tuple[list[str], list[str]]:
        product = campaign.product
        parts = [phrase("costs", self.lang, product=product.name, price=product_price(product))]
        used = [f"product:{product.name}", f"price:{product_price(product)}"]
        if with_features and product.features:
            parts.append(phrase("features", self.lang, features=", ".join(product.features[:4])))
            used.append("features")
        elif with_features and product.description:
            description = clean_sentences(product.description)
            if description:
                parts.append(description[0])
                used.append("description")
        if product.cta_url:
            parts.append(phrase("cta", self.lang, url=product.cta_url))
            used.append("cta")
        return parts, used

    def _with_question(self, reply: Reply, campaign: Campaign | None) -> Reply:
        """Append the campaign's next qualification question, in the owner's order."""
        campaign = campaign or self.campaign
        if campaign is None:
            return reply
        questions = campaign.chat_flow.qualification_questions
        index = self.ctx.lead.questions_asked
        if index >= len(questions) or not questions[index].strip():
            return reply
        if detect_language(questions[index], default=self.lang) != self.lang:
            # The owner wrote the question in another language: keep the reply in one language.
            return reply
        return reply.model_copy(
            update={"text": f"{reply.text} {questions[index].strip()}", "asked_question": True,
                    "facts_used": [*reply.facts_used, f"question:{index + 1}"]}
        )

    # Intents ------------------------------------------------------------------------------------

    def _greeting(self) -> Reply:
        campaign = self.campaign
        greeting = campaign.chat_flow.greeting.strip() if campaign is not None else ""
        if campaign is not None and greeting and detect_language(greeting, default=self.lang) == self.lang:
            return Reply(
                text=campaign.chat_flow.greeting.strip(), source="offline",
                facts_used=["greeting"], product_name=campaign.product.name,
            )
        parts = [self._hello()]
        if self.ctx.profile and self.ctx.profile.name:
            parts.append(phrase("welcome", self.lang, business=self.ctx.profile.name))
        if self.campaigns:
            parts.append(phrase("we_offer", self.lang, offer=self._offer()))
        parts.append(phrase("how_help", self.lang))
        return Reply(text=" ".join(parts), source="offline", facts_used=["profile"])

    def _question(self, intent: Intent) -> Reply:
        topics = document_topics(self.text)
        named = best_campaign_by_name(self.text, self.campaigns)
        if topics or named is None:
            answer = self._from_passages(topics)
            if answer is not None and named is not None:
                # "How much is the mat with shipping?": the product's price, then what the documents say.
                price = phrase("costs", self.lang, product=named.product.name, price=product_price(named.product))
                return answer.model_copy(update={
                    "text": f"{price} {answer.text}", "product_name": named.product.name,
                    "facts_used": [f"product:{named.product.name}", *answer.facts_used],
                })
            if answer is not None:
                return self._with_question(answer, self.campaign)
        unknown = self._hidden_item() if named is None else None
        unknown = unknown or self._unknown_item()
        if unknown is not None:
            return unknown
        if named is None:
            asks_catalog = bool(_ASKS_CATALOG.search(self.folded))
            if asks_catalog and len(self.campaigns) > 1:
                return self._offers()
            if not asks_catalog and intent == Intent.product_question and not _ABOUT_PRODUCT.search(self.folded):
                # A question about neither the products nor anything the documents answer: steer back.
                return self._steer()
        campaign = named or self.campaign
        if campaign is None:
            if self.campaigns:
                return self._offers()
            return Reply(text=phrase("check_team", self.lang), source="offline")
        parts, used = self._product_facts(campaign, with_features=intent == Intent.product_question or not topics)
        # The link goes along with a price, but only a closing (a wish to buy) counts as a proposal.
        reply = Reply(text=" ".join(parts), source="offline", facts_used=used, product_name=campaign.product.name)
        return self._with_question(reply, campaign)

    def _offers(self) -> Reply:
        text = f"{phrase('we_offer', self.lang, offer=self._offer())} {phrase('which_one', self.lang)}"
        return Reply(text=text, source="offline", facts_used=[f"product:{c.product.name}" for c in self.campaigns])

    def _from_passages(self, topics: set[str]) -> Reply | None:
        asked = content_words(self.text)
        topic_words = set().union(*(DOCUMENT_TOPICS[t] for t in topics)) if topics else set()
        best: tuple[float, Passage, list[str]] | None = None
        for passage in usable_passages(self.ctx):
            all_sentences = clean_sentences(passage.text)
            score = 0.0
            first_hit = -1
            for index, sentence in enumerate(all_sentences):
                sentence_words = set(words(sentence)) | content_words(sentence)
                hits = len(asked & sentence_words) + 2 * len(topic_words & sentence_words)
                if hits:
                    score += hits
                    first_hit = index if first_hit < 0 else first_hit
            if first_hit < 0:
                continue
            # From the first sentence that answers, on; a heading ("Shipping policy.") says nothing by itself.
            chosen = [s for s in all_sentences[first_hit:] if len(s.split()) > 3] or all_sentences[first_hit:]
            score += min(passage.score, 10.0) * 0.1
            if best is None or score > best[0]:
                best = (score, passage, chosen)
        # Without a topic word, one shared word is too weak a reason to quote a document.
        if best is None or (not topics and best[0] < 2):
            return None
        _, passage, chosen = best
        text = _trim(chosen, 320)
        return Reply(text=text, source="offline", facts_used=[f"passage:{passage.source}"])

    def _unknown_item(self) -> Reply | None:
        """'Do you sell laptops?' when no product is anything like a laptop: say so, and offer what is sold."""
        item = _asked_item(self.folded)
        if item is None:
            return None
        # The thing asked for is the head of its first phrase: "yoga mats in blue" asks for mats.
        head_phrase = re.split(r"\s(?:in|for|with|of|en|para|con|com|de|pour|avec|mit|fur|aus)\s", item)[0]
        head_words = [word for word in words(head_phrase) if stem(word) in content_words(word)]
        if not head_words or document_topics(item):
            return None
        if stem(head_words[-1]) in _catalog_words(self.ctx, self.campaigns):
            return None
        hidden = {fold(name) for name in self.ctx.facts.all_product_names} - {fold(c.product.name) for c in self.campaigns}
        said = _as_written(item, self.text)
        echo = (
            len(said) <= 40 and re.fullmatch(r"[\w' -]+", said) is not None
            and not any(name and name in item for name in hidden) and not _INSTRUCTION_LIKE.search(item)
        )
        first = phrase("not_sold_item", self.lang, item=said) if echo else phrase("not_sold", self.lang)
        if self.campaigns:
            text = f"{first} {phrase('we_offer', self.lang, offer=self._offer())}"
        else:
            text = f"{first} {phrase('steer_business', self.lang, business=_business_name(self.ctx, self.lang))}"
        return Reply(text=text, source="offline", facts_used=["not_in_catalog"])

    def _hidden_item(self) -> Reply | None:
        """A product of this business that is not offered here: say it is not available, without naming it."""
        visible_names = {fold(c.product.name) for c in self.campaigns}
        said = content_words(self.text)
        for name in self.ctx.facts.all_product_names:
            name_words = content_words(name)
            if fold(name) in visible_names or not name_words or not name_words <= said:
                continue
            first = phrase("not_available", self.lang)
            if self.campaigns:
                return Reply(text=f"{first} {phrase('we_offer', self.lang, offer=self._offer())}", source="offline",
                             facts_used=["not_offered_here"])
            return Reply(text=first, source="offline", facts_used=["not_offered_here"])
        return None

    def _objection(self) -> Reply:
        campaign = self.campaign
        if campaign is not None:
            key, answer = _best_objection(self.text, campaign.chat_flow.objection_handling)
            if answer:
                return Reply(text=answer, source="offline", facts_used=[f"objection:{key}"], product_name=campaign.product.name)
            product = campaign.product
            if product.features:
                text = " ".join([
                    phrase("understand", self.lang),
                    phrase("value", self.lang, price=product_price(product), product=product.name,
                           features=", ".join(product.features[:4])),
                    phrase("decide", self.lang),
                ])
                return Reply(text=text, source="offline", facts_used=[f"product:{product.name}", "features"],
                             product_name=product.name)
        return Reply(text=f"{phrase('understand', self.lang)} {phrase('decide', self.lang)}", source="offline")

    def _closing(self) -> Reply:
        campaign = self.campaign
        if campaign is None:
            if self.campaigns:
                text = f"{phrase('great_choice', self.lang)} {phrase('we_offer', self.lang, offer=self._offer())} {phrase('which_one', self.lang)}"
                return Reply(text=text, source="offline", facts_used=[f"product:{c.product.name}" for c in self.campaigns])
            return Reply(text=f"{phrase('great_choice', self.lang)} {phrase('complete_order', self.lang)}", source="offline")
        owner_closing = campaign.chat_flow.closing_message.strip()
        if owner_closing and detect_language(owner_closing, default=self.lang) != self.lang:
            owner_closing = ""  # written in another language than the customer's: the stock sentence instead
        closing = owner_closing or phrase("great_choice", self.lang)
        url = campaign.product.cta_url
        used = ["closing" if owner_closing else "great_choice", f"product:{campaign.product.name}"]
        if url and url not in closing:
            text = f"{closing} {phrase('cta', self.lang, url=url)}"
        elif url:
            text = closing
        else:
            text = f"{closing} {phrase('complete_order', self.lang)}"
        return Reply(text=text, source="offline", facts_used=used + (["cta"] if url else []),
                     cta_sent=bool(url), product_name=campaign.product.name)

    def _noted(self, name: str) -> Reply:
        """The customer told us about themselves: thank them, then carry on with the flow."""
        first = name.split()[0] if name.split() else ""
        opener = phrase("noted", self.lang, name=f" {first}" if _SAFE_NAME.match(first) else "")
        asked = self._with_question(Reply(text=opener, source="offline"), self.campaign)
        return asked if asked.asked_question else self._steer(opener)

    def _small_talk(self) -> Reply:
        opener = phrase("thanks_back", self.lang) if _THANKS.search(self.folded) else phrase("happy_help", self.lang)
        reply = Reply(text=opener, source="offline")
        asked = self._with_question(reply, self.campaign)
        if asked.asked_question:
            return asked
        return self._steer(opener)

    def _steer(self, opener: str = "") -> Reply:
        if self.campaign is not None:
            offer = offer_list([self.campaign], phrase("and", self.lang))
        elif self.campaigns:
            offer = self._offer()
        else:
            offer = ""
        text = phrase("steer", self.lang, offer=offer) if offer else phrase(
            "steer_business", self.lang, business=_business_name(self.ctx, self.lang)
        )
        used = [f"product:{c.product.name}" for c in ([self.campaign] if self.campaign else self.campaigns)]
        return Reply(text=f"{opener} {text}".strip(), source="offline", facts_used=used)


def _asked_item(folded: str) -> str | None:
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


def _as_written(folded_item: str, text: str) -> str:
    """The customer's own spelling of a folded phrase ("fahrrader" → "Fahrräder")."""
    wanted = folded_item.split()
    tokens = re.findall(r"[\w'’-]+", text)
    folded_tokens = [fold(token) for token in tokens]
    for start in range(len(tokens) - len(wanted) + 1):
        if folded_tokens[start:start + len(wanted)] == wanted:
            return " ".join(tokens[start:start + len(wanted)])
    return folded_item


def _catalog_words(ctx: TurnContext, campaigns: list[Campaign]) -> set[str]:
    found: set[str] = set()
    for campaign in campaigns:
        product = campaign.product
        for text in (campaign.name, product.name, product.description, *product.features, campaign.target_audience):
            found |= content_words(text)
    if ctx.profile:
        found |= content_words(f"{ctx.profile.industry} {ctx.profile.description}")
    return found


def _best_objection(text: str, handling: dict[str, str]) -> tuple[str, str]:
    """The owner's answer whose objection shares the most words with what the customer said."""
    said = content_words(text) | set(words(text))
    best_key, best_answer, best_hits = "", "", 0
    for key, answer in handling.items():
        key_words = content_words(key) or set(words(key))
        hits = len(said & key_words)
        if hits > best_hits and answer.strip():
            best_key, best_answer, best_hits = key, answer.strip(), hits
    return best_key, best_answer


def _trim(chosen: list[str], limit: int) -> str:
    kept: list[str] = []
    length = 0
    for sentence in chosen:
        if kept and length + len(sentence) > limit:
            break
        kept.append(sentence)
        length += len(sentence) + 1
        if len(kept) == 3:
            break
    text = " ".join(kept)
    return text if len(text) <= limit + 80 else text[: limit].rsplit(" ", 1)[0] + "…"
