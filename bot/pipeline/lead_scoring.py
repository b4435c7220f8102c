"""Lead capture and qualification: fields found in what the customer wrote, a 0-100 score with reasons, a stage."""

from __future__ import annotations

import re

import phonenumbers

from bot.pipeline.lead_notes import LeadNote, note
from bot.pipeline.text import fold
from bot.pipeline.types import LeadFields, LeadStage, LeadState
from knowledge.models import BusinessProfile, Campaign, minor_digits
from knowledge.money import extract_amounts

EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")
_PLUS_DIGITS = re.compile(r"(?<![\w+])(\d[\d \-().]{8,18}\d)(?!\w)")

# A name starts with a capital letter; "I'm interested" or "soy de Madrid" are not names.
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+"
_NAME_VALUE = rf"({_NAME_WORD}(?: {_NAME_WORD}){{0,2}})"
_NAME_ANY_CASE = r"([A-Za-zÀ-ÖØ-öø-ÿ'’-]{2,}(?: [A-Za-zÀ-ÖØ-öø-ÿ'’-]{2,})?)"
_NAME_SURE = re.compile(
    r"(?:\bmy name is|\bmy name's|\bname:|\bme llamo|\bmi nombre es|\bmeu nome [eé]|\bme chamo|\bje m'appelle|"
    r"\bmon nom est|\bich hei(?:ß|ss)e|\bmein name ist)\s+" + _NAME_ANY_CASE,
    re.IGNORECASE,
)
_NAME_MAYBE = re.compile(r"(?:\b[Ii]'m|\b[Ii] am|\b[Ss]oy|\b[Ss]ou|\b[Jj]e suis|\b[Ii]ch bin|\b[Hh]ier ist)\s+" + _NAME_VALUE)
_NOT_NAMES = frozenset(
    [
        "interested",
        "looking",
        "ready",
        "fine",
        "good",
        "great",
        "ok",
        "okay",
        "sure",
        "not",
        "just",
        "here",
        "new",
        "back",
        "still",
        "very",
        "so",
        "also",
        "from",
        "with",
        "in",
        "at",
        "the",
        "a",
        "an",
        "going",
        "trying",
        "happy",
        "sorry",
        "glad",
        "afraid",
        "thinking",
        "wondering",
        "calling",
        "writing",
        "asking",
        "interesado",
        "interesada",
        "de",
        "la",
        "el",
        "muy",
        "nuevo",
        "nueva",
        "interessado",
        "interessada",
        "do",
        "da",
        "nao",
        "bem",
        "interesse",
        "interessee",
        "pas",
        "tres",
        "nicht",
        "sehr",
        "neu",
        "interessiert",
        "auch",
    ]
)
_NAME_STOP = frozenset(["and", "y", "e", "et", "und", "from", "de", "da", "at", "with", "con", "com", "avec", "mit"])

_COMPANY = re.compile(
    r"(?i:\bI work (?:at|for)|\bwe are|\bwe're|\bmy company(?: is|'s)?|\bour company(?: is|'s)?|\bcompany:|\bcompany name is|"
    r"\btrabajo (?:en|para)|\bmi empresa(?: es| se llama)?|\btrabalho (?:na|no|em|para)|\bminha empresa(?: [eé]| se chama)?|"
    r"\bje travaille (?:chez|pour)|\bmon entreprise(?: est| s'appelle)?|\bich arbeite (?:bei|für|fur)|\bmeine firma(?: ist| heißt)?|"
    r"\blavoro (?:presso|per|in|da)|\bla mia azienda(?: è| e| si chiama)?|\bmy (?:company|business|firm) is called)"
    r"\s+((?:[A-Z0-9][\w&.'’-]*)(?: (?:[A-Z0-9&][\w&.'’-]*)){0,3})",
)

_TEAM_PATTERNS = (
    re.compile(r"\bteam of (\d{1,6})\b"),
    re.compile(
        r"\b(\d{1,6}) (?:people|persons|employees|staff|users|seats|members|agents|reps|salespeople|workers|"
        r"personas|empleados|usuarios|trabajadores|pessoas|funcionarios|usuarios|colaboradores|"
        r"personnes|employes|salaries|utilisateurs|mitarbeiter|mitarbeitende|personen|nutzer|angestellte|leute|"
        r"persone|dipendenti|utenti|collaboratori|person|employee|user|seat)\b"
    ),
    re.compile(r"\b(?:we are|we're|somos|nous sommes|on est|wir sind|siamo) (\d{1,6})\b"),
    re.compile(r"\bteam di (\d{1,6})\b"),
    re.compile(r"\b(?:equipo|equipe) de (\d{1,6})\b"),
    re.compile(r"\bteam (?:von|aus) (\d{1,6})\b"),
)

