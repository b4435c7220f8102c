"""What a nudge says: the owner's words, or the platform's one sentence in the customer's language naming the
campaign's product (nothing else the business did not give); and what fills a WhatsApp template's parameters."""

from __future__ import annotations

from bot.i18n.catalogs import phrase
from knowledge.models import FollowUp, FollowUpTemplate, TemplateParameter


def nudge_text(follow_up: FollowUp, *, product_name: str, language: str) -> str:
    if follow_up.text:
        return follow_up.text
    return phrase("follow_up", language or "en", product=product_name)


def template_values(template: FollowUpTemplate, *, customer_name: str, product_name: str) -> list[str] | None:
    """The body parameters in order; None when one has no value (a customer whose name is unknown): Meta refuses an
    empty parameter, and no stand-in is made up."""
    values = {TemplateParameter.customer_name: customer_name.strip(), TemplateParameter.product_name: product_name.strip()}
    filled = [values[parameter] for parameter in template.parameters]
    return filled if all(filled) else None
