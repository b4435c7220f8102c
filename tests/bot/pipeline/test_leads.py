"""Lead capture (emails, phones, budgets, team sizes, timelines, names), scoring and stages."""

from __future__ import annotations

import pytest

from bot.pipeline.lead_scoring import (
    capture_lead_fields,
    merge_fields,
    next_step,
    region_for_customer,
    score_lead,
    stage_for,
    urgency,
)
from bot.pipeline.types import LeadFields, LeadState
from tests.bot.samples import COACHING, YOGA_MAT


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("my email is Maria.Lopez+yoga@Example.com thanks", "maria.lopez+yoga@example.com"),
        ("escríbeme a juan_perez@correo.es", "juan_perez@correo.es"),
        ("contact: a.b@sub.domain.co.uk.", "a.b@sub.domain.co.uk"),
    ],
)
def test_emails(text: str, email: str) -> None:
    assert capture_lead_fields(text).email == email


def test_no_email_in_plain_text() -> None:
    assert capture_lead_fields("email me later @ home").email is None


@pytest.mark.parametrize(
    ("text", "region", "phone"),
    [
        ("call me at (415) 555-2671", "US", "+14155552671"),
        ("my number is +44 7911 123456", None, "+447911123456"),
        ("mi número es 612 34 56 78", "ES", "+34612345678"),
        ("meu whats é (11) 98765-4321", "BR", "+5511987654321"),
        ("appelez-moi au 06 12 34 56 78", "FR", "+33612345678"),
        ("Handy: 0151 23456789", "DE", "+4915123456789"),
        ("reach me on 5511987654321", None, "+5511987654321"),
        ("+1 415 555 2671 is my cell", "BR", "+14155552671"),
    ],
)
def test_phones_are_normalized_to_e164(text: str, region: str | None, phone: str) -> None:
    assert capture_lead_fields(text, region).phone == phone


def test_amounts_and_team_sizes_are_not_phones() -> None:
    fields = capture_lead_fields("We are a team of 12, budget is $5000 and we need it by 2025", "US")
    assert fields.phone is None


def test_a_whatsapp_id_gives_the_customers_country() -> None:
    assert region_for_customer("whatsapp", "5511987654321") == "BR"
    assert region_for_customer("whatsapp", "447400123456") == "GB"
    assert region_for_customer("facebook", "5511987654321") is None
    region = region_for_customer("whatsapp", "5511987654321")
    assert capture_lead_fields("liga pra mim: (21) 99876-5432", region).phone == "+5521998765432"


@pytest.mark.parametrize(
    ("text", "cents", "currency"),
    [
        ("my budget is $500", 50000, "USD"),
        ("We can spend up to 1,200 EUR", 120000, "EUR"),
        ("Tengo un presupuesto de 300 euros", 30000, "EUR"),
        ("orçamento de R$ 2.500,00", 250000, "BRL"),
        ("budget 800", 80000, None),
    ],
)
def test_budgets(text: str, cents: int, currency: str | None) -> None:
    fields = capture_lead_fields(text)
    assert (fields.budget_cents, fields.budget_currency) == (cents, currency)


def test_a_price_mentioned_without_budget_words_is_not_a_budget() -> None:
    assert capture_lead_fields("is it $49?").budget_cents is None


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("we're a team of 12", 12),
        ("about 50 employees", 50),
        ("for 8 people", 8),
        ("somos 15 personas", 15),
        ("equipe de 30", 30),
        ("nous sommes 6", 6),
        ("wir sind 20 Mitarbeiter", 20),
    ],
)
def test_team_sizes(text: str, size: int) -> None:
    assert capture_lead_fields(text).team_size == size


@pytest.mark.parametrize(
    ("text", "timeline", "level"),
    [
        ("we need it ASAP", "asap", "high"),
        ("this week if possible", "this week", "high"),
        ("by Friday", "by friday", "high"),
        ("next month", "next month", "medium"),
        ("in 3 months", "in 3 months", "low"),
        ("lo antes posible", "lo antes posible", "high"),
        ("la semana que viene", "la semana que viene", "medium"),
    ],
)
def test_timelines(text: str, timeline: str, level: str) -> None:
    fields = capture_lead_fields(text)
    assert fields.timeline == timeline
    assert urgency(fields.timeline) == level


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My name is Maria Lopez", "Maria Lopez"),
        ("my name is john", "John"),
        ("Hi, I'm Ana and I need a mat", "Ana"),
        ("me llamo Carlos", "Carlos"),
        ("Je m'appelle Claire", "Claire"),
        ("Ich heiße Jonas", "Jonas"),
    ],
)
def test_names(text: str, name: str) -> None:
    assert capture_lead_fields(text).name == name


@pytest.mark.parametrize("text", ["I'm interested in the mat", "I'm not sure", "soy de Madrid", "I am looking for a mat"])
def test_phrases_that_are_not_names(text: str) -> None:
    assert capture_lead_fields(text).name is None


def test_company() -> None:
    assert capture_lead_fields("I work at Globex Corp and we need mats").company == "Globex Corp"
    assert capture_lead_fields("mi empresa es Acme Latam").company == "Acme Latam"


