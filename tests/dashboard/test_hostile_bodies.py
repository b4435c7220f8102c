"""Hostile bodies get a 4xx that says what is wrong, never a 500: deep JSON, huge JSON, broken forms."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from dashboard.errors import MAX_JSON_DEPTH, json_depth
from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_pages import form_login, hidden_token

DEEP_ARRAYS = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECTS = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("path", ["/api/login", "/api/signup"])
@pytest.mark.parametrize("body", [DEEP_ARRAYS, DEEP_OBJECTS], ids=["arrays", "objects"])
async def test_100000_deep_json_is_a_400(api: TestClient, path: str, body: bytes) -> None:
    response = await api.post(path, data=body, headers=JSON)
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "bad_json"


async def test_json_nested_past_the_limit_is_refused_before_validation(api: TestClient, owner: SignedUp) -> None:
    # Shallow enough for Python's parser, deeper than any owner body: refused as such, not as invalid fields.
    nested = b'{"email": "a@example.com", "password": ' + b"[" * 40 + b"]" * 40 + b"}"
    for path, headers in (("/api/login", {}), ("/api/signup", {}), ("/api/campaigns", owner.auth)):
        response = await api.post(path, data=nested, headers={**JSON, **headers})
        assert response.status == 400, path
        assert f"deeper than {MAX_JSON_DEPTH}" in (await response.json())["error"]["message"]
    # A body at the limit is read and validated as usual.
    at_limit = b'{"email": "a@example.com", "password": ' + b"[" * (MAX_JSON_DEPTH - 1) + b"]" * (MAX_JSON_DEPTH - 1) + b"}"
    assert (await api.post("/api/login", data=at_limit, headers=JSON)).status == 422


async def test_a_huge_json_body_is_a_413(api: TestClient) -> None:
    body = b'{"email": "a@example.com", "password": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = await api.post("/api/login", data=body, headers=JSON)
    assert response.status == 413
    assert (await response.json())["error"]["code"] == "payload_too_large"


def test_depth_is_counted_without_recursion() -> None:
    assert json_depth(1, 10) == 0
    assert json_depth([], 10) == 1
    assert json_depth({"a": [1, {"b": []}]}, 10) == 4
    very_deep: list = []
    for _ in range(50_000):
        very_deep = [very_deep]
    assert json_depth(very_deep, 32) == 33  # stops just past the limit


BROKEN_FORMS = [
    ("multipart/form-data; boundary=x", b"--x\r\ngarbage"),
    ("multipart/form-data", b"no boundary"),
]


@pytest.mark.parametrize(("content_type", "body"), BROKEN_FORMS, ids=["bad-part", "no-boundary"])
async def test_page_forms_answer_unreadable_bodies_with_400(
    api: TestClient, owner: SignedUp, content_type: str, body: bytes
) -> None:
    await api.get("/login")
    login = await api.post("/login", data=body, headers={"Content-Type": content_type}, allow_redirects=False)
    assert login.status == 400
    assert "could not be read" in await login.text()
    assert "sid" not in login.cookies
    await form_login(api, owner)
    logout = await api.post("/logout", data=body, headers={"Content-Type": content_type}, allow_redirects=False)
    assert logout.status == 400
    assert (await api.get("/api/me")).status == 200  # still logged in


async def test_page_forms_answer_json_and_deep_bodies_with_4xx(api: TestClient) -> None:
    await api.get("/login")
    for content_type, body in (
        ("application/json", DEEP_ARRAYS),
        ("text/plain", b"email=a"),
        ("application/x-www-form-urlencoded", b"%" * 10_000),
    ):
        response = await api.post("/login", data=body, headers={"Content-Type": content_type}, allow_redirects=False)
        assert 400 <= response.status < 500, content_type
    token = hidden_token(await (await api.get("/login")).text())
    assert token