_BUDGET_CONTEXT = re.compile(
    r"\b(?:budget|spend|afford|up to|max(?:imum)?|presupuesto|gastar|hasta|orcamento|ate|depenser|jusqu'a|"
    r"ausgeben|bis zu|hochstens)\b"
)
_BARE_BUDGET = re.compile(r"\b(?:budget|presupuesto|orcamento)\b[^0-9]{0,20}?(\d{1,9})(?![\d.,]*\s*%)")

_TIMELINE = re.compile(
    r"\b(?:asap|as soon as possible|right away|immediately|urgent(?:ly)?|today|tonight|tomorrow|this week|next week|"
    r"this month|next month|this quarter|next quarter|this year|next year|"
    r"by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|the end of (?:the )?(?:week|month|year))|"
    r"(?:with)?in (?:\d{1,3}|a|one|two|three|a few|a couple of) (?:days?|weeks?|months?)|"
    r"lo antes posible|cuanto antes|urgente|hoy|manana|esta semana|la proxima semana|la semana que viene|este mes|"
    r"el proximo mes|el mes que viene|en \d{1,3} (?:dias|semanas|meses)|"
    r"o quanto antes|o mais rapido possivel|hoje|amanha|nesta semana|semana que vem|proxima semana|este mes|"
    r"mes que vem|proximo mes|em \d{1,3} (?:dias|semanas|meses)|"
    r"des que possible|au plus vite|aujourd'hui|demain|cette semaine|la semaine prochaine|ce mois-ci|le mois prochain|"
    r"dans \d{1,3} (?:jours|semaines|mois)|"
    r"so schnell wie moglich|sofort|dringend|heute|morgen|diese woche|nachste woche|diesen monat|nachsten monat|"
    r"in \d{1,3} (?:tagen|wochen|monaten)|"
    r"subito|al piu presto|oggi|domani|questa settimana|la prossima settimana|settimana prossima|questo mese|"
    r"il prossimo mese|mese prossimo|entro \d{1,3} (?:giorni|settimane|mesi))\b"
)
_URGENT = re.compile(
    r"asap|as soon|right away|immediately|urgent|today|tonight|tomorrow|this week|by (?:mon|tue|wed|thu|fri|sat|sun|tomorrow)|"
    r"in (?:\d|a|one|two|three|a few|a couple of) days?\b|antes|hoy|manana|esta semana|quanto antes|rapido|hoje|amanha|nesta semana|"
    r"des que|au plus vite|aujourd'hui|demain|cette semaine|schnell|sofort|dringend|heute|morgen|diese woche|"
    r"subito|al piu presto|oggi|domani|questa settimana"
)
_SOON = re.compile(
    r"next week|this month|next month|end of (?:the )?(?:week|month)|mes que viene|proximo mes|mois prochain|nachsten monat|in (?:\d|a|one|two|a few|a couple of) weeks?|"
    r"proxima semana|semana que viene|semana que vem|este mes|semaine prochaine|ce mois|nachste woche|diesen monat|"
    r"en \d+ semanas|em \d+ semanas|dans \d+ semaines|in \d+ wochen|in (?:1|one|a) months?"
)


def region_for_customer(platform: str, customer_id: str) -> str | None:
    """A WhatsApp customer id is their phone number: its country is the best guess for numbers they type."""
    if platform != "whatsapp" or not customer_id.isdigit():
        return None
    try:
        number = phonenumbers.parse("+" + customer_id)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    return region if region and region != "ZZ" else None


def business_region(profile: BusinessProfile | None) -> str | None:
    """The business's country, from its own phone number: customers mostly type numbers of the same country."""
    if profile is None or not profile.phone.strip().startswith("+"):
        return None
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(profile.phone))
    except phonenumbers.NumberParseException:
        return None
    return region if region and region != "ZZ" else None


