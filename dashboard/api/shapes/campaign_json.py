"""A campaign as the owner API gives it: price in major units, ISO times."""

from __future__ import annotations

from typing import Any

from knowledge.models import Campaign, period_value


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    product = campaign.product
    return {
        "id": campaign.id,
        "name": campaign.name,
        "product": {
            "name": product.name,
            "description": product.description,
            "price": product.price,
            "currency": product.currency,
            "billing_period": period_value(product.billing_period),
            "features": list(product.features),
            "call_to_action_url": product.cta_url or None,
        },
        "target_platform": campaign.target_platform.value,
        "chat_flow": campaign.chat_flow.model_dump(),
        "target_audience": campaign.audience.model_dump(),
        "status": campaign.status.value,
        "created_at": campaign.created_at.isoformat(),
        "updated_at": campaign.updated_at.isoformat(),
        "comment_rules": campaign.comment_rules.model_dump() if campaign.comment_rules else None,
        "follow_ups": [follow_up.model_dump() for follow_up in campaign.follow_ups],
    }
