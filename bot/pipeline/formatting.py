"""How prices and product lists are written in replies: the amount as the customer reads it without doubt, the
price's period in the customer's language."""

from __future__ import annotations

from bot.pipeline.phrases import phrase
from bot.pipeline.types import TurnContext
from knowledge.models import BillingPeriod, BusinessProfile, Campaign, CustomPeriod, Product
from knowledge.money import customer_money, per_time_unit, with_custom_period
from knowledge.money import profile_locale as locale_for

# The platform's own periods, which CLDR has no unit for, come from the message catalogs.
PERIOD_PHRASES = {
    BillingPeriod.person: "price_per_person",
    BillingPeriod.session: "price_per_session",
    BillingPeriod.user_month: "price_per_user_month",
}


def product_price(product: Product, profile: BusinessProfile | None = None, lang: str = "en") -> str:
    """ "£99.00 per month", "2.499,00 € pro Übernachtung", "1.200,00 MXN pro Person" (a "$" another currency
    shares, for a customer who does not speak the business's language), "€90.00 per class pack" (the owner's
    own period, as typed)."""
    amount = customer_money(product.price_cents, product.currency, locale_for(profile, product.currency), lang)
    period = product.billing_period
    if isinstance(period, CustomPeriod):
        return with_custom_period(amount, period.custom)
    if period in PERIOD_PHRASES:
        return phrase(PERIOD_PHRASES[period], lang, price=amount)
    return per_time_unit(amount, period, lang) or amount


def join_items(items: list[str], conjunction: str) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def offer_list(
    ctx: TurnContext, campaigns: list[Campaign], conjunction: str, lang: str, *, with_prices: bool = True, limit: int = 5
) -> str:
    """The visible products, each with its price: "Yoga Mat Pro ($49.00) and Online Coaching (€99.00/month)"."""
    names: list[str] = []
    seen: set[str] = set()
    for campaign in campaigns:
        product = campaign.product
        if product.name.lower() in seen:
            continue
        seen.add(product.name.lower())
        names.append(f"{product.name} ({product_price(product, ctx.profile, lang)})" if with_prices else product.name)
        if len(names) == limit:
            break
    return join_items(names, conjunction)
