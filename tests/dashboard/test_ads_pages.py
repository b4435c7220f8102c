"""The ads page, the Conversions API settings and the "From ad" line as an owner sees them: figures over the chosen
period, spend entered by hand and from a CSV (a bad file named and nothing imported), forms that need their CSRF
token, and the ad a conversation came from in the inbox and the thread."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import aiohttp

from bot.conversations.source import record_referral
from bot.sales.attribution import ConversationSource
from tests.dashboard.conftest import platform_of
from tests.dashboard.seeding import campaign, conversation, sale
from tests.dashboard.test_pages import form_login, hidden_token

SUMMER = ConversationSource(kind="ad", ad_id="111", headline="Summer sale")


async def _seed(api, owner):
    db = platform_of(api).db
    shoes = await campaign(db, owner.tenant_id, "Summer shoes", "Sandals", 40)
    at = datetime.now(UTC) - timedelta(days=2)
    conv = await conversation(db, owner.tenant_id, "facebook", "psid-1", at=at, name="Ada", campaign_id=shoes.id)
    await record_referral(db, owner.tenant_id, conv.id, SUMMER, at=at)
    await sale(db, conv.model_copy(update={"source": SUMMER}), 90, at=at)
    return shoes, conv


async def test_the_ads_page_shows_each_ad_with_its_figures_and_a_chart(api, owner):
    await _seed(api, owner)
    await form_login(api, owner)
    html = await (await api.get("/ads")).text()
    assert 'href="/ads"' in html and "<h1>Ads</h1>" in html
    assert 'data-ad="111"' in html and "Summer sale" in html and "Summer shoes" in html
    assert 'data-chart="ads"' in html and "/static/vendor/chart.umd.min.js" in html
    assert "$90.00" in html and "—" in html  # revenue, and no spend entered yet


async def test_spend_entered_on_the_page_is_counted_and_a_foreign_currency_is_refused(api, owner):
    shoes, _ = await _seed(api, owner)
    await form_login(api, owner)
    html = await (await api.get("/ads")).text()
    today = datetime.now(UTC).date()
    form = {
        "campaign_id": shoes.id,
        "ad_id": "111",
        "from": str(today - timedelta(days=5)),
        "to": str(today),
        "amount": "30",
        "currency": "EUR",
    }
    refused = await api.post("/ads/spend", data={**form, "csrf_token": hidden_token(html)}, allow_redirects=False)
    assert refused.status == 422 and "Enter the spend in USD" in await refused.text()

    saved = await api.post(
        "/ads/spend", data={**form, "currency": "USD", "csrf_token": hidden_token(html)}, allow_redirects=False
    )
    assert saved.status == 303
    page = await (await api.get("/ads")).text()
    assert "$30.00" in page and "3×" in page  # revenue 90 for spend 30

    forged = await api.post("/ads/spend", data={**form, "currency": "USD"}, allow_redirects=False)
    assert forged.status == 403


async def test_a_bad_csv_is_named_on_the_page_and_nothing_is_imported(api, owner):
    await _seed(api, owner)
    await form_login(api, owner)
    token = hidden_token(await (await api.get("/ads")).text())
    bad = "campaign_id,ad_id,from,to,amount,currency\n,111,2026-06-01,2026-06-30,10,USD\n,111,2026-06-01,2026-06-30,-3,USD\n"
    data = aiohttp.FormData()
    data.add_field("csrf_token", token)
    data.add_field("file", bad.encode(), filename="spend.csv", content_type="text/csv")
    response = await api.post("/ads/spend/import", data=data, allow_redirects=False)
    text = await response.text()
    assert response.status == 422 and "Nothing was imported" in text and "line 3" in text
    assert await platform_of(api).db.ad_spend.count_documents({}) == 0


async def test_the_inbox_and_the_thread_say_which_ad_brought_the_customer(api, owner):
    _, conv = await _seed(api, owner)
    await form_login(api, owner)
    assert "From ad: Summer sale" in await (await api.get("/inbox")).text()
    assert "From ad: Summer sale" in await (await api.get(f"/conversations/{conv.id}")).text()
    detail = await (await api.get(f"/api/conversations/{conv.id}", headers=owner.auth)).json()
    assert detail["source"] == {**detail["source"], "kind": "ad", "ad_id": "111", "headline": "Summer sale"}
    assert detail["lead"] is None or detail["lead"]["source"]["kind"] == "ad"


async def test_the_settings_page_saves_the_conversions_api_and_shows_events_in_words(api, owner):
    _, conv = await _seed(api, owner)
    await form_login(api, owner)
    token = hidden_token(await (await api.get("/settings")).text())
    form = {
        "dataset_id": "998877",
        "access_token": "EAAGsecretTokenValue123",
        "test_event_code": "",
        "whatsapp_business_account_id": "",
        "csrf_token": token,
    }
    missing = await api.post("/settings/conversions", data={**form, "dataset_id": "abc"}, allow_redirects=False)
    assert missing.status == 422
    saved = await api.post("/settings/conversions", data=form, allow_redirects=False)
    assert saved.status == 303
    response = await api.post(f"/api/conversations/{conv.id}/conversion", json={"value": 15}, headers=owner.auth)
    assert response.status == 201
    html = await (await api.get("/settings")).text()
    assert "EAAGsecretTokenValue123" not in html and "EAAG…e123" in html
    assert "Waiting to be sent." in html and "Sale" in html


async def test_a_row_drawn_live_carries_the_ad_for_the_page_to_word(api, owner):
    from zoneinfo import ZoneInfo

    from bot.conversations import store as convs
    from dashboard.live import conversation_event

    _, conv = await _seed(api, owner)
    stored = await convs.get_conversation(platform_of(api).db, owner.tenant_id, conv.id)
    assert stored is not None
    event = conversation_event(stored, ZoneInfo("UTC"))
    assert (event["source_kind"], event["source_headline"]) == ("ad", "Summer sale")


async def test_spend_entered_is_listed_on_the_page_and_removed_with_its_button(api, owner):
    await _seed(api, owner)
    today = datetime.now(UTC).date()
    body = {"ad_id": "111", "from": str(today - timedelta(days=3)), "to": str(today), "amount": 12, "currency": "USD"}
    await api.put("/api/ads/spend", json=body, headers=owner.auth)
    await form_login(api, owner)
    html = await (await api.get("/ads")).text()
    [spend_id] = re.findall(r'data-spend="([^"]+)"', html)
    forged = await api.post(f"/ads/spend/{spend_id}/delete", data={}, allow_redirects=False)
    assert forged.status == 403
    removed = await api.post(f"/ads/spend/{spend_id}/delete", data={"csrf_token": hidden_token(html)}, allow_redirects=False)
    assert removed.status == 303
    assert "data-spend=" not in await (await api.get("/ads")).text()


async def test_a_spend_form_without_an_ad_or_campaign_says_so_beside_the_field(api, owner):
    await _seed(api, owner)
    await form_login(api, owner)
    token = hidden_token(await (await api.get("/ads")).text())
    form = {"campaign_id": "", "ad_id": "", "from": "2026-06-01", "to": "2026-06-30", "amount": "5", "currency": "USD"}
    response = await api.post("/ads/spend", data={**form, "csrf_token": token}, allow_redirects=False)
    html = await response.text()
    assert response.status == 422 and 'id="f-ad_id-error"' in html and "Name a campaign, an ad or both" in html
    negative = await api.post(
        "/ads/spend", data={**form, "ad_id": "1", "amount": "-2", "csrf_token": token}, allow_redirects=False
    )
    assert negative.status == 422 and 'id="f-amount-error"' in await negative.text()