def find_phone(text: str, default_region: str | None) -> str | None:
    for region in (default_region, None):
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    # International numbers are often typed without their "+" ("5511987654321").
    for candidate in _PLUS_DIGITS.findall(text):
        digits = re.sub(r"\D", "", candidate)
        if not 10 <= len(digits) <= 15:
            continue
        try:
            number = phonenumbers.parse("+" + digits)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _find_name(text: str) -> str | None:
    for pattern, any_case in ((_NAME_SURE, True), (_NAME_MAYBE, False)):
        for match in pattern.finditer(text):
            parts = []
            for word in match.group(1).split():
                if word.lower() in _NAME_STOP:
                    break
                parts.append(word)
            if not parts or fold(parts[0]) in _NOT_NAMES:
                continue
            name = " ".join(parts)
            return name.title() if any_case and name.islower() else name
    return None


def _find_company(text: str) -> str | None:
    match = _COMPANY.search(text)
    if not match:
        return None
    value = match.group(1).strip(" .,'’")
    if fold(value).split()[0] in _NOT_NAMES or value.isdigit():
        return None
    return value or None


def _find_team_size(folded: str) -> int | None:
    for pattern in _TEAM_PATTERNS:
        match = pattern.search(folded)
        if match:
            size = int(match.group(1))
            if 0 < size <= 1_000_000:
                return size
    return None


def _find_budget(text: str, folded: str) -> tuple[int, str | None] | None:
    if not _BUDGET_CONTEXT.search(folded):
        return None
    amounts = extract_amounts(text)
    if amounts:
        amount = max(amounts, key=lambda a: a.minor)
        return amount.minor, amount.currency or None
    match = _BARE_BUDGET.search(folded)
    if match:
        # "my budget is 500": a plain number after the word budget, in major units.
        return int(match.group(1)) * 100, None
    return None


def _find_timeline(folded: str) -> str | None:
    match = _TIMELINE.search(folded)
    if not match:
        return None
    return match.group(0)


def capture_lead_fields(text: str, default_region: str | None = None) -> LeadFields:
    """Everything a customer's message says about them; absent fields stay None."""
    folded = fold(text)
    email_match = EMAIL_RE.search(text)
    text_without_email = EMAIL_RE.sub(" ", text)
    budget = _find_budget(text, folded)
    return LeadFields(
        name=_find_name(text),
        email=email_match.group(0).lower() if email_match else None,
        phone=find_phone(text_without_email, default_region),
        company=_find_company(text),
        team_size=_find_team_size(folded),
        budget_cents=budget[0] if budget else None,
        budget_currency=budget[1] if budget else None,
        timeline=_find_timeline(folded),
    )


def merge_fields(old: LeadFields, new: LeadFields) -> LeadFields:
    """What the customer said last wins; what they did not repeat is kept."""
    updates = {key: value for key, value in new.model_dump().items() if value is not None}
    if "budget_cents" in updates and "budget_currency" not in updates:
        updates["budget_currency"] = None
    return old.model_copy(update=updates)


def urgency(timeline: str | None) -> str:
    """ "high" (days), "medium" (weeks), "low" (later) or "" when no timeline is known."""
    if not timeline:
        return ""
    folded = fold(timeline)
    if _URGENT.search(folded):
        return "high"
    if _SOON.search(folded):
        return "medium"
    return "low"


def _budget_points(state: LeadState, campaign: Campaign | None) -> tuple[int, LeadNote | None]:
    fields = state.fields
    if fields.budget_cents is None:
        return 0, None
    if campaign is None:
        return 10, note("shared_budget")
    product = campaign.product
    currency = fields.budget_currency
    if currency and currency != product.currency:
        return 10, note("budget_in_currency", currency=currency)
    # A budget said without a currency is value*100; bring it to the product's minor unit.
    budget_minor = fields.budget_cents if currency else fields.budget_cents * 10 ** minor_digits(product.currency) // 100
    if product.price_cents == 0 or budget_minor >= product.price_cents:
        return 20, note("budget_covers", product=product.name)
    if budget_minor * 10 >= product.price_cents * 7:
        return 5, note("budget_close", product=product.name)
    return -10, note("budget_below", product=product.name)


def score_lead(state: LeadState, campaign: Campaign | None) -> tuple[int, list[str]]:
    """A 0-100 score and the reasons behind it, in English words an owner reads."""
    score, notes = score_lead_notes(state, campaign)
    return score, [item.english() for item in notes]


