"""How prices and product lists are written in replies: one style everywhere, which the guard reads back."""

from __future__ import annotations

from knowledge.models import Campaign, Product
from knowledge.money import format_money


def format_price(amount_minor: int, currency: str) -> str:
    """The knowledge base's own style ("$49.00 USD", "1,299.00 EUR", "4,900 JPY"): always the ISO code,
    so the guard reads back exactly the currency that was meant."""
    return format_money(amount_minor, currency)


def product_price(product: Product) -> str:
    return format_price(product.price_cents, product.currency)


def join_items(items: list[str], conjunction: str) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def offer_list(campaigns: list[Campaign], conjunction: str, *, with_prices: bool = True, limit: int = 5) -> str:
    """The visible products, each with its price: "Yoga Mat (49.00 USD) and Water Bottle (19.00 USD)"."""
    names: list[str] = []
    seen: set[str] = set()
    for campaign in campaigns:
        product = campaign.product
        if product.name.lower() in seen:
            continue
        seen.add(product.name.lower())
        names.append(f"{product.name} ({product_price(product)})" if with_prices else product.name)
        if len(names) == limit:
            break
    return join_items(names, conjunction)
