"""The campaign form's follow-ups: saved as the API's `follow_ups`, shown again on edit, and a wrong delay named
beside its field with nothing saved."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_billing_periods import campaign_form, selected
from tests.dashboard.test_owner_pages import field_error, session_csrf
from tests.dashboard.test_pages import form_login


def with_follow_ups(csrf: str, *rows: dict[str, str]) -> list[tuple[str, str]]:
    form = campaign_form(csrf, "one_time")
    for slot, row in enumerate(rows):
        form += [(f"follow_ups.{slot}.{name}", value) for name, value in row.items()]
    return form


async def test_the_form_saves_two_follow_ups_and_shows_them_again(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    html = await (await api.get("/campaigns/new")).text()
    assert selected(html, "follow_ups.0.after") == ""
    csrf = await session_csrf(api)
    form = with_follow_ups(
        csrf,
        {"after": "price", "after_minutes": "90", "text": "Still thinking about it?"},
        {
            "after": "link",
            "after_minutes": "1440",
            "template.name": "yoga_followup",
            "template.language": "en_US",
            "template.parameters": "customer_name\nproduct_name",
        },
    )
    done = await api.post("/campaigns/new", data=form, allow_redirects=False)
    assert done.status == 303, await done.text()
    [created] = (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"]
    assert created["follow_ups"] == [
        {"after_minutes": 90, "after": "price", "text": "Still thinking about it?", "template": None},
        {
            "after_minutes": 1440,
            "after": "link",
            "text": "",
            "template": {"name": "yoga_followup", "language": "en_US", "parameters": ["customer_name", "product_name"]},
        },
    ]
    edit = await (await api.get(f"/campaigns/{created['id']}/edit")).text()
    assert selected(edit, "follow_ups.0.after") == "price"
    assert selected(edit, "follow_ups.1.after") == "link"
    assert re.search(r'name="follow_ups.1.template.parameters"[^>]*>customer_name\nproduct_name</textarea>', edit)

    # Both rows set to "No follow-up": the campaign sends none.
    await api.post(f"/campaigns/{created['id']}/edit", data=with_follow_ups(csrf, {"after": ""}, {"after": ""}))
    assert (await (await api.get(f"/api/campaigns/{created['id']}", headers=owner.auth)).json())["follow_ups"] == []


async def test_a_delay_too_short_is_named_beside_its_field_and_nothing_is_saved(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    form = with_follow_ups(await session_csrf(api), {"after": "question", "after_minutes": "2"})
    refused = await api.post("/campaigns/new", data=form)
    assert refused.status == 422
    html = await refused.text()
    assert field_error(html, "follow_ups.0.after_minutes")
    assert (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"] == []


async def test_the_api_refuses_a_third_follow_up_in_words(api: TestClient, owner: SignedUp) -> None:
    body = {
        "name": "Pass",
        "product": {"name": "Pass", "price": 10},
        "follow_ups": [{"after_minutes": 60, "after": "price"}] * 3,
    }
    response = await api.post("/api/campaigns", json=body, headers=owner.auth)
    assert response.status == 422
    error = (await response.json())["error"]
    assert "follow_ups" in error["fields"]
