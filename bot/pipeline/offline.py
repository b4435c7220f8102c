"""The offline responder: short, grounded replies built only from the tenant's catalog and documents.

It answers when there is no model key, when the model fails, and whenever a model reply cannot be repaired.
It never repeats instructions found in customer text or documents, and it only states prices exactly as
stored for campaigns visible on this platform. Its pieces live beside it: `answers` (sentences from the
documents), `catalog_questions` (what is not sold here), `flow` (the owner's chat flow), `phrases`.
"""

from __future__ import annotations

import logging
import re

from bot.pipeline.answers import DocumentAnswer, best_answer
from bot.pipeline.catalog_questions import ASKS_CATALOG, hidden_product, unsold_item
from bot.pipeline.classify import asks_for_offer, best_campaign_by_name
from bot.pipeline.flow import (
    closing_message,
    greeted,
    greeted_reply,
    greeting_for,
    is_first_reply,
    matching_objection,
    next_question,
    opening,
)
from bot.pipeline.formatting import offer_list, product_price
from bot.pipeline.lead_scoring import capture_lead_fields
from bot.pipeline.phrases import phrase
from bot.pipeline.query import is_follow_up
from bot.pipeline.text import LANGUAGES, content_words, detect_language, fold, stop_words, words
from bot.pipeline.turn_view import (
    campaign_in_focus,
    clean_sentences,
    language_of,
    usable_passages,
    visible_campaigns,
)
from bot.pipeline.types import Classification, Intent, Reply, TurnContext
from knowledge.concepts import concepts_in
from knowledge.language import stem_words
from knowledge.models import Campaign

__all__ = ["language_of", "offline_reply", "safe_reply", "usable_passages", "visible_campaigns"]

log = logging.getLogger(__name__)

_DEAL_CONCEPTS = frozenset({"discount", "student", "team"})
# A message that asks without a question mark: "do u take cash", "kann man hier parken".
_ASKS = re.compile(
    r"^(?:do|does|did|can|could|is|are|was|will|would|should|what|whats|what's|how|when|where|which|who|why|any|"
    r"hay|hacen|tienen|puedo|se puede|aceptan|cuanto|cuando|donde|como|que|cual|"
    r"tem|voces|vcs|posso|pode|da para|aceitam|quanto|quando|onde|qual|"
    r"est-ce|peut-on|puis-je|je peux|vous|avez|acceptez|combien|quand|ou|quel|quelle|"
    r"gibt es|kann|konnen|habt|haben sie|nehmt|wie|wann|wo|was|welche|"
    r"c'e|ci sono|posso|si puo|avete|accettate|quanto|quando|dove|come|quale|quali)\b"
)
# Words that point at the product under discussion: "does it...", "is this...", "what sizes...".
_ABOUT_PRODUCT = re.compile(
    r"\b(?:it|its|this|that|these|those|they|them|one|product|item|feature\w*|include\w*|size\w*|colou?r\w*|"
    r"material\w*|quality|work|works|use|durable|weight|thick\w*|dimension\w*|model|version|stock|available|"
    r"lo|eso|esto|este|esta|producto|incluye|talla\w*|tamano\w*|funciona|sirve|calidad|"
    r"isso|isto|ele|ela|produto|inclui|tamanho\w*|qualidade|"
    r"ca|cela|il|elle|produit|inclus|taille\w*|qualite|marche|"
    r"das|dies\w*|produkt|enthalt|grosse\w*|qualitat|funktioniert|prodotto|include|qualita|funziona)\b"
)
_THANKS = re.compile(r"\b(?:thanks?|thank you|gracias|obrigad[oa]|merci|danke|grazie)\b")
# The question marks of the scripts customers write in (Latin, Arabic, full-width CJK).
_QUESTION_MARKS = ("?", "؟", "？")
_SAFE_NAME = re.compile(r"^[^\W\d_][\w'’.-]{0,29}$")
# Intents whose reply stands alone: no campaign greeting before it.
_STANDALONE = (Intent.opt_out, Intent.opt_in, Intent.greeting)


