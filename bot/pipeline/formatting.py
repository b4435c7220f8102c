"""How prices and product lists are written in replies: in the business's locale, with the price's period."""

from __future__ import annotations

from bot.pipeline.types import TurnContext
from knowledge.models import BusinessProfile, Campaign, Product
from knowledge.money import format_price
from knowledge.money import profile_locale as locale_for


def product_price(product: Product, profile: BusinessProfile | None = None, lang: str = "en") -> str:
    """ "£99.00/month", "2.499,00 €", "89,00 € pro Termin": the amount in the business's locale, the period in
    the customer's language."""
    return format_price(product, locale_for(profile, product.currency), lang)


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
