"""The owner's test questions: the API (add, list, delete, run offline and through the model), its errors,
another business's ids, the run's limits, and the `/quality` page with its forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from bot.evaluation.store import MAX_QUESTIONS, OwnerQuestionIn, add_question
from dashboard.context import DASHBOARD
from dashboard.passwords import Passwords
from knowledge.campaigns import create_campaign
from knowledge.documents import add_document
from knowledge.models import BusinessProfile, CampaignIn
from knowledge.profiles import save_profile
from tests.dashboard.conftest import SignedUp, platform_of, sign_up
from tests.dashboard.test_pages import form_login
from tests.fakes.groq_server import Behaviour, FakeGroq, start_fake_groq, tool_answer
from tests.whole_app import owner_app_of

STUDIO_GUIDE = b"""# Studio guide

## Questions people ask
Can I bring my dog?
Dogs are welcome on the terrace, but not in the studio rooms.

Is there a shower?
Yes, there are four showers with free towels in the changing rooms.
"""


async def seed_studio(api: TestClient, tenant_id: str) -> None:
    """A yoga studio: its profile, a $49 pass offered on Messenger only, and a guide with two FAQ answers."""
    db = platform_of(api).db
    await save_profile(db, tenant_id, BusinessProfile(name="Harbour Yoga", description="A yoga studio in Bristol."))
    await create_campaign(
        db,
        tenant_id,
        CampaignIn.model_validate(
            {
                "name": "Pass",
                "status": "active",
                "target_platform": "facebook",
                "product": {"name": "Yoga Pass", "price": 49, "currency": "USD"},
            }
        ),
    )
    await add_document(db, tenant_id, "guide.md", "text/markdown", STUDIO_GUIDE)


async def add(api: TestClient, who: SignedUp, question: str, expected: str, platform: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question, "expected": expected}
    if platform is not None:
        body["platform"] = platform
    response = await api.post("/api/quality/questions", json=body, headers=who.auth)
    assert response.status == 201, await response.text()
    return await response.json()


async def run(api: TestClient, who: SignedUp, **body: Any) -> dict[str, Any]:
    response = await api.post("/api/quality/run", json=body, headers=who.auth)
    assert response.status == 200, await response.text()
    return await response.json()


# Questions ---------------------------------------------------------------------------------------------------


async def test_questions_are_added_listed_oldest_first_and_deleted(api: TestClient, owner: SignedUp) -> None:
    first = await add(api, owner, "  When do you open on Saturday? ", "9:00 | 9am")
    second = await add(api, owner, "Do you sell gift cards?", "gift card", platform="instagram")
    assert first["question"] == "When do you open on Saturday?" and first["platform"] is None
    assert second["platform"] == "instagram"

    listed = await (await api.get("/api/quality/questions", headers=owner.auth)).json()
    assert [q["id"] for q in listed["questions"]] == [first["id"], second["id"]]
    assert listed["limit"] == MAX_QUESTIONS

    deleted = await api.delete(f"/api/quality/questions/{first['id']}", headers=owner.auth)
    assert deleted.status == 200 and await deleted.json() == {"deleted": True}
    listed = await (await api.get("/api/quality/questions", headers=owner.auth)).json()
    assert [q["id"] for q in listed["questions"]] == [second["id"]]
    again = await api.delete(f"/api/quality/questions/{first['id']}", headers=owner.auth)
    assert again.status == 404


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"question": "", "expected": "9:00"}, "question", "write the question"),
        ({"question": "   ", "expected": "9:00"}, "question", "write the question"),
        ({"question": "x" * 501, "expected": "9:00"}, "question", "500 characters"),
        ({"question": "When?", "expected": ""}, "expected", "must contain"),
        ({"question": "When?", "expected": "?! | -"}, "expected", "at least one word or number"),
        ({"question": "When?", "expected": "9" * 501}, "expected", "500 characters"),
        ({"question": "When?", "expected": "9:00", "platform": "telegram"}, "platform", "facebook"),
        ({"question": "When?"}, "expected", "Expected answer is required."),
        # "We don't sell saunas" holds the word too: the expected answer must add to the question.
        ({"question": "Do you have a sauna?", "expected": "sauna | a Sauna"}, "expected", "the question already says this"),
        ({"question": "When?", "expected": "9:00", "answer": "x"}, "answer", "is not a field we know"),
    ],
)
async def test_a_bad_question_is_refused_naming_the_field(
    api: TestClient, owner: SignedUp, body: dict[str, Any], field: str, says: str
) -> None:
    response = await api.post("/api/quality/questions", json=body, headers=owner.auth)
    assert response.status == 422
    error = (await response.json())["error"]
    assert says in error["fields"][field]
    listed = await (await api.get("/api/quality/questions", headers=owner.auth)).json()
    assert listed["questions"] == []


async def test_another_business_never_sees_or_deletes_a_question(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    mine = await add(api, owner, "Do you deliver?", "yes")
    assert (await api.delete(f"/api/quality/questions/{mine['id']}", headers=rival.auth)).status == 404
    theirs = await (await api.get("/api/quality/questions", headers=rival.auth)).json()
    assert theirs["questions"] == []
    ours = await (await api.get("/api/quality/questions", headers=owner.auth)).json()
    assert [q["id"] for q in ours["questions"]] == [mine["id"]]
    # A run of theirs answers their questions only (none), never ours.
    assert (await run(api, rival))["results"] == []


async def test_a_business_keeps_at_most_the_limit_of_questions(api: TestClient, owner: SignedUp) -> None:
    db = platform_of(api).db
    now = platform_of(api).clock.now()
    for number in range(MAX_QUESTIONS):
        await add_question(db, owner.tenant_id, OwnerQuestionIn(question=f"Question {number}?", expected="yes"), now)
    response = await api.post("/api/quality/questions", json={"question": "One more?", "expected": "yes"}, headers=owner.auth)
    assert response.status == 409
    error = (await response.json())["error"]
    assert error["code"] == "too_many_questions" and f"up to {MAX_QUESTIONS}" in error["message"]
    listed = await (await api.get("/api/quality/questions", headers=owner.auth)).json()
    assert len(listed["questions"]) == MAX_QUESTIONS


async def test_questions_go_with_the_account(api: TestClient, owner: SignedUp) -> None:
    await add(api, owner, "Do you deliver?", "yes")
    await run(api, owner)
    gone = await api.post("/api/account/delete", json={"password": owner.password}, headers=owner.auth)
    assert gone.status == 200, await gone.text()
    p = platform_of(api)
    assert await p.db.quality_questions.count_documents({"tenant_id": owner.tenant_id}) == 0
    assert await p.redis.get(f"quality-run:{owner.tenant_id}:last") is None


# Running them offline ----------------------------------------------------------------------------------------


async def test_offline_run_judges_each_reply_by_what_it_says(api: TestClient, owner: SignedUp) -> None:
    await seed_studio(api, owner.tenant_id)
    price = await add(api, owner, "How much is the Yoga Pass?", "$49")
    dog = await add(api, owner, "Can I bring my dog?", "on the TERRACE")
    wrong = await add(api, owner, "How much is the Yoga Pass?", "$99 | 99 dollars")
    unknown = await add(api, owner, "Do you take American Express?", "Amex | American Express cards")
    elsewhere = await add(api, owner, "How much is the Yoga Pass?", "$49", platform="instagram")

    answer = await run(api, owner)
    by_id = {r["id"]: r for r in answer["results"]}
    assert [r["id"] for r in answer["results"]] == [price["id"], dog["id"], wrong["id"], unknown["id"], elsewhere["id"]]
    assert answer["total"] == 5 and answer["skipped"] == 0 and answer["mode"] == "offline"

    assert by_id[price["id"]]["verdict"] == "answered" and "$49.00" in by_id[price["id"]]["reply"]
    assert by_id[dog["id"]]["verdict"] == "answered" and "terrace" in by_id[dog["id"]]["reply"]
    # The same reply, judged against an answer it does not give.
    assert by_id[wrong["id"]]["reply"] == by_id[price["id"]]["reply"]
    assert by_id[wrong["id"]]["verdict"] == "wrong"
    # Nothing about cards anywhere: the bot says the team will check, and that is not an answer.
    assert by_id[unknown["id"]]["verdict"] == "declined" and "team" in by_id[unknown["id"]]["reply"]
    # On Instagram the pass is not offered, so its price is not stated there.
    assert by_id[elsewhere["id"]]["platform"] == "instagram" and by_id[price["id"]]["platform"] == "facebook"
    assert "$49" not in by_id[elsewhere["id"]]["reply"] and by_id[elsewhere["id"]]["verdict"] != "answered"
    assert answer["answered"] == 2
    assert all(r["source"] == "offline" for r in answer["results"])


async def test_a_question_without_a_channel_is_asked_on_the_first_connected_one(
    api: TestClient, owner: SignedUp, api_graph
) -> None:
    await seed_studio(api, owner.tenant_id)
    fake_graph, _ = api_graph
    connected = await api.post(
        "/api/channels", json={"platform": "whatsapp", "account_id": "15550001", "access_token": "EAAB-token"}, headers=owner.auth
    )
    assert connected.status == 201, await connected.text()
    await add(api, owner, "How much is the Yoga Pass?", "$49")
    result = (await run(api, owner))["results"][0]
    # The pass is offered on Messenger only: asked on WhatsApp, the price is not given.
    assert result["platform"] == "whatsapp" and result["verdict"] != "answered"


async def test_asking_for_the_model_without_one_says_so(api: TestClient, owner: SignedUp) -> None:
    await add(api, owner, "Do you deliver?", "yes")
    response = await api.post("/api/quality/run", json={"model": True}, headers=owner.auth)
    assert response.status == 409
    error = (await response.json())["error"]
    assert error["code"] == "no_model" and "No AI model is set up" in error["message"]


async def test_a_run_body_with_unknown_fields_is_refused(api: TestClient, owner: SignedUp) -> None:
    response = await api.post("/api/quality/run", json={"model": "maybe"}, headers=owner.auth)
    assert response.status == 422 and "model" in (await response.json())["error"]["fields"]


async def test_runs_are_limited_per_business(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    await add(api, owner, "Do you deliver?", "yes")
    for _ in range(10):
        await run(api, owner)
    limited = await api.post("/api/quality/run", json={}, headers=owner.auth)
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "too many test runs" in (await limited.json())["error"]["message"]
    # Another business is not held back by it.
    assert (await api.post("/api/quality/run", json={}, headers=rival.auth)).status == 200


# Running them through the model -------------------------------------------------------------------------------


@pytest.fixture
async def fake_groq(aiohttp_server) -> FakeGroq:
    return await start_fake_groq(aiohttp_server)


@pytest.fixture
async def model_api(aiohttp_client, make_settings, redis, api_graph, fake_groq: FakeGroq) -> TestClient:  # noqa: ARG001 # requested for what it sets up
    """The whole app with a model set up, answering through the fake Groq server."""
    from tests.whole_app import create_app

    settings = make_settings(graph_api_url=api_graph[1], groq_api_key="test-key", groq_base_url=fake_groq.url, groq_timeout_s=5)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    owner_app_of(client.app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return client


def _customer_text(body: dict[str, Any]) -> str:
    return " ".join(str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "user")


def studio_model(body: dict[str, Any]) -> Behaviour:
    """A model that gets the price right and invents a car park the studio never mentions."""
    asked = _customer_text(body)
    if "parking" in asked:
        return tool_answer({"reply": "Yes, free parking for 200 cars right outside.", "facts_used": [], "sources": []})
    return tool_answer({"reply": "The Yoga Pass costs $49.00.", "facts_used": ["price:Yoga Pass"], "sources": []})


async def test_model_run_answers_through_the_model_and_blocks_what_it_invents(model_api: TestClient, fake_groq: FakeGroq) -> None:
    owner = await sign_up(model_api, "model@example.com")
    await seed_studio(model_api, owner.tenant_id)
    fake_groq.responder = studio_model
    price = await add(model_api, owner, "How much is the Yoga Pass?", "$49")
    parking = await add(model_api, owner, "Do you have parking?", "free parking")

    answer = await run(model_api, owner, model=True)
    by_id = {r["id"]: r for r in answer["results"]}
    assert answer["mode"] == "model" and answer["total"] == 2 and answer["answered"] == 1
    assert by_id[price["id"]]["verdict"] == "answered" and by_id[price["id"]]["source"] == "llm"
    assert "$49.00" in by_id[price["id"]]["reply"]
    # The invented car park never reaches the reply, and the owner is told why the answer is missing.
    assert by_id[parking["id"]]["verdict"] == "blocked"
    assert "200" not in by_id[parking["id"]]["reply"] and "parking" not in by_id[parking["id"]]["reply"].lower()
    assert fake_groq.requests, "the model was never asked"

    offline = await run(model_api, owner)
    assert offline["mode"] == "offline" and {r["source"] for r in offline["results"]} == {"offline"}


async def test_model_run_takes_the_first_questions_only(model_api: TestClient, fake_groq: FakeGroq) -> None:
    from dashboard.api.quality import MODEL_RUN_LIMIT

    owner = await sign_up(model_api, "many@example.com")
    await seed_studio(model_api, owner.tenant_id)
    fake_groq.responder = studio_model
    p = platform_of(model_api)
    for number in range(MODEL_RUN_LIMIT + 3):
        await add_question(
            p.db,
            owner.tenant_id,
            OwnerQuestionIn(question=f"How much is the Yoga Pass? ({number})", expected="$49"),
            p.clock.now(),
        )
    answer = await run(model_api, owner, model=True)
    assert answer["total"] == MODEL_RUN_LIMIT and answer["skipped"] == 3
    assert [r["question"] for r in answer["results"]][-1].endswith(f"({MODEL_RUN_LIMIT - 1})")


# The page ----------------------------------------------------------------------------------------------------


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def test_page_adds_runs_and_deletes_questions_through_forms(api: TestClient, owner: SignedUp) -> None:
    await seed_studio(api, owner.tenant_id)
    await form_login(api, owner)
    page = await api.get("/quality")
    assert page.status == 200
    html = await page.text()
    assert "No test questions yet" in html and 'href="/quality"' in html
    token = csrf_of(html)

    forged = await api.post("/quality/questions", data={"question": "Dog?", "expected": "terrace"}, allow_redirects=False)
    assert forged.status == 403
    added = await api.post(
        "/quality/questions",
        data={"csrf_token": token, "question": "Can I bring my dog?", "expected": "terrace", "platform": ""},
        allow_redirects=False,
    )
    assert added.status == 303
    await api.post(
        "/quality/questions",
        data={"csrf_token": token, "question": "Do you take American Express?", "expected": "Amex", "platform": "facebook"},
    )
    html = await (await api.get("/quality?notice=question_added")).text()
    assert "Question added" in html and "Can I bring my dog?" in html and "2 of 200" in html

    ran = await api.post("/quality/run", data={"csrf_token": token, "mode": "offline"}, allow_redirects=False)
    assert ran.status == 303
    html = await (await api.get("/quality")).text()
    assert "1 of 2 answered" in html
    assert "1 handed to your team" in html and "wrong answer" not in html
    assert "Answered" in html and "Handed to your team" in html
    assert "Dogs are welcome on the terrace" in html
    assert "Run with the AI model" not in html  # no model on this server

    question_id = (await (await api.get("/api/quality/questions")).json())["questions"][0]["id"]
    deleted = await api.post(f"/quality/questions/{question_id}/delete", data={"csrf_token": token}, allow_redirects=False)
    assert deleted.status == 303
    html = await (await api.get("/quality")).text()
    assert "1 of 200" in html and "Your questions changed since this run" in html


async def test_page_form_keeps_what_was_typed_and_names_the_problem(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    token = csrf_of(await (await api.get("/quality")).text())
    bad = await api.post("/quality/questions", data={"csrf_token": token, "question": "Do you deliver?", "expected": "?!"})
    assert bad.status == 422
    html = await bad.text()
    assert "Do you deliver?" in html
    assert re.search(r'id="f-expected-error">[^<]*at least one word or number', html)


async def test_page_deleting_another_business_question_is_not_found(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    theirs = await add(api, rival, "Do you deliver?", "yes")
    await form_login(api, owner)
    token = csrf_of(await (await api.get("/quality")).text())
    response = await api.post(f"/quality/questions/{theirs['id']}/delete", data={"csrf_token": token})
    assert response.status == 404
    listed = await (await api.get("/api/quality/questions", headers=rival.auth)).json()
    assert [q["id"] for q in listed["questions"]] == [theirs["id"]]


async def test_page_says_when_no_model_is_set_up(api: TestClient, owner: SignedUp) -> None:
    await add(api, owner, "Do you deliver?", "yes")
    await form_login(api, owner)
    token = csrf_of(await (await api.get("/quality")).text())
    response = await api.post("/quality/run", data={"csrf_token": token, "mode": "model"})
    assert response.status == 409
    assert "No AI model is set up" in await response.text()


async def test_page_offers_the_model_when_one_is_set_up(model_api: TestClient) -> None:
    owner = await sign_up(model_api, "page@example.com")
    await add(model_api, owner, "Do you deliver?", "yes")
    await form_login(model_api, owner)
    assert "Run with the AI model" in await (await model_api.get("/quality")).text()


async def test_the_api_description_documents_the_quality_operations(api: TestClient) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    paths = document["paths"]
    assert set(paths["/api/quality/questions"]) >= {"get", "post"}
    assert "delete" in paths["/api/quality/questions/{id}"]
    run_operation = paths["/api/quality/run"]["post"]
    assert {"200", "409", "429", "422"} <= set(run_operation["responses"])
    result = document["components"]["schemas"]["ResultOut"]
    assert set(result["properties"]["verdict"]["enum"]) == {"answered", "wrong", "declined", "blocked"}


async def test_page_says_when_the_question_list_is_full(api: TestClient, owner: SignedUp) -> None:
    p = platform_of(api)
    for number in range(MAX_QUESTIONS):
        await add_question(p.db, owner.tenant_id, OwnerQuestionIn(question=f"Question {number}?", expected="yes"), p.clock.now())
    await form_login(api, owner)
    token = csrf_of(await (await api.get("/quality")).text())
    full = await api.post("/quality/questions", data={"csrf_token": token, "question": "One more?", "expected": "yes"})
    assert full.status == 409
    html = await full.text()
    assert f"You can keep up to {MAX_QUESTIONS} test questions" in html and "One more?" in html
