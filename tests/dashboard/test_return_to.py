"""After login an owner goes back only to a path of this site, with `next` read the way a browser reads it."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from dashboard.pages.return_to import HOME, UnreadableReturn, return_path
from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_pages import form_login, hidden_token

# (next as the handler receives it, where the owner goes)
CASES = [
    ("/dashboard", "/dashboard"),
    ("/ok/path?x=1", "/ok/path?x=1"),
    ("/inbox?status=bot#top", "/inbox?status=bot#top"),
    ("/campaigns/abc/edit", "/campaigns/abc/edit"),
    ("/a\\b?q=c\\d", "/a/b?q=c\\d"),  # a backslash is a slash in the path only
    ("/%2F/evil.example", "/%2F/evil.example"),  # an encoded slash is no separator: a path here
    ("/%5Cevil.example", "/%5Cevil.example"),
    ("/caf\u00e9 menu", "/caf%C3%A9%20menu"),
    ("  /leads  ", "/leads"),  # C0 controls and spaces at either end are trimmed
    ("\x0b/leads\x00", "/leads"),
    ("/lea\nds", "/leads"),  # tab, CR and LF go wherever they are
    ("/\t/evil.example/", HOME),
    ("/\\evil.example", HOME),
    ("\\\\evil.example", HOME),
    ("\\/evil.example", HOME),
    ("//evil.example", HOME),
    ("/\r\n/evil.example", HOME),
    (" //evil.example", HOME),
    ("/\t/evil", HOME),
    ("https://evil.example", HOME),
    ("HTTPS:evil.example", HOME),
    ("java\tscript:alert(1)", HOME),
    ("javascript:alert(1)", HOME),
    ("evil.example", HOME),
    ("dashboard", HOME),
    ("", HOME),
    ("\t\n ", HOME),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_next_is_read_as_a_browser_reads_it(value: str, expected: str) -> None:
    assert return_path(value) == expected


@pytest.mark.parametrize("value", ["/dash\x00board", "/dash\x0bboard", "/a\x1fb", "/a\x7fb", "/ok?x=\x00y"])
def test_a_control_character_that_stays_is_refused(value: str) -> None:
    with pytest.raises(UnreadableReturn):
        return_path(value)


# The same values as they arrive in a link: percent-encoded in the query string.
LINKS = [
    ("/%09/evil.example/", HOME),
    ("%2F%09%2Fevil.example%2F", HOME),
    ("/%5Cevil.example", HOME),
    ("%5C%5Cevil.example", HOME),
    ("//evil.example", HOME),
    ("%2F%2Fevil.example", HOME),
    ("https://evil.example", HOME),
    ("https%3A%2F%2Fevil.example", HOME),
    ("java%09script:alert(1)", HOME),
    ("%20%2F%2Fevil.example", HOME),
    ("/%0D%0A/evil.example", HOME),
    ("/dash%0Aboard", "/dashboard"),
    ("%0B/leads", "/leads"),
    ("/inbox%3Fstatus%3Dbot", "/inbox?status=bot"),
    ("/ok/path%3Fx%3D1", "/ok/path?x=1"),
    ("/%252F%252Fevil.example", "/%2F%2Fevil.example"),
]


@pytest.mark.parametrize(("query", "expected"), LINKS)
async def test_a_logged_in_owner_is_sent_only_to_this_site(api: TestClient, owner: SignedUp, query: str, expected: str) -> None:
    await form_login(api, owner)
    response = await api.get(f"/login?next={query}", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("query", ["/dash%00board", "/dash%0Bboard", "/a%7Fb"])
async def test_control_characters_in_the_link_get_a_400_page(api: TestClient, owner: SignedUp, query: str) -> None:
    logged_out = await api.get(f"/login?next={query}", allow_redirects=False)
    assert logged_out.status == 400
    assert "return to" in await logged_out.text()
    await form_login(api, owner)
    logged_in = await api.get(f"/login?next={query}", allow_redirects=False)
    assert logged_in.status == 400
    assert "return to" in await logged_in.text()


async def test_the_login_form_carries_the_checked_path_and_follows_it(api: TestClient, owner: SignedUp) -> None:
    page = await (await api.get("/login?next=/%09/evil.example/")).text()
    assert 'name="next" value="/dashboard"' in page
    page = await (await api.get("/login?next=/leads%3Fstage%3Dnew")).text()
    assert 'name="next" value="/leads?stage=new"' in page
    # A form posted with its own `next` (a page of another site can post to /login) is read the same way.
    token = hidden_token(page)
    form = {"email": owner.email, "password": owner.password, "csrf_token": token}
    sent_away = await api.post("/login", data={**form, "next": "/\t/evil.example/"}, allow_redirects=False)
    assert sent_away.status == 303 and sent_away.headers["Location"] == "/dashboard"
    api.session.cookie_jar.clear()
    token = hidden_token(await (await api.get("/login")).text())
    refused = await api.post("/login", data={**form, "csrf_token": token, "next": "/a\x00b"}, allow_redirects=False)
    assert refused.status == 400 and "return to" in await refused.text()
    assert "sid" not in refused.cookies


async def test_pages_send_a_visitor_to_login_and_back(api: TestClient, owner: SignedUp) -> None:
    to_login = (await api.get("/leads?stage=new", allow_redirects=False)).headers["Location"]
    token = hidden_token(await (await api.get(to_login)).text())
    back = await api.post(
        "/login",
        data={"email": owner.email, "password": owner.password, "csrf_token": token, "next": "/leads?stage=new"},
        allow_redirects=False,
    )
    assert back.status == 303 and back.headers["Location"] == "/leads?stage=new"
