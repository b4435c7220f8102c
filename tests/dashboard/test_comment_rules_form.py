"""The campaign form's comments section: off by default, saved as the API's `comment_rules`, shown again on edit,
and a wrong post id named beside its field."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_billing_periods import campaign_form, selected
from tests.dashboard.test_owner_pages import field_error, session_csrf
from tests.dashboard.test_pages import form_login


def with_comments(csrf: str, **fields: str) -> list[tuple[str, str]]:
    return campaign_form(csrf, "one_time") + [(f"comment_rules.{name}", value) for name, value in fields.items()]


async def test_the_form_saves_comment_rules_and_shows_them_again(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    html = await (await api.get("/campaigns/new")).text()
    assert selected(html, "comment_rules.answer") == "off"
    csrf = await session_csrf(api)
    form = with_comments(
        csrf,
        answer="on",
        post_ids="1234567890_555000111\n\n555000112",
        keywords="price\n价格",
        private_reply="Hi! Here is our price list.",
        public_reply="",
    )
    done = await api.post("/campaigns/new", data=form, allow_redirects=False)
    assert done.status == 303, await done.text()
    [created] = (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"]
    assert created["comment_rules"] == {
        "post_ids": ["1234567890_555000111", "555000112"],
        "keywords": ["price", "价格"],
        "private_reply": "Hi! Here is our price list.",
        "public_reply": "",
    }
    edit = await (await api.get(f"/campaigns/{created['id']}/edit")).text()
    assert selected(edit, "comment_rules.answer") == "on"
    assert re.search(r'name="comment_rules.keywords"[^>]*>price\n价格</textarea>', edit)

    # Turned off in the form: the campaign answers no comment.
    await api.post(f"/campaigns/{created['id']}/edit", data=with_comments(csrf, answer="off", keywords="price"))
    assert (await (await api.get(f"/api/campaigns/{created['id']}", headers=owner.auth)).json())["comment_rules"] is None


async def test_a_wrong_post_id_is_named_beside_its_field_and_nothing_is_saved(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    form = with_comments(await session_csrf(api), answer="on", post_ids="https://facebook.com/posts/1")
    refused = await api.post("/campaigns/new", data=form)
    assert refused.status == 422
    html = await refused.text()
    assert field_error(html, "comment_rules.post_ids") == "Post or ad 1 has characters it cannot have."
    assert "https://facebook.com/posts/1" in html  # what the owner typed is shown again
    assert (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"] == []