def test_merge_keeps_old_fields_and_takes_new_ones() -> None:
    old = LeadFields(name="Ana", email="ana@old.com", budget_cents=50000, budget_currency="USD")
    new = LeadFields(email="ana@new.com", budget_cents=70000)
    merged = merge_fields(old, new)
    assert merged.name == "Ana"
    assert merged.email == "ana@new.com"
    assert (merged.budget_cents, merged.budget_currency) == (70000, None)


def test_a_ready_buyer_scores_high_with_reasons() -> None:
    state = LeadState(
        fields=LeadFields(
            email="a@b.com",
            phone="+14155552671",
            budget_cents=10000,
            budget_currency="USD",
            timeline="asap",
            team_size=12,
            product_interest="Yoga Mat Pro",
        ),
        buying_signals=1,
        messages_in=4,
    )
    score, reasons = score_lead(state, YOGA_MAT)
    assert score >= 70
    assert "Budget covers the price of Yoga Mat Pro" in reasons
    assert "Asked to buy" in reasons
    assert "Team of 12" in reasons
    assert any(reason.startswith("Timeline") for reason in reasons)
    assert "Shared email and phone" in reasons


def test_a_budget_below_the_price_and_objections_lower_the_score() -> None:
    low = LeadState(fields=LeadFields(budget_cents=2000, budget_currency="EUR"), objections=2, messages_in=3)
    score, reasons = score_lead(low, COACHING)
    assert "Budget is below the price of Online Coaching" in reasons
    assert "Raised 2 objections" in reasons
    assert score < 20
    keen = LeadState(fields=LeadFields(budget_cents=20000, budget_currency="EUR"), messages_in=3)
    assert score_lead(keen, COACHING)[0] > score


def test_disinterest_and_opt_out_sink_the_score() -> None:
    state = LeadState(fields=LeadFields(email="a@b.com"), messages_in=3, not_interested=True, opted_out=True)
    score, reasons = score_lead(state, YOGA_MAT)
    assert score == 0
    assert "Opted out of messages" in reasons


def test_a_silent_newcomer_scores_zero() -> None:
    assert score_lead(LeadState(messages_in=1), None) == (0, [])


def test_stages_move_forward_only() -> None:
    state = LeadState(messages_in=1)
    assert stage_for(0, state, "new") == "new"
    assert stage_for(10, state.model_copy(update={"messages_in": 2}), "new") == "engaged"
    assert stage_for(75, state, "engaged") == "qualified"
    assert stage_for(40, state.model_copy(update={"cta_sent": True}), "qualified") == "proposal"
    assert stage_for(10, state, "qualified") == "qualified"
    assert stage_for(95, state.model_copy(update={"cta_sent": True}), "converted") == "converted"
    assert stage_for(95, state, "lost") == "lost"


def test_next_step_suggestions() -> None:
    assert "email or phone" in next_step(LeadState(stage="engaged"))
    assert "+14155552671" in next_step(LeadState(stage="qualified", fields=LeadFields(phone="+14155552671")))
    assert "opted out" in next_step(LeadState(stage="engaged", opted_out=True))
    assert "purchase link" in next_step(LeadState(stage="proposal", cta_sent=True))


async def test_a_ready_buyer_is_qualified_as_a_salesperson_would() -> None:
    from bot.pipeline.compose import run_turn
    from tests.bot.samples import COACHING, context

    text = (
        "We're a team of 5 and our budget is 150 EUR. We need it this week. "
        "I want to start the trial, my email is jo@firm.example"
    )
    result = await run_turn(context(text, campaign=COACHING), model=None, timeout_s=1)
    assert result.lead.score >= 70, result.lead.reasons
    assert result.lead.stage in ("qualified", "proposal")
    assert "Budget covers the price of Online Coaching" in result.lead.reasons


async def test_a_complaint_is_never_urgency_and_hands_over() -> None:
    from bot.pipeline.compose import run_turn
    from tests.bot.samples import context

    result = await run_turn(context("Das ist eine Frechheit, ich will sofort eine Antwort!"), model=None, timeout_s=1)
    assert result.reply.handoff and "leid" in result.reply.text
    assert result.lead.fields.timeline is None
    assert not any(reason.startswith("Timeline") for reason in result.lead.reasons)


def test_phone_numbers_are_read_with_the_business_country() -> None:
    from bot.pipeline.lead_scoring import business_region, capture_lead_fields
    from knowledge.models import BusinessProfile

    uk = business_region(BusinessProfile(name="Studio", phone="+44 20 7946 0321"))
    de = business_region(BusinessProfile(name="Laden", phone="+49 221 123456"))
    assert (uk, de) == ("GB", "DE")
    assert capture_lead_fields("call me on 07911 123456", uk).phone == "+447911123456"
    assert capture_lead_fields("meine Nummer ist 0151 23456789", de).phone == "+4915123456789"


def test_company_and_team_in_other_languages() -> None:
    from bot.pipeline.lead_scoring import capture_lead_fields

    italian = capture_lead_fields("Lavoro presso Rossi Srl, siamo 8 persone")
    assert italian.company == "Rossi Srl" and italian.team_size == 8
    assert capture_lead_fields("Ich arbeite bei Müller GmbH, wir sind 12").company == "Müller GmbH"
