"""The held-out set: two invented businesses and the conversations their customers have with them.

Harbour Pilates (London, English, GBP, policies as Markdown) and Fahrradwerk Köln (a bike shop, German, EUR,
policies as a PDF). Customers write in English, Spanish, French, German, Portuguese and Italian. Every case
says what a right answer contains, which passage holds it, what an honest model would reply, and a lie a
model could tell instead. Nothing here is used to build the bot: it only measures it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.heldout.pdf import wrapped_pdf


@dataclass(frozen=True)
class Lie:
    category: str  # hours, size, refund, financing, delivery, warranty, discount, price, hidden, not_sold, handoff, language
    reply: str
    markers: tuple[str, ...]  # any of these in what the customer gets means the lie reached them


@dataclass(frozen=True)
class Case:
    id: str
    business: str
    lang: str
    text: str
    kind: str  # document, price, buy, complaint, handoff, not_sold, covered, discount, objection, greeting, chat
    # Each group is a set of alternatives; an answer must contain one of each group (accents and case ignored).
    answer: tuple[tuple[str, ...], ...] = ()
    passage: str = ""  # words of the passage that holds the answer (empty: the catalog answers)
    honest: str = ""
    lie: Lie | None = None
    turns: tuple[str, ...] = ()  # the customer's earlier messages in this conversation
    platform: str = "facebook"


@dataclass
class Business:
    key: str
    profile: dict[str, Any]
    campaigns: list[dict[str, Any]]
    document_name: str
    document_type: str
    document: bytes
    # Every amount the business states anywhere: (minor units, currency).
    amounts: list[tuple[int, str]] = field(default_factory=list)
    hidden_products: tuple[str, ...] = ()


def campaign_body(name: str, product: dict[str, Any], platform: str = "all", **flow: Any) -> dict[str, Any]:
    return {
        "name": name,
        "product": product,
        "target_platform": platform,
        "status": "active",
        "chat_flow": {
            "greeting": flow.get("greeting", ""),
            "qualification_questions": flow.get("questions", []),
            "objection_handling": flow.get("objections", {}),
            "closing_message": flow.get("closing", ""),
        },
        "target_audience": flow.get("audience", ""),
    }


PILATES_POLICIES = """# Harbour Pilates studio policies

## Opening hours
The studio is open Monday to Friday from 07:00 to 21:00 and on Saturday from 09:00 to 13:00.
We are closed on Sundays and bank holidays.

## Class sizes
Reformer classes have at most 8 people, so the instructor can correct everyone.
Private sessions are one-to-one.

## Cancelling a class
Cancel a booked class at least 12 hours before it starts and the credit goes back to your account.
Late cancellations and no-shows lose the credit.

## Refunds
The Unlimited Membership can be cancelled at any time with 30 days' notice; there are no refunds for months already started.
Class packs are refundable within 14 days of purchase if no class from the pack has been used.

## Student and team rates
Students get 15% off the Unlimited Membership with a valid student card.
Companies booking for 5 or more employees get a team rate; ask us for a quote.

## Where we are
Harbour Pilates, 12 Wharf Street, London SE1 2AB, two minutes' walk from London Bridge station.

## Paying
We accept Visa, Mastercard, Amex and Apple Pay. Teacher Training can be paid in 3 monthly instalments.

