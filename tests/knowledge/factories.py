"""Owner input for knowledge tests, written the way the owner API receives it."""

from __future__ import annotations

from typing import Any

from knowledge.models import BusinessProfile, CampaignIn


def campaign_in(**overrides: Any) -> CampaignIn:
    product = {
        "name": "Glow Serum",
        "description": "A vitamin C serum for dull skin.",
        "price": 49.0,
        "currency": "USD",
        "features": ["30 ml bottle", "Lasts 2 months"],
    }
    product.update(overrides.pop("product", {}))
    values: dict[str, Any] = {
        "name": "Glow launch",
        "product": product,
        "target_platform": "all",
        "status": "active",
        "chat_flow": {
            "greeting": "Hi! Want brighter skin?",
            "qualification_questions": ["What is your skin type?"],
            "objection_handling": {"Too expensive.": "It lasts 2 months, so about $0.80 a day."},
            "closing_message": "Order today and get free shipping.",
        },
        "target_audience": "Women 25-45",
    }
    values.update(overrides)
    return CampaignIn.model_validate(values)


def profile(**overrides: Any) -> BusinessProfile:
    values: dict[str, Any] = {
        "name": "Acme Skincare",
        "owner_name": "Dana",
        "industry": "Cosmetics",
        "description": "Clean skincare made in small batches in Lisbon.",
        "website": "https://acme.example",
        "phone": "+351 912 345 678",
        "goals": "Sell more serums online",
        "target_audience": "Adults who care about ingredients",
    }
    values.update(overrides)
    return BusinessProfile.model_validate(values)