def offline_reply(ctx: TurnContext, classification: Classification) -> Reply:
    """A grounded reply for the turn's intent, with no model."""
    responder = _Responder(ctx)
    reply = responder.reply(classification)
    # The path the rules took, without the text: how an operator tells a missed question from a declined one.
    log.debug(
        "offline: decided",
        extra={"tenant_id": ctx.tenant_id, "intent": classification.intent.value, "path": ",".join(responder.path)},
    )
    if classification.intent not in _STANDALONE:
        reply = responder.opened(reply)
    return responder.not_repeated(reply)


def safe_reply(ctx: TurnContext) -> Reply:
    """The last resort when even the offline reply breaks the guard: product names, no amounts."""
    lang = language_of(ctx)
    campaigns = visible_campaigns(ctx)
    if campaigns:
        offer = offer_list(ctx, campaigns, phrase("and", lang), lang, with_prices=False)
        text = f"{phrase('we_offer', lang, offer=offer)} {phrase('which_one', lang)}"
    else:
        text = phrase("steer_business", lang, business=_business_name(ctx, lang))
    # A first reply opens with the owner's greeting, this one too.
    return _Responder(ctx).opened(Reply(text=text, source="offline", facts_used=[f"product:{c.product.name}" for c in campaigns]))


def _business_name(ctx: TurnContext, lang: str) -> str:
    return ctx.profile.name if ctx.profile and ctx.profile.name else phrase("our_business", lang)