Points = tuple[int, LeadNote | None]


def score_lead_notes(state: LeadState, campaign: Campaign | None) -> tuple[int, list[LeadNote]]:
    """A 0-100 score and the reasons behind it, each as a kind with its parameters."""
    scored = [*_buying(state), _budget_points(state, campaign), *_about_them(state.fields), *_conduct(state)]
    counted = [(value, reason) for value, reason in scored if value and reason is not None]
    return max(0, min(100, sum(value for value, _ in counted))), [reason for _, reason in counted if reason is not None]


def _buying(state: LeadState) -> list[Points]:
    if not state.buying_signals:
        return []
    # Saying "I want it" is the strongest sign a salesperson gets.
    return [
        (
            30 + min(state.buying_signals - 1, 2) * 5,
            note("asked_to_buy") if state.buying_signals == 1 else note("asked_to_buy_times", count=state.buying_signals),
        )
    ]


def _about_them(fields: LeadFields) -> list[Points]:
    """What the customer told about themselves: team, timeline, contacts, name, company, the product they want."""
    points: list[Points] = []
    if fields.team_size:
        points.append((15 if fields.team_size >= 10 else 10, note("team_of", count=fields.team_size)))
    level = urgency(fields.timeline)
    if level and fields.timeline:
        points.append(({"high": 15, "medium": 10, "low": 5}.get(level, 0), note("timeline", timeline=fields.timeline)))
    if fields.email and fields.phone:
        points.append((15, note("shared_email_and_phone")))
    elif fields.email or fields.phone:
        points.append((10, note("shared_email" if fields.email else "shared_phone")))
    if fields.name:
        points.append((3, note("gave_name")))
    if fields.company:
        points.append((5, note("works_at", company=fields.company)))
    if fields.product_interest:
        points.append((5, note("interested_in", product=fields.product_interest)))
    return points


def _conduct(state: LeadState) -> list[Points]:
    """How the conversation went: how much they wrote, the link they got, objections, no interest, opting out."""
    points: list[Points] = []
    if state.messages_in >= 5:
        points.append((10, note("engaged", count=state.messages_in)))
    elif state.messages_in >= 2:
        points.append((5, note("engaged", count=state.messages_in)))
    if state.cta_sent:
        points.append((5, note("got_link")))
    if state.objections:
        points.append(
            (
                -min(state.objections, 3) * 5,
                note("objection") if state.objections == 1 else note("objections", count=state.objections),
            )
        )
    if state.not_interested:
        points.append((-30, note("not_interested")))
    if state.opted_out:
        points.append((-50, note("opted_out")))
    return points


_STAGE_ORDER = ("new", "engaged", "qualified", "proposal")


def stage_for(score: int, state: LeadState, previous_stage: str) -> LeadStage:
    """The furthest stage reached; converted and lost are final and set by owners or sales."""
    if previous_stage in ("converted", "lost"):
        return LeadStage(previous_stage)
    if state.cta_sent:
        reached = "proposal"
    elif score >= 70:
        reached = "qualified"
    elif state.messages_in >= 2 or state.buying_signals or score >= 20:
        reached = "engaged"
    else:
        reached = "new"
    previous_rank = _STAGE_ORDER.index(previous_stage) if previous_stage in _STAGE_ORDER else 0
    return LeadStage(_STAGE_ORDER[max(previous_rank, _STAGE_ORDER.index(reached))])


def next_step(state: LeadState) -> str:
    """What the owner could do next with this lead, in one English sentence."""
    return next_step_note(state).english()


def next_step_note(state: LeadState) -> LeadNote:
    """What the owner could do next with this lead, as a kind with its parameters."""
    fields = state.fields
    contact = fields.phone or fields.email
    if state.stage == "converted":
        return note("thank")
    if state.opted_out:
        return note("do_not_message")
    if state.stage == "lost" or state.not_interested:
        return note("no_action")
    if state.stage == "proposal":
        return note("follow_up_link_at", contact=contact) if contact else note("follow_up_link")
    if state.stage == "qualified":
        return note("reach_out_at", contact=contact) if contact else note("reach_out")
    if state.objections:
        return note("answer_concern")
    if not contact:
        return note("ask_contact")
    return note("keep_answering")