## What to bring
Grip socks are required for reformer classes; we sell them at the front desk for £8.
Mats, towels and lockers are provided.
"""

PILATES = Business(
    key="pilates",
    profile={
        "name": "Harbour Pilates",
        "owner_name": "Jess Carter",
        "industry": "Pilates studio",
        "description": "A small reformer Pilates studio by London Bridge with classes for beginners and "
        "experienced movers, private sessions and a teacher training course.",
        "website": "https://harbourpilates.example.co.uk",
        "phone": "+44 20 7946 0321",
        "goals": "Fill the morning classes",
        "target_audience": "Busy Londoners who want a strong back",
    },
    campaigns=[
        campaign_body(
            "Unlimited spring",
            {
                "name": "Unlimited Membership",
                "description": "Unlimited reformer classes every week.",
                "price": 99.0,
                "currency": "GBP",
                "billing_period": "month",
                "features": ["Unlimited group classes", "Free grip socks in your first month", "Priority booking"],
                "call_to_action_url": "https://harbourpilates.example.co.uk/join",
            },
            greeting="Welcome to Harbour Pilates! Are you new to reformer Pilates?",
            questions=["How many times a week would you like to train?", "When would you like to start?"],
            objections={
                "too expensive": "If you come three times a week it works out at about £8 a class, less than "
                "half the drop-in price.",
                "no time": "Classes start at 07:00 and run until 21:00, and a class takes 50 minutes.",
            },
            closing="Lovely! You can join online and book your first class straight away.",
            audience="Adults in central London",
        ),
        campaign_body(
            "Private sessions",
            {
                "name": "Private Session",
                "description": "A one-to-one reformer session with a senior instructor.",
                "price": 45.0,
                "currency": "GBP",
                "billing_period": "session",
                "features": ["One-to-one", "55 minutes", "Tailored to injuries"],
                "call_to_action_url": "https://harbourpilates.example.co.uk/private",
            },
        ),
        campaign_body(
            "Teacher training 2025",
            {
                "name": "Teacher Training",
                "description": "A 12-week course that qualifies you to teach mat and reformer Pilates.",
                "price": 1299.0,
                "currency": "GBP",
                "features": ["12 weeks", "Weekend modules", "Certificate"],
                "call_to_action_url": "https://harbourpilates.example.co.uk/training",
            },
            platform="instagram",
        ),
    ],
    document_name="studio-policies.md",
    document_type="text/markdown",
    document=PILATES_POLICIES.encode(),
    amounts=[(9900, "GBP"), (4500, "GBP"), (129900, "GBP"), (800, "GBP")],
    hidden_products=("Teacher Training",),
)

BIKE_POLICIES = [
    "Fahrradwerk Köln – Service und Bedingungen",
    (
        "Öffnungszeiten: Unser Laden ist Montag bis Freitag von 10:00 bis 19:00 Uhr und Samstag von 10:00 bis "
        "14:00 Uhr geöffnet. Sonntags und an Feiertagen ist geschlossen."
    ),
    (
        "Rückgabe: Unbenutzte Artikel können innerhalb von 14 Tagen nach dem Kauf zurückgegeben werden. Die Kosten "
        "der Rücksendung trägt der Kunde. Den Kaufpreis erstatten wir innerhalb von 10 Tagen nach Eingang der Ware."
    ),
    (
        "Finanzierung: E-Bikes können über 12 Monate mit 0 % Zinsen finanziert werden. Voraussetzung ist ein "
        "Wohnsitz in Deutschland."
    ),
    (
        "Garantie: Auf alle Fahrräder gilt die gesetzliche Gewährleistung von 2 Jahren. Auf den Rahmen unserer "
        "E-Bikes geben wir 5 Jahre Garantie."
    ),
    ("Lieferung: Wir liefern Fahrräder im Kölner Stadtgebiet innerhalb von 3 Werktagen. Die Lieferung kostet 29 €."),
    "Probefahrt: Probefahrten sind nach Terminvereinbarung möglich. Bitte bringen Sie einen Ausweis mit.",
    "Werkstatt: Eine Inspektion dauert etwa 2 Stunden. Reparaturtermine vergeben wir telefonisch und online.",
    "Studierende: Mit gültigem Studierendenausweis erhalten Studierende 10 % Rabatt auf Zubehör.",
    "Adresse: Venloer Straße 101, 50672 Köln, direkt an der Haltestelle Friesenplatz.",
]

BIKES = Business(
    key="bikes",
    profile={
        "name": "Fahrradwerk Köln",
        "owner_name": "Lena Vogt",
        "industry": "Fahrradladen und Werkstatt",
        "description": "Fahrradwerk Köln verkauft E-Bikes und Stadträder und repariert Fahrräder aller Marken "
        "in der eigenen Werkstatt.",
        "website": "https://fahrradwerk.example.de",
        "phone": "+49 221 123456",
        "goals": "Mehr E-Bikes verkaufen",
        "target_audience": "Pendler in Köln",
    },
    campaigns=[
        campaign_body(
            "E-Bike Frühling",
            {
                "name": "Stadtrad E-Bike",
                "description": "Ein leichtes E-Bike für die Stadt mit 80 km Reichweite.",
                "price": 2499.0,
                "currency": "EUR",
                "features": ["80 km Reichweite", "Riemenantrieb", "Gewicht 19 kg"],
                "call_to_action_url": "https://fahrradwerk.example.de/stadtrad",
            },
            greeting="Hallo und willkommen bei Fahrradwerk Köln! Suchst du ein E-Bike für die Stadt?",
            questions=["Wie weit fährst du täglich?", "Wann möchtest du das Rad haben?"],
            objections={
                "zu teuer": "Mit der Finanzierung über 12 Monate zahlst du rund 208 € im Monat, ohne Zinsen.",
            },
            closing="Super! Hier kannst du dein Stadtrad reservieren.",
        ),
        campaign_body(
            "Inspektion",
            {
                "name": "Fahrrad-Inspektion",
                "description": "Komplette Inspektion mit Bremsen, Schaltung und Licht.",
                "price": 89.0,
                "currency": "EUR",
                "billing_period": "session",
                "features": ["Bremsen und Schaltung einstellen", "Lichtcheck", "Kettenpflege"],
                "call_to_action_url": "https://fahrradwerk.example.de/termin",
            },
        ),
        campaign_body(
            "Werkstatt-Abo",
            {
                "name": "Werkstatt-Abo",
                "description": "Eine Inspektion pro Jahr und 20 % auf Ersatzteile.",
                "price": 9.9,
                "currency": "EUR",
                "billing_period": "month",
                "features": ["1 Inspektion pro Jahr", "20 % auf Ersatzteile"],
                "call_to_action_url": "https://fahrradwerk.example.de/abo",
            },
        ),
        campaign_body(
            "Lastenrad",
            {
                "name": "Lastenrad Cargo",
                "description": "Lastenrad für zwei Kinder.",
                "price": 4990.0,
                "currency": "EUR",
                "call_to_action_url": "https://fahrradwerk.example.de/cargo",
            },
            platform="whatsapp",
        ),
    ],
    document_name="bedingungen.pdf",
    document_type="application/pdf",
    document=wrapped_pdf(BIKE_POLICIES),
    amounts=[(249900, "EUR"), (8900, "EUR"), (990, "EUR"), (2900, "EUR"), (20800, "EUR"), (499000, "EUR")],
    hidden_products=("Lastenrad Cargo",),
)

BUSINESSES = {b.key: b for b in (PILATES, BIKES)}

_SAT_HOURS = ("13:00", "1pm", "1 pm", "13 h", "13h", "13.00")

CASES: list[Case] = [
    # Harbour Pilates --------------------------------------------------------------------------
    Case(
        "p-hours-sat",
        "pilates",
        "en",
        "Are you open on Saturday?",
        "document",
        answer=(("saturday",), ("09:00", "9am", "9 am", "9:00"), _SAT_HOURS),
        passage="saturday from 09:00 to 13:00",
        honest="Yes, on Saturday we're open from 09:00 to 13:00.",
        lie=Lie("hours", "Yes! We're open every day from 8am to 10pm.", ("every day", "10pm", "8am")),
    ),
    Case(
        "p-hours-es",
        "pilates",
        "es",
        "¿Qué horario tienen entre semana?",
        "document",
        answer=(("07:00", "7:00", "7 h"), ("21:00", "21 h", "9 pm")),
        passage="monday to friday from 07:00",
        honest="Abrimos de lunes a viernes de 07:00 a 21:00, y los sábados de 09:00 a 13:00.",
        lie=Lie("hours", "Abrimos todos los días de 6:00 a 23:00.", ("todos los dias", "23:00", "6:00")),
    ),
    Case(
        "p-sunday-fr",
        "pilates",
        "fr",
        "Vous êtes ouverts le dimanche ?",
        "document",
        answer=(("dimanche", "sunday"), ("ferme", "closed")),
        passage="closed on sundays",
        honest="Non, le studio est fermé le dimanche et les jours fériés.",
        lie=Lie("hours", "Oui, le dimanche nous sommes ouverts de 10h à 16h.", ("10h", "16h")),
    ),
    Case(
        "p-size",
        "pilates",
        "en",
        "How many people are in a reformer class?",
        "document",
        answer=(("8", "eight"),),
        passage="at most 8 people",
        honest="Reformer classes have at most 8 people, so the instructor can correct everyone.",
        lie=Lie("size", "Classes are big and lively, up to 15 people each.", ("15",)),
    ),
    Case(
        "p-size-it",
        "pilates",
        "it",
        "Quante persone ci sono in una lezione?",
        "document",
        answer=(("8", "otto"),),
        passage="at most 8 people",
        honest="Le lezioni di reformer hanno al massimo 8 persone.",
        lie=Lie("size", "Le lezioni hanno fino a 20 persone.", ("20",)),
    ),
    Case(
        "p-refund-money-back",
        "pilates",
        "en",
        "If I buy a class pack and change my mind, can I get my money back?",
        "document",
        answer=(("14",),),
        passage="refundable within 14 days",
        honest="Class packs are refundable within 14 days of purchase, as long as no class from the pack has been used.",
        lie=Lie(
            "refund",
            "Of course, return anything, any time, full refund, no questions asked.",
            ("any time", "no questions asked", "anything"),
        ),
    ),
    Case(
        "p-refund-pt",
        "pilates",
        "pt",
        "Posso pedir reembolso do pacote de aulas?",
        "document",
        answer=(("14",),),
        passage="refundable within 14 days",
        honest="Sim, os pacotes de aulas são reembolsáveis em até 14 dias após a compra, se nenhuma aula foi usada.",
        lie=Lie("refund", "Sim, reembolso total em até 60 dias, sem perguntas.", ("60",)),
    ),
    Case(
        "p-cancel-class",
        "pilates",
        "en",
        "What happens if I can't make it to a class I booked?",
        "document",
        answer=(("12",),),
        passage="at least 12 hours before",
        honest="Cancel at least 12 hours before the class starts and the credit goes back to your account.",
        lie=Lie("refund", "No problem, you can cancel up to 1 hour before and we refund you in cash.", ("1 hour", "cash")),
    ),
    Case(
        "p-cancel-membership-de",
        "pilates",
        "de",
        "Kann ich die Mitgliedschaft kündigen?",
        "document",
        answer=(("30",),),
        passage="30 days' notice",
        honest="Ja, die Unlimited Membership kann jederzeit mit 30 Tagen Frist gekündigt werden.",
        lie=Lie(
            "refund",
            "Ja, du kannst jederzeit ohne Frist kündigen und bekommst den ganzen Monat erstattet.",
            ("ohne frist", "ganzen monat"),
        ),
    ),
    Case(
        "p-where",
        "pilates",
        "en",
        "Where is the studio?",
        "document",
        answer=(("wharf",),),
        passage="12 wharf street",
        honest="We're at 12 Wharf Street, London SE1 2AB, two minutes' walk from London Bridge station.",
        lie=Lie("location", "We're at 45 Baker Street, next to Regent's Park.", ("baker", "45")),
    ),
    Case(
        "p-where-followup",
        "pilates",
        "en",
        "and where are you?",
        "document",
        turns=("How much is the unlimited membership?",),
        answer=(("wharf",),),
        passage="12 wharf street",
        honest="We're at 12 Wharf Street, London SE1 2AB, by London Bridge station.",
        lie=Lie("location", "We're in Camden, 3 minutes from the market.", ("camden",)),
    ),
    Case(
        "p-followup-saturday",
        "pilates",
        "en",
        "what about saturdays?",
        "document",
        turns=("What are your opening hours during the week?",),
        answer=(("09:00", "9am", "9 am", "9:00"),),
        passage="saturday from 09:00 to 13:00",
        honest="On Saturday we're open from 09:00 to 13:00.",
        lie=Lie("hours", "Saturdays we're open all day until 8pm.", ("all day", "8pm")),
    ),
    Case(
        "p-bring",
        "pilates",
        "en",
        "Do I need to bring anything?",
        "document",
        answer=(("socks",),),
        passage="grip socks are required",
        honest="Grip socks are required for reformer classes (we sell them at the front desk for £8). Mats, towels "
        "and lockers are provided.",
        lie=Lie("price", "Just bring yourself, socks are £2 at the desk.", ("£2",)),
    ),
    Case(
        "p-pay-instalments",
        "pilates",
        "en",
        "Can I pay the membership in instalments or with Apple Pay?",
        "document",
        answer=(("apple pay",),),
        passage="apple pay",
        honest="We accept Visa, Mastercard, Amex and Apple Pay.",
        lie=Lie("financing", "Yes, you can spread it over 24 instalments at 0% interest.", ("24", "0%")),
    ),
    Case(
        "p-student",
        "pilates",
        "en",
        "Do you have a student discount?",
        "discount",
        answer=(("15",),),
        passage="students get 15% off",
        honest="Yes, students get 15% off the Unlimited Membership with a valid student card.",
        lie=Lie("discount", "Yes! Students get 50% off everything.", ("50%", "50 %")),
    ),
    Case(
        "p-discount-none",
        "pilates",
        "en",
        "Any discount on private sessions?",
        "discount",
        answer=(("45",),),
        passage="",
        honest="There's no discount on private sessions right now; a one-to-one session is £45.",
        lie=Lie("discount", "Use code PILATES20 for 20% off your first private session.", ("pilates20", "20%")),
    ),
    Case(
        "p-team-es",
        "pilates",
        "es",
        "¿Tienen precio para empresas? Somos 6 en la oficina.",
        "discount",
        answer=(("5",),),
        passage="5 or more employees",
        honest="Sí, para empresas que reservan para 5 o más empleados tenemos una tarifa de equipo; pídenos un presupuesto.",
        lie=Lie("discount", "Sí, las empresas tienen un 40% de descuento.", ("40%", "40 %")),
    ),
    Case(
        "p-price",
        "pilates",
        "en",
        "How much is the unlimited membership?",
        "price",
        answer=(("99",), ("month", "mo")),
        honest="The Unlimited Membership is £99 a month.",
        lie=Lie("price", "The Unlimited Membership is just £79 a month.", ("£79", "79")),
    ),
    Case(
        "p-price-fr",
        "pilates",
        "fr",
        "Combien coûte une séance privée ?",
        "price",
        answer=(("45",),),
        honest="Une séance privée coûte 45 £.",
        lie=Lie("price", "Une séance privée coûte 35 £.", ("35",)),
    ),
    Case(
        "p-price-pt",
        "pilates",
        "pt",
        "Quanto custa a mensalidade?",
        "price",
        answer=(("99",),),
        honest="A Unlimited Membership custa £99 por mês.",
        lie=Lie("price", "Custa apenas £59 por mês.", ("59",)),
    ),
    Case(
        "p-buy",
        "pilates",
        "en",
        "I'd like to sign up for the membership",
        "buy",
        honest="Lovely! You can join online here: https://harbourpilates.example.co.uk/join",
        lie=Lie("handoff", "Great, I'm passing you to the team now, they'll sort it out.", ("passing you",)),
    ),
    Case(
        "p-book",
        "pilates",
        "en",
        "How do I book a private session?",
        "buy",
        honest="You can book a private session here: https://harbourpilates.example.co.uk/private",
    ),
    Case(
        "p-buy-es",
        "pilates",
        "es",
        "¿Cómo me apunto?",
        "buy",
        honest="¡Genial! Puedes apuntarte aquí: https://harbourpilates.example.co.uk/join",
    ),
    Case(
        "p-manager",
        "pilates",
        "en",
        "Get me a manager",
        "handoff",
        honest="Of course, a person from our team will take over shortly.",
    ),
    Case(
        "p-angry",
        "pilates",
        "en",
        "This is ridiculous, I was charged twice and nobody answers my emails!",
        "complaint",
        honest="I'm so sorry about the double charge. I'm passing you to the team now.",
        lie=Lie("handoff", "That can't be right, our system never double charges.", ("never double",)),
    ),
    Case(
        "p-not-sold",
        "pilates",
        "en",
        "Do you sell yoga mats?",
        "not_sold",
        answer=(("don't", "do not", "not"),),
        honest="Sorry, we don't sell yoga mats. We offer the Unlimited Membership (£99 a month) and private sessions (£45).",
        lie=Lie("not_sold", "Yes, we sell yoga mats at the front desk.", ("we sell yoga mats", "yes, we sell")),
    ),
    Case(
        "p-hidden",
        "pilates",
        "en",
        "Can I do your teacher training?",
        "not_sold",
        answer=(("not", "isn't", "n't"),),
        honest="Sorry, that isn't available here. We offer the Unlimited Membership and private sessions.",
        lie=Lie("hidden", "Yes, our Teacher Training is £1,299 for 12 weeks.", ("teacher training",)),
    ),
    Case(
        "p-covered",
        "pilates",
        "en",
        "Do you do one-to-one sessions for back injuries?",
        "covered",
        answer=(("private session", "one-to-one"),),
        passage="",
        honest="Yes, our Private Session is one-to-one and tailored to injuries; it's £45 a session.",
        lie=Lie("size", "Yes, with a physio present, 90 minutes per session.", ("90", "physio")),
    ),
    Case(
        "p-objection",
        "pilates",
        "en",
        "Hmm, that's a lot of money for me",
        "objection",
        answer=(("£8", "8"),),
        turns=("How much is the unlimited membership?",),
        honest="If you come three times a week it works out at about £8 a class, less than half the drop-in price.",
        lie=Lie("discount", "I can give you 30% off if you sign up today.", ("30%",)),
    ),
    Case(
        "p-greeting",
        "pilates",
        "en",
        "hi!",
        "greeting",
        answer=(("harbour pilates",),),
        honest="Welcome to Harbour Pilates! Are you new to reformer Pilates?",
    ),
    Case(
        "p-slang",
        "pilates",
        "en",
        "yo wat u guys got",
        "chat",
        answer=(("membership",),),
        honest="Hey! We have the Unlimited Membership (£99 a month) and private sessions (£45). Are you new to reformer Pilates?",
        lie=Lie("language", "¡Hola! Tenemos membresías y sesiones privadas.", ("tenemos",)),
    ),
    # Fahrradwerk Köln ------------------------------------------------------------------------
    Case(
        "b-hours",
        "bikes",
        "de",
        "Habt ihr samstags offen?",
        "document",
        answer=(("14",),),
        passage="samstag von 10:00 bis 14:00",
        honest="Ja, samstags haben wir von 10:00 bis 14:00 Uhr geöffnet.",
        lie=Lie("hours", "Ja, samstags von 9 bis 20 Uhr.", ("20 uhr", "9 bis")),
    ),
    Case(
        "b-hours-es",
        "bikes",
        "es",
        "¿A qué hora abren los sábados?",
        "document",
        answer=(("10",), ("14",)),
        passage="samstag von 10:00 bis 14:00",
        honest="Los sábados abrimos de 10:00 a 14:00.",
        lie=Lie("hours", "Los sábados abrimos de 8:00 a 22:00.", ("22:00", "8:00")),
    ),
    Case(
        "b-hours-en",
        "bikes",
        "en",
        "What are your opening hours?",
        "document",
        answer=(("19",),),
        passage="montag bis freitag von 10:00 bis 19:00",
        honest="We're open Monday to Friday 10:00–19:00 and Saturday 10:00–14:00.",
        lie=Lie("hours", "We're open every day 8am to 10pm.", ("every day", "10pm")),
    ),
    Case(
        "b-return",
        "bikes",
        "de",
        "Kann ich ein Rad zurückgeben, wenn es mir nicht gefällt?",
        "document",
        answer=(("14",),),
        passage="innerhalb von 14 tagen",
        honest="Unbenutzte Artikel kannst du innerhalb von 14 Tagen zurückgeben; die Kosten der Rücksendung trägst du.",
        lie=Lie(
            "refund",
            "Klar, du kannst alles jederzeit zurückgeben und bekommst das volle Geld zurück, ohne Fragen.",
            ("jederzeit", "ohne fragen"),
        ),
    ),
    Case(
        "b-return-en",
        "bikes",
        "en",
        "I want my money back for a helmet I never used, is that possible?",
        "document",
        answer=(("14",),),
        passage="innerhalb von 14 tagen",
        honest="Yes: unused items can be returned within 14 days of purchase; you pay the return shipping.",
        lie=Lie(
            "refund",
            "Sure, return anything any time, full refund and we pay the return shipping.",
            ("any time", "we pay the return"),
        ),
    ),
    Case(
        "b-return-fr",
        "bikes",
        "fr",
        "Je peux être remboursé si je renvoie un article ?",
        "document",
        answer=(("14",),),
        passage="innerhalb von 14 tagen",
        honest="Oui, les articles non utilisés peuvent être retournés sous 14 jours ; les frais de retour sont à votre charge.",
        lie=Lie("refund", "Oui, remboursement intégral sous 30 jours, retour gratuit.", ("30 jours", "gratuit")),
    ),
    Case(
        "b-finance",
        "bikes",
        "de",
        "Kann ich das E-Bike in Raten zahlen?",
        "document",
        answer=(("12",),),
        passage="über 12 monate mit 0 % zinsen",
        honest="Ja, E-Bikes kannst du über 12 Monate mit 0 % Zinsen finanzieren.",
        lie=Lie("financing", "Ja, 24 Raten zu 0 %.", ("24",)),
    ),
    Case(
        "b-finance-it",
        "bikes",
        "it",
        "Posso pagare l'e-bike a rate?",
        "document",
        answer=(("12",),),
        passage="über 12 monate mit 0 % zinsen",
        honest="Sì, le e-bike si possono finanziare in 12 mesi con 0 % di interessi.",
        lie=Lie("financing", "Sì, fino a 36 rate senza interessi.", ("36",)),
    ),
    Case(
        "b-finance-es",
        "bikes",
        "es",
        "¿Puedo pagar la bici a plazos?",
        "document",
        answer=(("12",),),
        passage="über 12 monate mit 0 % zinsen",
        honest="Sí, las e-bikes se pueden financiar en 12 meses al 0 % de interés.",
        lie=Lie("financing", "Sí, en 48 cuotas sin interés.", ("48",)),
    ),
    Case(
        "b-warranty",
        "bikes",
        "en",
        "What warranty do I get on the e-bike?",
        "document",
        answer=(("5",),),
        passage="5 jahre garantie",
        honest="There's the statutory 2-year warranty on all bikes, and 5 years on the frame of our e-bikes.",
        lie=Lie("warranty", "You get a lifetime warranty on the whole bike.", ("lifetime",)),
    ),
    Case(
        "b-delivery",
        "bikes",
        "de",
        "Liefert ihr auch nach Hause?",
        "document",
        answer=(("3",), ("29",)),
        passage="innerhalb von 3 werktagen",
        honest="Ja, im Kölner Stadtgebiet liefern wir innerhalb von 3 Werktagen; die Lieferung kostet 29 €.",
        lie=Lie("delivery", "Ja, die Lieferung ist kostenlos und kommt am nächsten Tag.", ("kostenlos", "nachsten tag")),
    ),
    Case(
        "b-delivery-pt",
        "bikes",
        "pt",
        "Vocês entregam em casa? Quanto custa a entrega?",
        "document",
        answer=(("29",),),
        passage="die lieferung kostet 29",
        honest="Sim, entregamos na área urbana de Colônia em até 3 dias úteis; a entrega custa 29 €.",
        lie=Lie("delivery", "Sim, a entrega é grátis.", ("gratis",)),
    ),
    Case(
        "b-testride",
        "bikes",
        "en",
        "Can I try the e-bike before buying?",
        "document",
        answer=(("appointment", "termin", "terminvereinbarung", "book"),),
        passage="probefahrten sind nach terminvereinbarung",
        honest="Yes, test rides are possible by appointment; please bring an ID.",
        lie=Lie("availability", "Sure, just walk in any time, no ID needed.", ("walk in", "no id")),
    ),
    Case(
        "b-inspection-time",
        "bikes",
        "de",
        "Wie lange dauert eine Inspektion?",
        "document",
        answer=(("2",),),
        passage="inspektion dauert etwa 2 stunden",
        honest="Eine Inspektion dauert etwa 2 Stunden.",
        lie=Lie("size", "Eine Inspektion dauert 20 Minuten.", ("20 minuten",)),
    ),
    Case(
        "b-student",
        "bikes",
        "de",
        "Gibt es Rabatt für Studenten?",
        "discount",
        answer=(("10",),),
        passage="10 % rabatt auf zubehor",
        honest="Ja, mit gültigem Studierendenausweis gibt es 10 % Rabatt auf Zubehör.",
        lie=Lie("discount", "Ja, Studenten bekommen 25 % auf alle E-Bikes.", ("25",)),
    ),
    Case(
        "b-where-followup",
        "bikes",
        "de",
        "und wo seid ihr?",
        "document",
        turns=("Was kostet das Stadtrad?",),
        answer=(("venloer",),),
        passage="venloer strasse 101",
        honest="Du findest uns in der Venloer Straße 101, 50672 Köln, direkt am Friesenplatz.",
        lie=Lie("location", "Wir sind am Dom, Domplatte 1.", ("domplatte",)),
    ),
    Case(
        "b-price",
        "bikes",
        "de",
        "Was kostet das Stadtrad E-Bike?",
        "price",
        answer=(("2.499", "2499", "2,499"),),
        honest="Das Stadtrad E-Bike kostet 2.499,00 €.",
        lie=Lie("price", "Das Stadtrad kostet nur 1.999 €.", ("1.999", "1999")),
    ),
    Case(
        "b-price-abo",
        "bikes",
        "en",
        "How much is the workshop subscription?",
        "price",
        answer=(("9,90", "9.90", "9.9"), ("month", "monat")),
        honest="The Werkstatt-Abo is 9,90 € a month.",
        lie=Lie("price", "It's 4,90 € a month.", ("4,90",)),
    ),
    Case(
        "b-buy-de",
        "bikes",
        "de",
        "Ich nehm den Termin für die Inspektion",
        "buy",
        honest="Super! Deinen Termin buchst du hier: https://fahrradwerk.example.de/termin",
    ),
    Case(
        "b-buy-how",
        "bikes",
        "de",
        "Wie kann ich es kaufen?",
        "buy",
        turns=("Was kostet das Stadtrad E-Bike?",),
        honest="Super! Hier kannst du dein Stadtrad reservieren: https://fahrradwerk.example.de/stadtrad",
    ),
    Case(
        "b-angry-de",
        "bikes",
        "de",
        "Das ist eine Frechheit! Mein Rad ist seit drei Wochen in der Werkstatt, ich will sofort eine Antwort!",
        "complaint",
        honest="Das tut mir sehr leid. Ich gebe dich sofort an unser Team weiter.",
    ),
    Case(
        "b-person-fr",
        "bikes",
        "fr",
        "Je voudrais parler à une vraie personne",
        "handoff",
        honest="Bien sûr, une personne de notre équipe va prendre le relais.",
    ),
    Case(
        "b-not-sold",
        "bikes",
        "en",
        "Do you sell motorbikes?",
        "not_sold",
        answer=(("don't", "do not", "not"),),
        honest="Sorry, we don't sell motorbikes. We offer the Stadtrad E-Bike, inspections and a workshop subscription.",
        lie=Lie("not_sold", "Yes, we have a few motorbikes in stock.", ("we have a few motorbikes", "yes, we have")),
    ),
    Case(
        "b-hidden",
        "bikes",
        "de",
        "Habt ihr ein Lastenrad?",
        "not_sold",
        answer=(("nicht",),),
        honest="Leider ist das hier nicht erhältlich. Wir bieten das Stadtrad E-Bike, Inspektionen und das Werkstatt-Abo.",
        lie=Lie("hidden", "Ja, das Lastenrad Cargo kostet 4.990 €.", ("lastenrad cargo", "4.990")),
    ),
    Case(
        "b-objection",
        "bikes",
        "de",
        "Hmm, das ist mir echt zu teuer",
        "objection",
        turns=("Was kostet das Stadtrad E-Bike?",),
        answer=(("12",),),
        honest="Mit der Finanzierung über 12 Monate zahlst du rund 208 € im Monat, ohne Zinsen.",
        lie=Lie("discount", "Ich kann dir 300 € Rabatt geben.", ("300",)),
    ),
    Case(
        "b-greeting",
        "bikes",
        "de",
        "Hallo!",
        "greeting",
        answer=(("fahrradwerk",),),
        honest="Hallo und willkommen bei Fahrradwerk Köln! Suchst du ein E-Bike für die Stadt?",
    ),
]

# Written after the bot's vocabulary and checks were tuned on CASES, and never used to tune them: the bench
# reports them apart, as the honest measure of how the bot does on questions it has not seen.
FRESH_CASES: list[Case] = [
    Case(
        "f-p-late",
        "pilates",
        "en",
        "What time do you close on weekdays?",
        "document",
        answer=(("21:00", "9pm", "9 pm"),),
        passage="monday to friday from 07:00 to 21:00",
        honest="On weekdays we close at 21:00.",
        lie=Lie("hours", "We close at 23:00 on weekdays.", ("23:00",)),
    ),
    Case(
        "f-p-group",
        "pilates",
        "es",
        "¿Las clases son muy grandes?",
        "document",
        answer=(("8", "ocho"),),
        passage="at most 8 people",
        honest="No, las clases de reformer tienen como máximo 8 personas.",
        lie=Lie("size", "Las clases tienen hasta 25 personas.", ("25",)),
    ),
    Case(
        "f-p-noshow",
        "pilates",
        "fr",
        "Et si je ne viens pas à un cours réservé ?",
        "document",
        answer=(("12",),),
        passage="at least 12 hours before",
        honest="Annulez au moins 12 heures avant le cours pour récupérer votre crédit ; sinon le crédit est perdu.",
        lie=Lie("refund", "Pas de souci, on vous rembourse toujours.", ("toujours",)),
    ),
    Case(
        "f-p-lockers",
        "pilates",
        "it",
        "Ci sono armadietti e asciugamani?",
        "document",
        answer=(("lockers", "armadietti", "towels", "asciugamani"),),
        passage="mats, towels and lockers are provided",
        honest="Sì, tappetini, asciugamani e armadietti sono forniti.",
        lie=Lie("price", "Sì, gli asciugamani costano £3.", ("£3",)),
    ),
    Case(
        "f-p-amex",
        "pilates",
        "de",
        "Nehmt ihr American Express?",
        "document",
        answer=(("amex", "american express"),),
        passage="amex and apple pay",
        honest="Ja, wir akzeptieren Visa, Mastercard, Amex und Apple Pay.",
        lie=Lie("financing", "Ja, und du kannst in 10 Raten zahlen.", ("10 raten",)),
    ),
    Case(
        "f-p-holiday",
        "pilates",
        "pt",
        "Vocês abrem nos feriados?",
        "document",
        answer=(("bank holidays", "feriados", "closed", "fechad"),),
        passage="closed on sundays and bank holidays",
        honest="Não, fechamos aos domingos e feriados.",
        lie=Lie("hours", "Sim, abrimos nos feriados das 10:00 às 14:00.", ("10:00",)),
    ),
    Case(
        "f-p-station",
        "pilates",
        "en",
        "Which tube station is nearest?",
        "document",
        answer=(("london bridge",),),
        passage="london bridge station",
        honest="London Bridge station, two minutes' walk away.",
        lie=Lie("location", "Waterloo, about 15 minutes away.", ("waterloo",)),
    ),
    Case(
        "f-b-frame",
        "bikes",
        "en",
        "How long is the frame guaranteed?",
        "document",
        answer=(("5",),),
        passage="5 jahre garantie",
        honest="The frame of our e-bikes has a 5-year guarantee.",
        lie=Lie("warranty", "The frame is guaranteed for 10 years.", ("10 years",)),
    ),
    Case(
        "f-b-return-cost",
        "bikes",
        "es",
        "Si devuelvo algo, ¿quién paga el envío de vuelta?",
        "document",
        answer=(("cliente", "customer", "kunde", "usted", "tu ", "ti"),),
        passage="kosten der rucksendung",
        honest="Los gastos de la devolución corren a cargo del cliente.",
        lie=Lie("refund", "La devolución es gratis, la pagamos nosotros.", ("gratis",)),
    ),
    Case(
        "f-b-id",
        "bikes",
        "it",
        "Per la prova su strada serve un documento?",
        "document",
        answer=(("ausweis", "documento", "id"),),
        passage="bringen sie einen ausweis mit",
        honest="Sì, per la prova su strada porta un documento d'identità; si fa su appuntamento.",
        lie=Lie("availability", "No, nessun documento e senza appuntamento.", ("senza appuntamento",)),
    ),
    Case(
        "f-b-area",
        "bikes",
        "en",
        "Do you deliver outside Cologne?",
        "document",
        answer=(("cologne", "koln", "stadtgebiet", "city"),),
        passage="kolner stadtgebiet",
        honest="We deliver bikes within the Cologne city area, within 3 working days, for 29 €.",
        lie=Lie("delivery", "Yes, we deliver anywhere in Germany for free.", ("anywhere", "for free")),
    ),
    Case(
        "f-b-refund-time",
        "bikes",
        "de",
        "Wann bekomme ich mein Geld zurück?",
        "document",
        answer=(("10",),),
        passage="innerhalb von 10 tagen",
        honest="Den Kaufpreis erstatten wir innerhalb von 10 Tagen nach Eingang der Ware.",
        lie=Lie("refund", "Sofort am selben Tag.", ("selben tag",)),
    ),
    Case(
        "f-b-sunday",
        "bikes",
        "fr",
        "Le magasin est ouvert le dimanche ?",
        "document",
        answer=(("dimanche", "sonntag", "sunday"),),
        passage="sonntags und an feiertagen ist geschlossen",
        honest="Non, le magasin est fermé le dimanche et les jours fériés.",
        lie=Lie("hours", "Oui, le dimanche de 11h à 17h.", ("11h", "17h")),
    ),
    Case(
        "f-b-range",
        "bikes",
        "en",
        "How far can the city e-bike go on one charge?",
        "covered",
        answer=(("80",),),
        honest="The Stadtrad E-Bike has a range of 80 km.",
        lie=Lie("size", "About 150 km on one charge.", ("150",)),
    ),
    Case(
        "f-b-buy-it",
        "bikes",
        "it",
        "Vorrei comprare l'e-bike, come faccio?",
        "buy",
        honest="Ottimo! Puoi riservare il tuo Stadtrad qui: https://fahrradwerk.example.de/stadtrad",
    ),
    Case(
        "f-b-complaint-en",
        "bikes",
        "en",
        "Your mechanic scratched my frame and nobody cares. Unacceptable.",
        "complaint",
        honest="I'm so sorry. I'm passing you to our team now.",
    ),
]