class _Responder:
    def __init__(self, ctx: TurnContext) -> None:
        self.ctx = ctx
        self.text = ctx.turn_text
        self.folded = fold(self.text)
        self.lang = language_of(ctx)
        self.campaigns = visible_campaigns(ctx)
        self.named = best_campaign_by_name(self.text, self.campaigns)
        self.campaign = self.named or campaign_in_focus(ctx) or (self.campaigns[0] if len(self.campaigns) == 1 else None)
        self.path: list[str] = []

    def reply(self, classification: Classification) -> Reply:
        intent = classification.intent
        fixed = self._by_intent(intent)
        if fixed is not None:
            return fixed
        if intent in (Intent.price_question, Intent.product_question) or ASKS_CATALOG.search(self.folded):
            self.path.append("asked")
            return self._with_question(self._question(intent))
        if intent != Intent.small_talk and concepts_in(self.text) and _ASKS.match(self.folded):
            self.path.append("asks_concept")
            return self._with_question(self._question(Intent.product_question))
        details = capture_lead_fields(self.text)
        if details.model_dump(exclude_none=True):
            self.path.append("details")
            return self._noted(details.name or "", contact=bool(details.email or details.phone))
        if intent == Intent.small_talk:
            self.path.append("small_talk")
            return self._small_talk()
        if "?" in self.text or len(content_words(self.text, self.lang)) >= 2:
            self.path.append("maybe_question")
            return self._maybe_a_question()
        self.path.append("steer")
        return self._steer()

    def _by_intent(self, intent: Intent) -> Reply | None:
        """The reply an intent decides on its own (opting out or in, a person, a greeting, a sale, an objection)."""
        if intent == Intent.opt_out:
            return Reply(text=phrase("opt_out", self.lang), source="offline", opted_out=True)
        if intent == Intent.opt_in:
            return Reply(text=phrase("opt_in", self.lang), source="offline", opted_in=True)
        if intent == Intent.human_request:
            return Reply(text=phrase("handoff", self.lang), source="offline", handoff=True)
        if intent == Intent.complaint:
            return Reply(text=phrase("apology_handoff", self.lang), source="offline", handoff=True)
        if intent == Intent.greeting:
            return self._greeting()
        if intent == Intent.buying_signal:
            return self._closing()
        if intent == Intent.objection:
            return self._objection()
        return None

    def _maybe_a_question(self) -> Reply:
        """A message of some words that no rule reads: taken for the question it may be, and answered by a sentence
        that answers it. Else, in a language the rules do not cover, a person answers, unless the message most likely
        answers the question the bot just asked ("we are four, coming in May"). In a language they cover, a message
        they read as none of the intents is off topic ("the weather is lovely"): steered back to what is sold."""
        answer = self._question(Intent.product_question)
        if not answer.handoff:
            return self._with_question(answer)
        reading = self.ctx.reading
        asked = "?" in self.text or _ASKS.match(self.folded)
        if asked or (reading.asks_question if reading else self._unreadable_question()):
            return answer
        self.path.append("remark")
        # A person is not called, and the conversation stays open to the question that follows.
        return self._steer() if self.lang in LANGUAGES else self._small_talk()

    def _unreadable_question(self) -> bool:
        """In a language the rules do not read, a message that does not answer the bot's own question."""
        return self.lang not in LANGUAGES and not self._answers_our_question()

    def _answers_our_question(self) -> bool:
        """The bot's last message asked the customer something: what they write next is most likely the answer."""
        last = next((item.text for item in reversed(self.ctx.history) if item.sender != "customer"), "")
        return last.rstrip().endswith(_QUESTION_MARKS)

    # The chat flow around an answer -------------------------------------------------------------

    def opened(self, reply: Reply) -> Reply:
        """The first reply of a conversation opens with the campaign's greeting."""
        if not is_first_reply(self.ctx):
            return reply
        greeting = greeting_for(self.campaigns, self.campaign, self.lang)
        if not greeting or greeted(reply.text, greeting):
            return reply
        return reply.model_copy(
            update={"text": greeted_reply(greeting, reply.text), "facts_used": ["greeting", *reply.facts_used]}
        )

    def _with_question(self, reply: Reply) -> Reply:
        """The campaign's next qualification question after the answer, when the answer asks nothing itself."""
        if reply.text.rstrip().endswith("?") or reply.handoff:
            return reply
        number, question = next_question(self.ctx, self.campaign, self.lang, capture_lead_fields(self.text))
        if not number:
            return reply
        return reply.model_copy(
            update={
                "text": f"{reply.text} {question}",
                "asked_question": True,
                "facts_used": [*reply.facts_used, f"question:{number}"],
            }
        )

    def not_repeated(self, reply: Reply) -> Reply:
        """Never the same message twice in a row: the second time, offer a person instead of repeating."""
        last = next((item.text for item in reversed(self.ctx.history) if item.sender == "bot"), "")
        if fold(last) != fold(reply.text):
            return reply
        return reply.model_copy(update={"text": f"{reply.text} {phrase('offer_person', self.lang)}"})

    # Pieces -------------------------------------------------------------------------------------

    def _price(self, campaign: Campaign) -> str:
        return product_price(campaign.product, self.ctx.profile, self.lang)

    def _offer(self) -> str:
        return offer_list(self.ctx, self.campaigns, phrase("and", self.lang), self.lang)

    def _hello(self) -> str:
        first = self.ctx.customer_name.split()[0] if self.ctx.customer_name.split() else ""
        return phrase("hello", self.lang, name=f" {first}" if _SAFE_NAME.match(first) else "")

    def _product_facts(self, campaign: Campaign, *, with_features: bool = True) -> tuple[list[str], list[str]]:
        product = campaign.product
        price = self._price(campaign)
        parts = [phrase("costs", self.lang, product=product.name, price=price)]
        used = [f"product:{product.name}", f"price:{price}"]
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

    def _document_reply(self, answer: DocumentAnswer) -> Reply:
        text = " ".join(answer.sentences)
        if answer.lang != self.lang:
            # The tenant's own words, quoted in their language: a translation here would be our words, not theirs.
            text = phrase("docs_say", self.lang, quote=text)
        return Reply(
            text=text,
            source="offline",
            facts_used=[f"passage:{answer.source}"],
            product_name=self.named.product.name if self.named else "",
        )

    def _answer_from_documents(self, require: frozenset[str] = frozenset()) -> DocumentAnswer | None:
        earlier = ""
        if is_follow_up(self.text):
            customer = [item.text for item in self.ctx.history if item.sender == "customer"]
            earlier = customer[-1] if customer else ""
        visible = {fold(c.product.name) for c in self.campaigns} | {fold(c.name) for c in self.campaigns}
        hidden = tuple(fold(name) for name in self.ctx.facts.all_product_names if fold(name) not in visible)
        passages = usable_passages(self.ctx)
        found = best_answer(self.text, earlier, passages, hidden=hidden, require=require)
        if log.isEnabledFor(logging.DEBUG):
            doc_langs = sorted({detect_language(p.text) for p in passages if not p.source.startswith("campaign:")})
            self.path.append(f"lang={self.lang}|docs={'+'.join(doc_langs)}|passages={len(passages)}")
        self.path.append("no_sentence" if found is None else "sentence_sure" if found.confident else "sentence_unsure")
        if found is not None and found.confident:
            return found
        # With a model, its reading gave the question in the documents' languages, which the customer's words
        # cannot reach offline: a sentence that answers one of those is the business's own answer all the same.
        for query in self.ctx.reading.queries if self.ctx.reading else ():
            translated = best_answer(query, earlier, passages, hidden=hidden, require=require)
            if translated is not None and translated.confident:
                return translated
        return found

    # Intents ------------------------------------------------------------------------------------

    def _greeting(self) -> Reply:
        campaign = self.campaign
        if campaign is None and is_first_reply(self.ctx):
            # Several campaigns, none in focus: the first offered here whose greeting speaks the customer's language.
            campaign = next((c for c in self.campaigns if opening(c, self.lang)), None)
        greeting = opening(campaign, self.lang) if is_first_reply(self.ctx) or campaign else ""
        if campaign is not None and greeting:
            return Reply(text=greeting, source="offline", facts_used=["greeting"], product_name=campaign.product.name)
        parts = [self._hello()]
        if self.ctx.profile and self.ctx.profile.name:
            parts.append(phrase("welcome", self.lang, business=self.ctx.profile.name))
        if self.campaigns:
            parts.append(phrase("we_offer", self.lang, offer=self._offer()))
        parts.append(phrase("how_help", self.lang))
        return Reply(text=" ".join(parts), source="offline", facts_used=["profile"])

    def _question(self, intent: Intent) -> Reply:
        """A question: the catalog answers what it holds; the documents answer only with a sentence that answers
        it; anything else goes to a person, who sees it in the inbox. A wrong quote is never sent."""
        # The catalog answers "how much is it?": a price alone is no topic to look up.
        asked = concepts_in(self.text) - {"price"}
        if asked & {"discount", "student"} or ("team" in asked and intent == Intent.price_question):
            self.path.append("discount")
            return self._discount()
        hidden = hidden_product(self.ctx, self.campaigns, self.text) if self.named is None else None
        if hidden is not None:
            self.path.append("hidden")
            return self._not_here()
        reading = self.ctx.reading
        asks_offer = ASKS_CATALOG.search(self.folded) or asks_for_offer(self.text, self.lang)
        if self.named is None and self.campaigns and (asks_offer or (reading and reading.asks_catalog)):
            self.path.append("offers")
            return self._offers()
        documents = self._answer_from_documents()
        if documents is not None and documents.confident:
            reply = self._document_reply(documents)
            if self.named is not None and intent == Intent.price_question:
                price = phrase("costs", self.lang, product=self.named.product.name, price=self._price(self.named))
                reply = reply.model_copy(
                    update={
                        "text": f"{price} {reply.text}",
                        "facts_used": [f"product:{self.named.product.name}", *reply.facts_used],
                    }
                )
            self.path.append("document")
            return reply
        unsold = unsold_item(self.ctx, self.campaigns, self.text)
        if unsold is not None:
            self.path.append("unsold")
            return self._not_sold(*unsold)
        campaign = self.campaign
        # A question that names a product and no topic the documents could answer ("mennyibe kerül a Deluxe?" in
        # a language the rules do not read) is answered with that product's facts: its price, what it includes.
        self.path.append(f"named={self.named is not None},campaign={campaign is not None},n={len(self.campaigns)}")
        if campaign is not None and (self._about_the_product(campaign, intent, asked) or self._named_alone(asked)):
            self.path.append("product_facts")
            parts, used = self._product_facts(campaign, with_features=intent == Intent.product_question or not asked)
            return Reply(text=" ".join(parts), source="offline", facts_used=used, product_name=campaign.product.name)
        if campaign is None and self.campaigns and not asked and not self._own_words():
            self.path.append("offers_unnamed")
            return self._offers()
        self.path.append("unanswered")
        return self._unanswered()

    def _named_alone(self, asked: set[str]) -> bool:
        """A product named with no other topic than its price, or in a language the rules do not read with no
        topic they know ("mennyibe kerül a Deluxe?"): its facts are what can be said of it. In a language the
        rules read, a question that names the product and asks neither its price nor what it is asks something
        its facts do not answer ("is the Deluxe good for beginners?")."""
        if self.named is None or asked:
            return False
        return self.lang not in LANGUAGES or "price" in concepts_in(self.text)

    def _own_words(self) -> set[str]:
        """The question's words that say what it asks, beyond the product's name ("tell me about X" has none)."""
        named = {w for c in self.campaigns for w in words(f"{c.product.name} {c.name}")}
        common = stop_words(self.lang)
        # "what features / sizes / material": asking about the product as such, which its facts answer.
        return {
            w
            for w in words(self.text)
            if len(w) >= 4 and w not in common and w not in named and not w.isdigit() and not _ABOUT_PRODUCT.fullmatch(w)
        }

    def _about_the_product(self, campaign: Campaign, intent: Intent, asked: set[str]) -> bool:
        """Whether the catalog's facts about the product answer: its price, or what it is and includes."""
        if intent == Intent.price_question:
            return True  # the price answers "how much", for one or for twelve
        own = self._own_words()
        if not own and not asked:
            return True
        product = campaign.product
        listed = content_words(" ".join([product.description, *product.features]), self.lang) | content_words(
            " ".join([product.description, *product.features])
        )
        return bool(own) and all(stem_words([w], self.lang)[0] in listed or stem_words([w], "en")[0] in listed for w in own)

    def _unanswered(self) -> Reply:
        """No sentence of the business's answers this: a person will, and the conversation is handed over. In a
        language the rules do not read, what the question was about they cannot tell either: what is sold here,
        with its prices, may be what the customer wanted, and the person answers the rest."""
        text = phrase("dont_know", self.lang)
        used = ["unanswered"]
        if self.lang not in LANGUAGES and self.campaigns:
            text = f"{text} {phrase('we_offer', self.lang, offer=self._offer())}"
            used += [f"product:{c.product.name}" for c in self.campaigns]
        return Reply(text=text, source="offline", facts_used=used, handoff=True)

    def _discount(self) -> Reply:
        """A deal the documents state (student, team rates), else plainly none, with what the product gives."""
        answer = self._answer_from_documents(require=_DEAL_CONCEPTS)
        said = fold(" ".join(answer.sentences)) if answer is not None else ""
        # A deal on another product does not answer "any discount on private sessions?".
        if answer is not None and answer.confident and (self.named is None or fold(self.named.product.name) in said):
            return self._document_reply(answer)
        campaign = self.campaign
        text = phrase("no_discount", self.lang)
        used: list[str] = []
        if campaign is not None:
            product = campaign.product
            if product.features:
                text += " " + phrase(
                    "value",
                    self.lang,
                    price=self._price(campaign),
                    product=product.name,
                    features=", ".join(product.features[:3]),
                )
            else:
                text += " " + phrase("costs", self.lang, product=product.name, price=self._price(campaign))
            used = [f"product:{product.name}"]
        return Reply(text=text, source="offline", facts_used=used, product_name=campaign.product.name if campaign else "")

    def _offers(self) -> Reply:
        text = f"{phrase('we_offer', self.lang, offer=self._offer())} {phrase('which_one', self.lang)}"
        return Reply(text=text, source="offline", facts_used=[f"product:{c.product.name}" for c in self.campaigns])

    def _not_here(self) -> Reply:
        first = phrase("not_available", self.lang)
        text = f"{first} {phrase('we_offer', self.lang, offer=self._offer())}" if self.campaigns else first
        return Reply(text=text, source="offline", facts_used=["not_offered_here"])

    def _not_sold(self, item: str, echo: bool) -> Reply:
        first = phrase("not_sold_item", self.lang, item=item) if echo else phrase("not_sold", self.lang)
        if self.campaigns:
            text = f"{first} {phrase('we_offer', self.lang, offer=self._offer())}"
        else:
            text = f"{first} {phrase('steer_business', self.lang, business=_business_name(self.ctx, self.lang))}"
        return Reply(text=text, source="offline", facts_used=["not_in_catalog"])

    def _objection(self) -> Reply:
        campaign = self.campaign
        if campaign is not None:
            key, answer = matching_objection(self.text, campaign.chat_flow.objection_handling)
            if answer:
                return Reply(text=answer, source="offline", facts_used=[f"objection:{key}"], product_name=campaign.product.name)
            product = campaign.product
            if product.features:
                text = " ".join(
                    [
                        phrase("understand", self.lang),
                        phrase(
                            "value",
                            self.lang,
                            price=self._price(campaign),
                            product=product.name,
                            features=", ".join(product.features[:4]),
                        ),
                        phrase("decide", self.lang),
                    ]
                )
                return Reply(
                    text=text, source="offline", facts_used=[f"product:{product.name}", "features"], product_name=product.name
                )
        return Reply(text=f"{phrase('understand', self.lang)} {phrase('decide', self.lang)}", source="offline")

    def _closing(self) -> Reply:
        campaign = self.campaign
        if campaign is None:
            if self.campaigns:
                text = (
                    f"{phrase('great_choice', self.lang)} {phrase('we_offer', self.lang, offer=self._offer())} "
                    f"{phrase('which_one', self.lang)}"
                )
                return Reply(text=text, source="offline", facts_used=[f"product:{c.product.name}" for c in self.campaigns])
            return Reply(text=f"{phrase('great_choice', self.lang)} {phrase('complete_order', self.lang)}", source="offline")
        owner_closing = closing_message(campaign, self.lang)
        closing = owner_closing or phrase("great_choice", self.lang)
        url = campaign.product.cta_url
        used = ["closing" if owner_closing else "great_choice", f"product:{campaign.product.name}"]
        if url and url not in closing:
            text = f"{closing} {phrase('cta', self.lang, url=url)}"
        elif url:
            text = closing
        else:
            text = f"{closing} {phrase('complete_order', self.lang)}"
        return Reply(
            text=text,
            source="offline",
            facts_used=used + (["cta"] if url else []),
            cta_sent=bool(url),
            product_name=campaign.product.name,
        )

    def _noted(self, name: str, *, contact: bool = False) -> Reply:
        """The customer told us about themselves: thank them, then carry on with the flow. One who leaves a way to
        reach them is ready for the next step: the purchase or booking link, when there is one, comes now, with the
        owner's next question after it (a salesperson does not hold the link back until every question is asked)."""
        first = name.split()[0] if name.split() else ""
        opener = phrase("noted", self.lang, name=f" {first}" if _SAFE_NAME.match(first) else "")
        campaign = self.campaign
        if contact and campaign is not None and campaign.product.cta_url:
            link = Reply(
                text=f"{opener} {phrase('cta', self.lang, url=campaign.product.cta_url)}",
                source="offline",
                facts_used=[f"product:{campaign.product.name}", "cta"],
                cta_sent=True,
                product_name=campaign.product.name,
            )
            return self._with_question(link)
        asked = self._with_question(Reply(text=opener, source="offline"))
        if asked.asked_question:
            return asked
        return self._steer(opener)

    def _small_talk(self) -> Reply:
        opener = phrase("thanks_back", self.lang) if _THANKS.search(self.folded) else phrase("happy_help", self.lang)
        asked = self._with_question(Reply(text=opener, source="offline"))
        return asked if asked.asked_question else self._steer(opener)

    def _steer(self, opener: str = "") -> Reply:
        if self.campaign is not None:
            offer = offer_list(self.ctx, [self.campaign], phrase("and", self.lang), self.lang)
        elif self.campaigns:
            offer = self._offer()
        else:
            offer = ""
        text = (
            phrase("steer", self.lang, offer=offer)
            if offer
            else phrase("steer_business", self.lang, business=_business_name(self.ctx, self.lang))
        )
        used = [f"product:{c.product.name}" for c in ([self.campaign] if self.campaign else self.campaigns)]
        return Reply(text=f"{opener} {text}".strip(), source="offline", facts_used=used)
