"""Leo's fixed sentences follow the owner's language (the figures' sentences are still English)."""

from __future__ import annotations

from tests.leo.conftest import ask_leo


async def test_what_leo_can_answer_about_is_said_in_the_owner_language(shop_api):
    client, shop = shop_api
    chosen = await client.put("/api/account", json={"language": "es"}, headers=shop.owner.auth)
    assert chosen.status == 200, await chosen.text()
    outside = await ask_leo(client, shop.owner, "weather tomorrow?")
    assert outside["reply"].startswith("Puedo responder sobre tus ventas"), outside["reply"]
