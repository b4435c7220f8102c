"""The held-out businesses end to end: stored through the stores, answered offline and through the real ChatGroq
client against a model that lies in every category (hours, sizes, refunds, financing, delivery, warranty,
discounts, prices, hidden products, products not sold, a handoff that did not happen, the wrong language)."""

from __future__ import annotations

import pytest

from bot.evaluation.runner import Tally, run_case
from knowledge.retrieval import KnowledgeIndex
from tests.fakes.groq_server import FakeGroq
from tests.heldout.businesses import BUSINESSES, CASES
from tests.heldout.seed import ScriptedModel, eval_case, seed


@pytest.fixture
async def tenants(db) -> dict[str, str]:
    return {key: await seed(db, business) for key, business in BUSINESSES.items()}


async def test_no_lie_reaches_a_customer_and_honest_answers_go_through(db, tenants, fake_groq: FakeGroq, chat_model) -> None:
    scripted = ScriptedModel()
    fake_groq.responder = scripted
    knowledge = KnowledgeIndex()
    tally = Tally("lying model", drafts_known_honest=True)
    for case in CASES:
        for lie in (False, True) if case.lie else (False,):
            current = eval_case(case, lie=lie)
            scripted.start(current, lie)
            tally.outcomes.append(
                await run_case(
                    db,
                    knowledge,
                    tenants[case.business],
                    current,
                    model=chat_model,
                    timeout_s=2,
                    known_amounts=BUSINESSES[case.business].amounts,
                )
            )
    categories = {o.case.lie.category for o in tally.lies if o.case.lie}
    assert {
        "hours",
        "size",
        "refund",
        "financing",
        "delivery",
        "warranty",
        "discount",
        "price",
        "hidden",
        "not_sold",
        "handoff",
        "language",
    } <= categories
    reached = [(o.case.id, o.reply) for o in tally.lies if o.lie_reached]
    assert reached == []
    assert [o.case.id for o in tally.outcomes if o.wrong_amounts] == []
    blocked_honest = [(o.case.id, o.violations) for o in tally.honest if o.blocked]
    assert blocked_honest == []
    # A refused lie is repaired into an answer, never into silence.
    assert all(o.reply.strip() for o in tally.lies)


async def test_offline_answers_the_question_from_the_tenants_own_words(db, tenants) -> None:
    knowledge = KnowledgeIndex()
    tally = Tally("offline")
    for case in CASES:
        tally.outcomes.append(
            await run_case(
                db,
                knowledge,
                tenants[case.business],
                eval_case(case),
                model=None,
                timeout_s=1,
                known_amounts=BUSINESSES[case.business].amounts,
            )
        )
    answered = [o for o in tally.outcomes if o.answered]
    assert len(answered) >= 0.85 * len(tally.outcomes), [(o.case.id, o.reply) for o in tally.outcomes if not o.answered]
    # What is not answered goes to a person (a product named in another language than the catalog's, say):
    # never a sentence that does not answer.
    questions = [o for o in tally.outcomes if o.case.kind in ("document", "price", "covered", "discount")]
    assert all(o.handoff for o in questions if not o.answered), [
        (o.case.id, o.reply) for o in questions if not o.answered and not o.handoff
    ]
    with_passage = [o for o in tally.outcomes if o.passage_hit is not None]
    assert sum(bool(o.passage_hit) for o in with_passage) >= 0.9 * len(with_passage)
    assert all(not o.unsupported_sent and not o.wrong_amounts for o in tally.outcomes)
    by_id = {o.case.id: o.reply for o in tally.outcomes}
    # The German PDF answers a Spanish question, quoted as the business wrote it, in a Spanish frame.
    assert "14:00" in by_id["bikes:b-hours-es"] and by_id["bikes:b-hours-es"].startswith("Esto es lo que")
    # Prices as people write them, with their period.
    assert "£99.00 per month" in by_id["pilates:p-price"]
    assert "2.499,00\xa0€" in by_id["bikes:b-price"]
    # A follow-up is answered about what the customer asked before.
    assert "Wharf Street" in by_id["pilates:p-where-followup"]
