"""Everything a candidate reply must pass before a customer sees it: the money guard (prices, amounts,
percentages, offers, hidden products, the prompt), the factual claims (claims.py), and three things a reply
must not pretend: that a person takes over when none will, that the business sells what it does not, and
an answer in another language than the customer's."""

from __future__ import annotations

import re

from bot.pipeline.catalog_questions import unsold_item
from bot.pipeline.claims import numbers_said, unsupported
from bot.pipeline.formatting import product_price
from bot.pipeline.guard import campaign_texts, check_reply
from bot.pipeline.judge import Judgement, claim_sentences, claim_units
from bot.pipeline.phrases import fixed_sentences
from bot.pipeline.prompts import passage_ids
from bot.pipeline.text import fold, split_sentences, words
from bot.pipeline.turn_view import language_of, usable_passages, visible_campaigns
from bot.pipeline.types import GuardVerdict, Reply, TurnContext
from knowledge.language import plainly_in_another_language
from knowledge.money import extract_amounts

WRONG_LANGUAGE = "answers in another language than the customer's"
# A sentence no support was found for; the sentence follows after ": " (its first 160 characters).
UNSUPPORTED = "claim the tenant's words do not support"
_HANDS_OVER = re.compile(
    r"passing you|pass you (?:on|over|to)|hand(?:ing)? you (?:over|to)|transferr?(?:ing)? you|connect(?:ing)? you (?:to|with)|"
    r"(?:a person|someone|a colleague|a member) (?:from|of) (?:our|the) team (?:will|is going to)|"
    r"te paso con|te transfiero|te comunico con|vou passar voce|vou te passar|je vous passe|je vous transfere|"
    r"ich gebe dich (?:an|weiter)|ich leite dich weiter|ich verbinde dich|ti passo|ti metto in contatto|"
    r"una persona (?:de|del) (?:nuestro|nostro) (?:equipo|team)|eine person aus unserem team"
)
_AFFIRMS = re.compile(
    r"^(?:yes|yeah|yep|sure|of course|absolutely|si|claro|sim|oui|bien sur|ja|klar|natürlich|naturlich|certo)\b|"
    r"\bwe (?:do )?(?:sell|have|offer|stock|carry)\b|\b(?:vendemos|tenemos|temos|nous vendons|nous avons|"
    r"wir (?:verkaufen|haben|fuhren)|vendiamo|abbiamo)\b"
)
_DENIES = re.compile(r"\b(?:not|don't|do not|no|sorry|unfortunately|lo siento|desculpe|desole|leider|nicht|non|nao)\b")


def support_texts(ctx: TurnContext) -> list[str]:
    """The tenant's own words a reply may repeat: passages given for this turn, its profile, its campaigns."""
    texts = [passage.text for passage in usable_passages(ctx)]
    if ctx.profile:
        profile = ctx.profile
        texts += [
            text
            for text in (
                profile.description,
                profile.target_audience,
                profile.industry,
                profile.phone,
                profile.website,
                profile.name,
            )
            if text
        ]
    for campaign in visible_campaigns(ctx):
        texts += campaign_texts(campaign)
    return texts


def ignored_phrases(ctx: TurnContext, text: str) -> list[str]:
    """Phrases the claim check leaves to others: product names (which may hold digits) and money amounts."""
    names = [fold(name) for name in ctx.facts.all_product_names]
    amounts = [fold(amount.raw) for amount in extract_amounts(text) if amount.raw]
    return sorted({*names, *amounts}, key=len, reverse=True)


def judge_sources(ctx: TurnContext) -> dict[str, str]:
    """What the claim judge reads a draft against, by id: the passages as the prompt numbered them, the catalog
    and the chat flow as the prompt gave them, and the business's profile."""
    sources = dict(passage_ids(ctx))
    lang = language_of(ctx)
    catalog = []
    for campaign in visible_campaigns(ctx):
        product = campaign.product
        catalog.append(f"{product.name}: {product_price(product, ctx.profile, lang)}.")
        catalog.extend(text for text in campaign_texts(campaign) if text != product.name)
        if product.cta_url:
            catalog.append(product.cta_url)
    if catalog:
        sources["catalog"] = "\n".join(catalog)
    if ctx.profile:
        profile = ctx.profile
        about = [profile.name, profile.industry, profile.description, profile.target_audience, profile.phone, profile.website]
        sources["profile"] = "\n".join(text for text in about if text)
    return sources


def verify(ctx: TurnContext, reply: Reply, *, handoff: bool, judgement: Judgement | None = None) -> GuardVerdict:
    """Whether `reply` may be sent in this turn; `handoff` says whether a person really takes over. With the
    claim judge's `judgement`, what its sentences state is judged by meaning (judge.py); numbers, days and money
    are checked here whatever it says."""
    support = support_texts(ctx)
    judged = judgement.covers if judgement else None
    # The offline responder's own fixed sentences claim nothing of the business: only the rest is checked.
    checked = reply if reply.source == "llm" else reply.model_copy(update={"text": _without_fixed_sentences(reply.text)})
    violations = list(check_reply(checked.text, ctx.facts, support=support, judged=judged).violations)
    ids = passage_ids(ctx)
    cited = [ids[source] for source in reply.sources if source in ids]
    customer = " ".join([ctx.turn_text, *(item.text for item in ctx.history if item.sender == "customer")])
    for sentence in unsupported(
        checked.text,
        cited,
        support,
        ignore=ignored_phrases(ctx, reply.text),
        customer_numbers=numbers_said(customer),
        judged=judged,
    ):
        violations.append(f"{UNSUPPORTED}: {sentence[:160]}")
    if judgement is not None:
        for sentence in claim_sentences(reply.text):
            if judgement.refuses(sentence):
                violations.append(f"{UNSUPPORTED}, by meaning: {sentence[:160]}")
    folded = fold(reply.text)
    if not handoff and _HANDS_OVER.search(folded):
        violations.append("says a person takes over, but no handoff happens")
    unsold = unsold_item(ctx, visible_campaigns(ctx), ctx.turn_text)
    # A sentence the judge backed with a quote ("yes, lockers are free to use") is the business's own word.
    unbacked = fold(" ".join(s for s in claim_units(reply.text) if not judgement.backs(s))) if judgement else folded
    if unsold is not None and _AFFIRMS.search(unbacked) and not _DENIES.search(unbacked):
        violations.append(f"says the business sells what it does not: {unsold[0][:40]}")
    # Offline replies are built in the customer's language around the tenant's own (quoted) words.
    if reply.source == "llm" and in_another_language(ctx, reply.text):
        violations.append(WRONG_LANGUAGE)
    return GuardVerdict(ok=not violations, violations=violations)


def _without_fixed_sentences(text: str) -> str:
    own = fixed_sentences()
    return " ".join(sentence for sentence in split_sentences(text) if fold(sentence) not in own)


_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|https?://\S+|\S+@\S+")


def in_another_language(ctx: TurnContext, text: str) -> bool:
    """Whether a reply is plainly written in another language than the customer's: its quotes, links and the
    business's product names left aside, another language is sure and the customer's hardly possible."""
    lang = language_of(ctx)
    plain = _QUOTED.sub(" ", text)
    for name in sorted(ctx.facts.all_product_names, key=len, reverse=True):
        if name:
            plain = re.sub(re.escape(name), " ", plain, flags=re.IGNORECASE)
    return len(words(plain)) >= 4 and plainly_in_another_language(plain, lang)
