"""A frozen evaluation set for retrieval and offline answers: three businesses nobody tuned on.

Written before the vocabulary, retrieval and sentence selection it measures were changed, and not edited since.
Do not add to it or fix it to make a figure move: write a new set instead.

- Sorriso do Tejo: a dental clinic in Lisbon, EUR, its patient rules as a Portuguese PDF.
- Lingua Viva: a language school in Milan, EUR, rules in Italian (Markdown) and an English FAQ for students
  from abroad.
- Eastside Commons: a coworking space in Austin, USD, a member handbook in English.

Customers ask in English, Spanish, French, German, Portuguese and Italian: paraphrases, slang, typos,
follow-ups, questions answered by a document in another language, and questions no document answers. For each
answerable question the set records the sentence that answers it, a short `needle` of that sentence that
carries the fact (how retrieval is scored: the needle must be inside a passage that reaches the prompt; PDF
lines break sentences across passages, so the whole sentence cannot be the test), and what a right answer must
contain. `english` is the standalone English question a translating model would write for the search (follow-ups
resolved, typos fixed); only the query-rewriting measurement reads it.

`split` says how the set may be used: "tune" businesses may be looked at while improving the bot; the
"untouched" one is only ever measured, as the figure to expect on a business nobody has seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.heldout.businesses import campaign_body  # one way to write a campaign for every quality set
from tests.heldout.pdf import wrapped_pdf


@dataclass(frozen=True)
class Document:
    name: str
    content_type: str
    text: str  # the document's words as the owner wrote them (a PDF is built from them)

    @property
    def data(self) -> bytes:
        if self.content_type == "application/pdf":
            return wrapped_pdf([paragraph for paragraph in self.text.split("\n\n") if paragraph.strip()])
        return self.text.encode()


@dataclass
class Shop:
    key: str
    split: str  # "tune" or "untouched"
    doc_langs: tuple[str, ...]
    profile: dict[str, Any]
    campaigns: list[dict[str, Any]]
    documents: list[Document]
    # Every amount the business states anywhere: (minor units, currency).
    amounts: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Question:
    id: str
    shop: str
    lang: str
    text: str
    kind: str  # "document" (a document answers), "price" (the catalog answers), "unanswerable"
    english: str
    # Each group is a set of alternatives; a right answer contains one of each group (accents and case ignored).
    answer: tuple[tuple[str, ...], ...] = ()
    sentence: str = ""  # the sentence of a document that answers
    needle: str = ""  # the words of that sentence that carry the fact
    amount: tuple[int, str] | None = None  # for "price": the amount a right answer states
    turns: tuple[str, ...] = ()  # the customer's earlier messages
    tags: tuple[str, ...] = ()  # paraphrase, slang, typo, follow-up, cross-language


# Sorriso do Tejo ------------------------------------------------------------------------------------------------

DENTAL_RULES = """Clínica Dentária Sorriso do Tejo – Informações e regulamento para pacientes

Horário de funcionamento. A clínica está aberta de segunda a sexta-feira, das 9h00 às 20h00. Ao sábado atendemos das 9h00 às 13h00, apenas com marcação. Aos domingos e feriados a clínica está encerrada.

Urgências. As urgências dentárias de pacientes da clínica são atendidas no próprio dia, sempre que possível, até às 18h00. Fora do horário, deixe mensagem no WhatsApp e respondemos no dia útil seguinte.

Consultas e preços. A primeira consulta de avaliação custa 35 € e é descontada se iniciar o tratamento no prazo de 30 dias. Uma higiene oral (destartarização e polimento) custa 65 €. Uma radiografia panorâmica custa 25 €. Os orçamentos são gratuitos e válidos por 90 dias. Emitimos fatura com NIF em todos os pagamentos; basta indicar o número de contribuinte na receção.

Marcações e faltas. As consultas podem ser marcadas por telefone, por WhatsApp ou no nosso site. Pedimos que desmarque com pelo menos 24 horas de antecedência. Faltas sem aviso prévio têm um custo de 20 €, cobrado na consulta seguinte. Se chegar com mais de 15 minutos de atraso, a consulta poderá ter de ser remarcada.

Reembolsos. Os pagamentos de tratamentos já realizados não são reembolsáveis. Se desistir de um tratamento pago antecipadamente, devolvemos o valor das sessões não realizadas no prazo de 14 dias. O sinal pago para reservar uma cirurgia é devolvido se desmarcar com pelo menos 7 dias de antecedência.

Formas de pagamento. Aceitamos numerário, Multibanco, MB WAY e cartões Visa e Mastercard. Não aceitamos cheques nem American Express. Tratamentos acima de 500 € podem ser pagos em até 10 prestações sem juros com cartão de crédito.

Seguros e acordos. Temos acordo com os seguros Médis, Multicare e AdvanceCare. Com outros seguros, entregamos a fatura-recibo para pedir o reembolso à sua seguradora. Não temos acordo com a ADSE.

Como chegar. Estamos na Rua da Junqueira 214, 1300-346 Lisboa, em Alcântara. O elétrico 15 para a 100 metros da porta, na paragem Junqueira. A estação de comboio mais próxima é Alcântara-Mar, a 5 minutos a pé. Há estacionamento pago na rua e um parque público no Largo do Calvário; não temos estacionamento próprio. A clínica fica no rés-do-chão e tem acesso para cadeiras de rodas.

Crianças e acompanhantes. Atendemos crianças a partir dos 3 anos. A primeira consulta infantil é gratuita até aos 12 anos. Os menores de 16 anos devem vir acompanhados por um adulto responsável. Pode trazer um acompanhante para a sala de consulta.

O que trazer. Na primeira consulta traga o cartão de cidadão ou passaporte, o cartão do seguro e radiografias recentes, se as tiver. Se toma medicação, traga a lista dos medicamentos.

Garantias. Os implantes têm garantia de 10 anos e as coroas de 5 anos, desde que faça uma consulta de revisão por ano. O branqueamento não tem garantia de resultado, porque a resposta varia de pessoa para pessoa.

Tratamentos. O branqueamento em consultório demora cerca de 90 minutos. Não fazemos branqueamento a grávidas nem a menores de 18 anos. Os alinhadores invisíveis exigem uma consulta de controlo a cada 8 semanas. Após uma extração, evite comer durante 2 horas e não beba bebidas quentes nesse dia. Usamos anestesia local em todos os tratamentos que possam causar dor. Falamos português, inglês e francês.

Contactos. Telefone 21 346 0192, e-mail geral@sorrisodotejo.example.pt."""

DENTAL = Shop(
    key="dental",
    split="untouched",
    doc_langs=("pt",),
    profile={
        "name": "Sorriso do Tejo",
        "owner_name": "Marta Figueiredo",
        "industry": "Clínica dentária",
        "description": "Clínica dentária familiar em Alcântara, Lisboa: consultas, higiene oral, branqueamento, "
        "alinhadores invisíveis e implantes.",
        "website": "https://sorrisodotejo.example.pt",
        "phone": "+351 21 346 0192",
        "goals": "Mais pacientes para higiene e branqueamento",
        "target_audience": "Famílias de Lisboa ocidental",
    },
    campaigns=[
        campaign_body(
            "Check-up",
            {
                "name": "Check-up e Higiene Oral",
                "description": "Consulta de avaliação com higiene oral completa.",
                "price": 65.0,
                "currency": "EUR",
                "billing_period": "session",
                "features": ["Consulta de avaliação", "Destartarização e polimento", "Conselhos de escovagem"],
                "call_to_action_url": "https://sorrisodotejo.example.pt/marcar",
            },
            greeting="Olá! Bem-vindo à Sorriso do Tejo. Em que podemos ajudar?",
            questions=["Já é paciente da clínica?", "Que dia lhe dava jeito?"],
            closing="Ótimo! Pode marcar aqui a sua consulta.",
        ),
        campaign_body(
            "Branqueamento",
            {
                "name": "Branqueamento Dentário",
                "description": "Branqueamento em consultório numa sessão.",
                "price": 290.0,
                "currency": "EUR",
                "features": ["Uma sessão em consultório", "Avaliação prévia incluída"],
                "call_to_action_url": "https://sorrisodotejo.example.pt/branqueamento",
            },
        ),
        campaign_body(
            "Alinhadores",
            {
                "name": "Alinhadores Invisíveis",
                "description": "Ortodontia com alinhadores transparentes.",
                "price": 2900.0,
                "currency": "EUR",
                "features": ["Plano digital 3D", "Consultas de controlo incluídas"],
                "call_to_action_url": "https://sorrisodotejo.example.pt/alinhadores",
            },
        ),
        campaign_body(
            "Implantes",
            {
                "name": "Implante Dentário",
                "description": "Implante com coroa em cerâmica.",
                "price": 1200.0,
                "currency": "EUR",
                "call_to_action_url": "https://sorrisodotejo.example.pt/implantes",
            },
            platform="whatsapp",
        ),
    ],
    documents=[Document("regulamento-pacientes.pdf", "application/pdf", DENTAL_RULES)],
    amounts=[
        (3500, "EUR"),
        (6500, "EUR"),
        (2500, "EUR"),
        (2000, "EUR"),
        (50000, "EUR"),
        (29000, "EUR"),
        (290000, "EUR"),
        (120000, "EUR"),
    ],
)

# Lingua Viva ----------------------------------------------------------------------------------------------------

SCHOOL_RULES = """# Scuola Lingua Viva – Regolamento

## Orari
La segreteria è aperta dal lunedì al venerdì dalle 9:00 alle 19:00.
Il sabato la segreteria è aperta dalle 9:30 alle 12:30.
La domenica la scuola è chiusa.
I corsi serali si svolgono dalle 18:30 alle 20:30.
La scuola resta chiusa dal 10 al 24 agosto e durante le vacanze di Natale.

## Classi e livelli
Le classi hanno da un minimo di 4 a un massimo di 10 studenti.
Se un corso non raggiunge 4 iscritti, proponiamo un altro orario o il rimborso completo.
Prima dell'inizio ogni studente fa un test di livello gratuito online.
I livelli vanno dall'A1 al C1 secondo il Quadro comune europeo.

## Iscrizione e pagamenti
Per iscriversi si paga una quota di iscrizione di 50 €, valida un anno.
Il saldo del corso va pagato entro il primo giorno di lezione.
Accettiamo bonifico bancario, carte di credito e di debito (Visa, Mastercard), PayPal e Satispay.
Non accettiamo contanti.
I corsi annuali si possono pagare in 3 rate senza interessi.
Rilasciamo fattura; le aziende devono indicare partita IVA e codice SDI.

## Ritiri e rimborsi
Chi si ritira almeno 7 giorni prima dell'inizio del corso riceve il rimborso totale, esclusa la quota di iscrizione.
Dopo l'inizio del corso non sono previsti rimborsi, ma è possibile spostare le lezioni rimanenti a un corso successivo entro 6 mesi.
Le lezioni private vanno disdette con almeno 24 ore di anticipo, altrimenti sono addebitate per intero.
Le lezioni di gruppo perse non si recuperano, ma il materiale è disponibile sulla piattaforma online.
Garanzia soddisfatti: se dopo la prima lezione il corso non fa per te, lo cambi o ti rimborsiamo.

## Età e attestati
I corsi di gruppo sono per adulti dai 16 anni in su.
Per i ragazzi dagli 11 ai 15 anni organizziamo corsi estivi a luglio.
Al termine del corso rilasciamo un attestato di frequenza a chi ha seguito almeno l'80% delle lezioni.

## Dove siamo
La scuola si trova in Via Paolo Sarpi 38, 20154 Milano, al secondo piano.
La fermata della metropolitana più vicina è Moscova (linea verde M2), a 7 minuti a piedi.
Nella via c'è una rastrelliera per biciclette, ma non abbiamo parcheggio per auto.
L'edificio ha l'ascensore.

## Cosa portare
Il libro di testo costa 30 € e si acquista in segreteria il primo giorno.
Porta un quaderno e, se vuoi, il tuo portatile: c'è il Wi-Fi gratuito in tutte le aule.

## Contatti
Per informazioni scrivi a info@linguaviva.example.it o chiama lo 02 8736 4410.
"""

SCHOOL_FAQ = """# Lingua Viva – FAQ for international students

**Do you help with accommodation?** Yes, we can arrange a room with a host family from 180 € per week, breakfast included.

**Do I need a visa?** Students from outside the EU who stay more than 90 days need a study visa. We send the enrolment letter within 5 working days of payment.

**Can I get a refund if my visa is refused?** Yes: if your visa is refused we refund everything except a 100 € handling fee, once you send us the refusal letter.

**Can I take the CILS exam with you?** We are an official CILS exam centre; exams take place in June and December.

**Is there a social programme?** Every Friday we organise a free aperitivo, and a guided walk around Milan once a month.

**What if I want to start in the middle of a course?** You can join a group course on any Monday, if there is a place at your level.

**Do you offer online lessons?** Private lessons can also be held on Zoom at the same price.

**How long is a lesson?** A group lesson lasts 90 minutes with a 10-minute break.

**Can you pick me up at the airport?** An airport transfer from Malpensa costs 70 € one way.
"""

SCHOOL = Shop(
    key="school",
    split="tune",
    doc_langs=("it", "en"),
    profile={
        "name": "Lingua Viva",
        "owner_name": "Giulia Ferri",
        "industry": "Scuola di lingue",
        "description": "Scuola di lingue a Milano, nel quartiere Sarpi: corsi di italiano per stranieri e di "
        "inglese per adulti, in piccoli gruppi o con lezioni private.",
        "website": "https://linguaviva.example.it",
        "phone": "+39 02 8736 4410",
        "goals": "Riempire i corsi intensivi estivi",
        "target_audience": "Adulti e studenti internazionali a Milano",
    },
    campaigns=[
        campaign_body(
            "Italiano intensivo",
            {
                "name": "Corso intensivo di italiano",
                "description": "Quattro settimane, 20 ore a settimana.",
                "price": 520.0,
                "currency": "EUR",
                "features": ["4 settimane", "20 ore a settimana", "Test di livello incluso"],
                "call_to_action_url": "https://linguaviva.example.it/intensivo",
            },
            greeting="Ciao! Benvenuto a Lingua Viva. Vuoi imparare l'italiano?",
            questions=["Che livello hai?", "Quando vorresti iniziare?"],
            closing="Perfetto! Ti puoi iscrivere qui.",
        ),
        campaign_body(
            "Inglese serale",
            {
                "name": "Corso serale di inglese",
                "description": "Due sere a settimana per un trimestre.",
                "price": 390.0,
                "currency": "EUR",
                "features": ["Due sere a settimana", "Gruppi fino a 10", "Docenti madrelingua"],
                "call_to_action_url": "https://linguaviva.example.it/inglese",
            },
        ),
        campaign_body(
            "Lezioni private",
            {
                "name": "Lezione privata",
                "description": "Una lezione individuale, in sede o su Zoom.",
                "price": 40.0,
                "currency": "EUR",
                "billing_period": "hour",
                "features": ["Individuale", "In sede o su Zoom"],
                "call_to_action_url": "https://linguaviva.example.it/privata",
            },
        ),
        campaign_body(
            "CILS",
            {
                "name": "Preparazione esame CILS",
                "description": "Corso di preparazione all'esame CILS B1.",
                "price": 260.0,
                "currency": "EUR",
                "call_to_action_url": "https://linguaviva.example.it/cils",
            },
            platform="instagram",
        ),
    ],
    documents=[
        Document("regolamento.md", "text/markdown", SCHOOL_RULES),
        Document("faq-international.md", "text/markdown", SCHOOL_FAQ),
    ],
    amounts=[
        (5000, "EUR"),
        (3000, "EUR"),
        (18000, "EUR"),
        (10000, "EUR"),
        (7000, "EUR"),
        (52000, "EUR"),
        (39000, "EUR"),
        (4000, "EUR"),
        (26000, "EUR"),
    ],
)

# Eastside Commons -----------------------------------------------------------------------------------------------

COWORK_HANDBOOK = """# Eastside Commons – Member handbook and FAQ

## Hours and access
Members with a Hot Desk or Dedicated Desk membership have 24/7 access with their key card.
The front desk is staffed Monday to Friday from 8:30 am to 6 pm.
Day pass holders can use the space Monday to Friday from 8:30 am to 6 pm.
On weekends the building is open to members only; day passes are not sold on Saturdays and Sundays.
We are closed to day guests on federal holidays.
Tours run every weekday at 11 am and 3 pm.

## Billing
Memberships are billed monthly on the 1st of each month, and the first month is prorated.
Prices do not include Austin sales tax of 8.25%.
A refundable key card deposit of $25 is charged when you join.
Annual prepayment gets two months free.
Company invoices can be paid by check on net-30 terms for teams of 5 or more.

## Cancellations and refunds
You can cancel a membership with 30 days' written notice by email to the front desk.
We do not refund partial months.
Day passes are non-refundable but can be moved to another weekday within 30 days.
Meeting room bookings cancelled less than 24 hours ahead are charged in full.

## Paying
We accept Visa, Mastercard, American Express and Discover, plus ACH bank transfer for memberships.
We don't take cash at the front desk.

## Getting here
Eastside Commons is at 1801 East 6th Street, Austin, TX 78702.
Free parking is available in the lot behind the building for members; day pass guests park on the street.
The 4 and 17 CapMetro buses stop right outside.
There is covered bike storage and a shower on the ground floor.
The building is wheelchair accessible, with an elevator to all three floors.

## Space and capacity
The space has 120 desks across three floors.
Meeting rooms seat 4, 8 or 12 people.
The event hall holds up to 60 people standing or 40 seated.
The third floor is a quiet zone with no phone calls.
Phone booths are first come, first served, for up to 30 minutes.

## What to bring
Bring a photo ID on your first day to get your key card.
Dedicated desks come with a 27-inch monitor, a lockable drawer and an ergonomic chair; hot desks do not include a monitor.
Bring your own laptop; we lend HDMI adapters at the front desk.

## Amenities
Wi-Fi runs at 1 Gbps, with a separate secure network for members.
Coffee, tea and filtered water are free, and the café sells snacks.
Printing is free up to 100 pages a month, then 10 cents a page.
Each member can book meeting rooms for 4 free hours per month.
A business address with mail handling costs $50 a month extra.
Packages are held at the front desk for up to 7 days.

## Guests and house rules
Members may bring up to 2 guests per day at no charge; guests must sign in at the front desk.
Members must be at least 18 years old.
Dogs are welcome on the first floor if they are friendly and leashed; they are not allowed in meeting rooms.
Children are not allowed in the work areas.

## Our promises
If the Wi-Fi is down for more than 4 working hours in a month, we credit one week of your membership.
Try before you join: your first day pass is free when you book a tour.

## Contact
Email hello@eastsidecommons.example.com or call (512) 555-0147.
"""

COWORK = Shop(
    key="cowork",
    split="tune",
    doc_langs=("en",),
    profile={
        "name": "Eastside Commons",
        "owner_name": "Dana Ruiz",
        "industry": "Coworking space",
        "description": "A three-floor coworking space on East 6th Street in Austin with hot desks, dedicated "
        "desks, meeting rooms and an event hall.",
        "website": "https://eastsidecommons.example.com",
        "phone": "+1 512 555 0147",
        "goals": "Sell more dedicated desks",
        "target_audience": "Freelancers and small remote teams in Austin",
    },
    campaigns=[
        campaign_body(
            "Hot desk",
            {
                "name": "Hot Desk Membership",
                "description": "Any open desk, any time, with 24/7 access.",
                "price": 249.0,
                "currency": "USD",
                "billing_period": "month",
                "features": ["24/7 access", "4 meeting room hours a month", "Free coffee"],
                "call_to_action_url": "https://eastsidecommons.example.com/join",
            },
            greeting="Hey, welcome to Eastside Commons! Are you looking for a desk?",
            questions=["How many days a week would you come in?", "Is it just you or a team?"],
            closing="Awesome! You can join online here.",
        ),
        campaign_body(
            "Dedicated desk",
            {
                "name": "Dedicated Desk",
                "description": "Your own desk with a monitor and a lockable drawer.",
                "price": 399.0,
                "currency": "USD",
                "billing_period": "month",
                "features": ["Your own desk", "27-inch monitor", "Lockable drawer"],
                "call_to_action_url": "https://eastsidecommons.example.com/dedicated",
            },
        ),
        campaign_body(
            "Day pass",
            {
                "name": "Day Pass",
                "description": "One weekday in the space.",
                "price": 35.0,
                "currency": "USD",
                "call_to_action_url": "https://eastsidecommons.example.com/day",
            },
        ),
        campaign_body(
            "Meeting rooms",
            {
                "name": "Meeting Room",
                "description": "Rooms for 4, 8 or 12 people.",
                "price": 45.0,
                "currency": "USD",
                "billing_period": "hour",
                "call_to_action_url": "https://eastsidecommons.example.com/rooms",
            },
        ),
        campaign_body(
            "Private office",
            {
                "name": "Private Office Suite",
                "description": "A lockable office for up to 6.",
                "price": 1200.0,
                "currency": "USD",
                "billing_period": "month",
                "call_to_action_url": "https://eastsidecommons.example.com/office",
            },
            platform="instagram",
        ),
    ],
    documents=[Document("member-handbook.md", "text/markdown", COWORK_HANDBOOK)],
    amounts=[
        (2500, "USD"),
        (5000, "USD"),
        (24900, "USD"),
        (39900, "USD"),
        (3500, "USD"),
        (4500, "USD"),
        (120000, "USD"),
        (10, "USD"),
    ],
)

SHOPS = {shop.key: shop for shop in (DENTAL, SCHOOL, COWORK)}

_D_HOURS = "A clínica está aberta de segunda a sexta-feira, das 9h00 às 20h00."
_D_SAT = "Ao sábado atendemos das 9h00 às 13h00, apenas com marcação."
_D_SUN = "Aos domingos e feriados a clínica está encerrada."
_D_PARK = "Há estacionamento pago na rua e um parque público no Largo do Calvário; não temos estacionamento próprio."
_D_PAY = "Não aceitamos cheques nem American Express."
_D_WARRANTY = "Os implantes têm garantia de 10 anos e as coroas de 5 anos, desde que faça uma consulta de revisão por ano."

Q = Question
QUESTIONS: list[Question] = [
    # Sorriso do Tejo (Portuguese PDF) -------------------------------------------------------------------------
    Q(
        "d-hours",
        "dental",
        "en",
        "What are your opening hours?",
        "document",
        "What are your opening hours?",
        answer=(("20",),),
        sentence=_D_HOURS,
        needle="das 9h00 às 20h00",
        tags=("cross-language",),
    ),
    Q(
        "d-sat-typo",
        "dental",
        "en",
        "r u open saturdy morning?",
        "document",
        "Are you open on Saturday morning?",
        answer=(("13",),),
        sentence=_D_SAT,
        needle="ao sábado atendemos das 9h00 às 13h00",
        tags=("typo", "slang", "cross-language"),
    ),
    Q(
        "d-parking",
        "dental",
        "en",
        "Is there anywhere to park near the clinic?",
        "document",
        "Is there parking near the clinic?",
        answer=(("calvario", "street parking", "paid parking"),),
        sentence=_D_PARK,
        needle="parque público no largo do calvário",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-amex",
        "dental",
        "en",
        "Can I pay with Amex?",
        "document",
        "Do you accept American Express?",
        answer=(("american express", "amex"),),
        sentence=_D_PAY,
        needle="nem american express",
        tags=("cross-language",),
    ),
    Q(
        "d-kids",
        "dental",
        "en",
        "From what age do you see kids?",
        "document",
        "From what age do you treat children?",
        answer=(("3",),),
        sentence="Atendemos crianças a partir dos 3 anos.",
        needle="crianças a partir dos 3 anos",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-implant-warranty",
        "dental",
        "en",
        "How long is the guarantee on implants?",
        "document",
        "How long is the warranty on implants?",
        answer=(("10",),),
        sentence=_D_WARRANTY,
        needle="implantes têm garantia de 10 anos",
        tags=("cross-language",),
    ),
    Q(
        "d-sunday-followup",
        "dental",
        "en",
        "and sundays?",
        "document",
        "Are you open on Sundays?",
        turns=("What time do you open on Saturday?",),
        answer=(("encerrada", "closed"),),
        sentence=_D_SUN,
        needle="aos domingos e feriados a clínica está encerrada",
        tags=("follow-up", "cross-language"),
    ),
    Q(
        "d-cleaning-slang",
        "dental",
        "en",
        "how much 4 a cleaning?",
        "document",
        "How much is a teeth cleaning?",
        answer=(("65",),),
        sentence="Uma higiene oral (destartarização e polimento) custa 65 €.",
        needle="polimento) custa 65",
        tags=("slang", "cross-language"),
    ),
    Q("d-no-wifi", "dental", "en", "Do you have wifi in the waiting room?", "unanswerable", "Is there wifi in the waiting room?"),
    Q(
        "d-cancel",
        "dental",
        "es",
        "¿Con cuánta antelación tengo que cancelar la cita?",
        "document",
        "How far in advance do I have to cancel an appointment?",
        answer=(("24",),),
        sentence="Pedimos que desmarque com pelo menos 24 horas de antecedência.",
        needle="pelo menos 24 horas de antecedência",
        tags=("cross-language",),
    ),
    Q(
        "d-noshow",
        "dental",
        "es",
        "Si no voy a la cita y no aviso, ¿me cobran algo?",
        "document",
        "If I miss an appointment without notice, do you charge me?",
        answer=(("20",),),
        sentence="Faltas sem aviso prévio têm um custo de 20 €, cobrado na consulta seguinte.",
        needle="têm um custo de 20",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-insurance",
        "dental",
        "es",
        "¿Trabajan con el seguro Multicare?",
        "document",
        "Do you work with Multicare insurance?",
        answer=(("multicare",),),
        sentence="Temos acordo com os seguros Médis, Multicare e AdvanceCare.",
        needle="médis, multicare e advancecare",
        tags=("cross-language",),
    ),
    Q(
        "d-whitening-time",
        "dental",
        "es",
        "¿Cuánto dura el blanqueamiento?",
        "document",
        "How long does teeth whitening take?",
        answer=(("90",),),
        sentence="O branqueamento em consultório demora cerca de 90 minutos.",
        needle="demora cerca de 90 minutos",
        tags=("cross-language",),
    ),
    Q(
        "d-instalments",
        "dental",
        "es",
        "se puede pagar en cuotas un tratamiento caro?",
        "document",
        "Can I pay for an expensive treatment in instalments?",
        answer=(("10",),),
        sentence="Tratamentos acima de 500 € podem ser pagos em até 10 prestações sem juros com cartão de crédito.",
        needle="até 10 prestações sem juros",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-whitening-price",
        "dental",
        "es",
        "¿Cuánto cuesta el blanqueamiento?",
        "price",
        "How much is teeth whitening?",
        amount=(29000, "EUR"),
    ),
    Q("d-no-botox", "dental", "es", "¿Hacen botox?", "unanswerable", "Do you do botox?"),
    Q(
        "d-where",
        "dental",
        "fr",
        "Où se trouve la clinique ?",
        "document",
        "Where is the clinic?",
        answer=(("junqueira",),),
        sentence="Estamos na Rua da Junqueira 214, 1300-346 Lisboa, em Alcântara.",
        needle="rua da junqueira 214",
        tags=("cross-language",),
    ),
    Q(
        "d-pregnant",
        "dental",
        "fr",
        "Je suis enceinte, je peux faire un blanchiment ?",
        "document",
        "I am pregnant, can I have my teeth whitened?",
        answer=(("gravidas", "enceinte", "pregnant"),),
        sentence="Não fazemos branqueamento a grávidas nem a menores de 18 anos.",
        needle="não fazemos branqueamento a grávidas",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-bring",
        "dental",
        "fr",
        "Qu'est-ce que je dois apporter au premier rendez-vous ?",
        "document",
        "What should I bring to my first appointment?",
        answer=(("cartao de cidadao", "passaporte", "passeport", "passport"),),
        sentence=(
            "Na primeira consulta traga o cartão de cidadão ou passaporte, o cartão do seguro e radiografias "
            "recentes, se as tiver."
        ),
        needle="traga o cartão de cidadão ou passaporte",
        tags=("cross-language",),
    ),
    Q(
        "d-first-visit",
        "dental",
        "fr",
        "Combien coûte la première consultation ?",
        "document",
        "How much is the first consultation?",
        answer=(("35",),),
        sentence="A primeira consulta de avaliação custa 35 € e é descontada se iniciar o tratamento no prazo de 30 dias.",
        needle="primeira consulta de avaliação custa 35",
        tags=("cross-language",),
    ),
    Q(
        "d-french",
        "dental",
        "fr",
        "Vous parlez français ?",
        "document",
        "Do you speak French?",
        answer=(("frances", "francais", "french"),),
        sentence="Falamos português, inglês e francês.",
        needle="falamos português, inglês e francês",
        tags=("cross-language",),
    ),
    Q("d-no-dog", "dental", "fr", "Je peux venir avec mon chien ?", "unanswerable", "Can I bring my dog?"),
    Q(
        "d-refund",
        "dental",
        "de",
        "Bekomme ich Geld zurück, wenn ich eine bezahlte Behandlung abbreche?",
        "document",
        "Do I get money back if I stop a treatment I paid in advance?",
        answer=(("14",),),
        sentence=(
            "Se desistir de um tratamento pago antecipadamente, devolvemos o valor das sessões não realizadas "
            "no prazo de 14 dias."
        ),
        needle="sessões não realizadas no prazo de 14 dias",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-tram",
        "dental",
        "de",
        "Welche Straßenbahn fährt zu euch?",
        "document",
        "Which tram goes to the clinic?",
        answer=(("15",),),
        sentence="O elétrico 15 para a 100 metros da porta, na paragem Junqueira.",
        needle="o elétrico 15",
        tags=("cross-language",),
    ),
    Q(
        "d-wheelchair",
        "dental",
        "de",
        "Ist die Praxis rollstuhlgerecht?",
        "document",
        "Is the clinic wheelchair accessible?",
        answer=(("cadeiras de rodas", "rollstuhl", "wheelchair"),),
        sentence="A clínica fica no rés-do-chão e tem acesso para cadeiras de rodas.",
        needle="acesso para cadeiras de rodas",
        tags=("cross-language",),
    ),
    Q(
        "d-late",
        "dental",
        "de",
        "Was passiert, wenn ich zu spät komme?",
        "document",
        "What happens if I arrive late?",
        answer=(("15",),),
        sentence="Se chegar com mais de 15 minutos de atraso, a consulta poderá ter de ser remarcada.",
        needle="mais de 15 minutos de atraso",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-emergency",
        "dental",
        "de",
        "Ich habe starke Zahnschmerzen, könnt ihr mich heute noch drannehmen?",
        "document",
        "I have bad toothache, can you see me today?",
        answer=(("18",),),
        sentence=(
            "As urgências dentárias de pacientes da clínica são atendidas no próprio dia, sempre que possível, até às 18h00."
        ),
        needle="atendidas no próprio dia",
        tags=("paraphrase", "slang", "cross-language"),
    ),
    Q(
        "d-parking-followup",
        "dental",
        "de",
        "und gibt es Parkplätze?",
        "document",
        "Is there parking near the clinic?",
        turns=("Wo seid ihr?",),
        answer=(("calvario", "parkplatz", "parkplatze"),),
        sentence=_D_PARK,
        needle="parque público no largo do calvário",
        tags=("follow-up", "cross-language"),
    ),
    Q(
        "d-no-voucher",
        "dental",
        "de",
        "Gibt es bei euch Gutscheine zum Verschenken?",
        "unanswerable",
        "Do you sell gift vouchers?",
    ),
    Q(
        "d-invoice",
        "dental",
        "pt",
        "Passam fatura com contribuinte?",
        "document",
        "Do you issue invoices with a tax number?",
        answer=(("nif", "contribuinte"),),
        sentence="Emitimos fatura com NIF em todos os pagamentos; basta indicar o número de contribuinte na receção.",
        needle="emitimos fatura com nif",
        tags=("paraphrase",),
    ),
    Q(
        "d-mbway",
        "dental",
        "pt",
        "Dá para pagar por MB Way?",
        "document",
        "Can I pay with MB Way?",
        answer=(("mb way",),),
        sentence="Aceitamos numerário, Multibanco, MB WAY e cartões Visa e Mastercard.",
        needle="multibanco, mb way",
        tags=("slang",),
    ),
    Q(
        "d-adse",
        "dental",
        "pt",
        "vcs tem acordo com a adse?",
        "document",
        "Do you have an agreement with ADSE?",
        answer=(("adse",),),
        sentence="Não temos acordo com a ADSE.",
        needle="não temos acordo com a adse",
        tags=("slang", "typo"),
    ),
    Q(
        "d-crowns-followup",
        "dental",
        "pt",
        "E as coroas, têm garantia?",
        "document",
        "Do crowns have a warranty?",
        turns=("Os implantes têm garantia?",),
        answer=(("5",),),
        sentence=_D_WARRANTY,
        needle="coroas de 5 anos",
        tags=("follow-up",),
    ),
    Q(
        "d-quote",
        "dental",
        "pt",
        "O orçamento é pago?",
        "document",
        "Do you charge for a treatment quote?",
        answer=(("gratuitos", "gratis", "free"),),
        sentence="Os orçamentos são gratuitos e válidos por 90 dias.",
        needle="os orçamentos são gratuitos",
        tags=("paraphrase",),
    ),
    Q("d-no-snoring", "dental", "pt", "Fazem aparelhos para o ressonar?", "unanswerable", "Do you make anti-snoring devices?"),
    Q(
        "d-close-it",
        "dental",
        "it",
        "A che ora chiudete la sera?",
        "document",
        "What time do you close?",
        answer=(("20",),),
        sentence=_D_HOURS,
        needle="das 9h00 às 20h00",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-minor-whitening",
        "dental",
        "it",
        "Mia figlia ha 16 anni, può fare lo sbiancamento?",
        "document",
        "My daughter is 16, can she have teeth whitening?",
        answer=(("18",),),
        sentence="Não fazemos branqueamento a grávidas nem a menores de 18 anos.",
        needle="menores de 18 anos",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "d-extraction",
        "dental",
        "it",
        "Dopo un'estrazione posso mangiare subito?",
        "document",
        "Can I eat right after a tooth extraction?",
        answer=(("2",),),
        sentence="Após uma extração, evite comer durante 2 horas e não beba bebidas quentes nesse dia.",
        needle="evite comer durante 2 horas",
        tags=("cross-language",),
    ),
    Q(
        "d-aligners",
        "dental",
        "it",
        "Ogni quanto bisogna venire per controllare gli allineatori?",
        "document",
        "How often do I need a check-up with invisible aligners?",
        answer=(("8",),),
        sentence="Os alinhadores invisíveis exigem uma consulta de controlo a cada 8 semanas.",
        needle="a cada 8 semanas",
        tags=("cross-language",),
    ),
    Q(
        "d-xray",
        "dental",
        "it",
        "quanto costa una panoramica?",
        "document",
        "How much is a panoramic X-ray?",
        answer=(("25",),),
        sentence="Uma radiografia panorâmica custa 25 €.",
        needle="radiografia panorâmica custa 25",
        tags=("cross-language",),
    ),
    Q("d-no-home-visit", "dental", "it", "Fate anche visite a domicilio?", "unanswerable", "Do you do home visits?"),
    # Lingua Viva (Italian rules, English FAQ) ----------------------------------------------------------------
    Q(
        "s-class-size",
        "school",
        "it",
        "Quanti studenti ci sono per classe?",
        "document",
        "How many students are in a class?",
        answer=(("10",),),
        sentence="Le classi hanno da un minimo di 4 a un massimo di 10 studenti.",
        needle="massimo di 10 studenti",
    ),
    Q(
        "s-withdraw",
        "school",
        "it",
        "Se mi ritiro prima dell'inizio mi ridate i soldi?",
        "document",
        "If I withdraw before the course starts, do I get my money back?",
        answer=(("7",),),
        sentence=(
            "Chi si ritira almeno 7 giorni prima dell'inizio del corso riceve il rimborso totale, esclusa la quota di iscrizione."
        ),
        needle="almeno 7 giorni prima dell'inizio",
        tags=("paraphrase",),
    ),
    Q(
        "s-satispay",
        "school",
        "it",
        "Si può pagare con satispay?",
        "document",
        "Can I pay with Satispay?",
        answer=(("satispay",),),
        sentence="Accettiamo bonifico bancario, carte di credito e di debito (Visa, Mastercard), PayPal e Satispay.",
        needle="paypal e satispay",
    ),
    Q(
        "s-parking",
        "school",
        "it",
        "c'è il parcheggio?",
        "document",
        "Is there parking?",
        answer=(("non abbiamo parcheggio", "rastrelliera"),),
        sentence="Nella via c'è una rastrelliera per biciclette, ma non abbiamo parcheggio per auto.",
        needle="non abbiamo parcheggio per auto",
        tags=("slang",),
    ),
    Q(
        "s-august",
        "school",
        "it",
        "Siete aperti ad agosto?",
        "document",
        "Are you open in August?",
        answer=(("24",),),
        sentence="La scuola resta chiusa dal 10 al 24 agosto e durante le vacanze di Natale.",
        needle="dal 10 al 24 agosto",
    ),
    Q(
        "s-saturday-followup",
        "school",
        "it",
        "E il sabato?",
        "document",
        "What are the office hours on Saturday?",
        turns=("Che orari ha la segreteria?",),
        answer=(("12:30",),),
        sentence="Il sabato la segreteria è aperta dalle 9:30 alle 12:30.",
        needle="dalle 9:30 alle 12:30",
        tags=("follow-up",),
    ),
    Q("s-no-chinese", "school", "it", "Fate corsi di cinese?", "unanswerable", "Do you teach Chinese?"),
    Q(
        "s-housing",
        "school",
        "en",
        "Can you help me find somewhere to stay in Milan?",
        "document",
        "Do you help with accommodation in Milan?",
        answer=(("180",),),
        sentence="Yes, we can arrange a room with a host family from 180 € per week, breakfast included.",
        needle="host family from 180",
        tags=("paraphrase",),
    ),
    Q(
        "s-lesson-length",
        "school",
        "en",
        "How long is each lesson?",
        "document",
        "How long is a lesson?",
        answer=(("90",),),
        sentence="A group lesson lasts 90 minutes with a 10-minute break.",
        needle="lasts 90 minutes",
    ),
    Q(
        "s-cash",
        "school",
        "en",
        "do u take cash",
        "document",
        "Do you accept cash?",
        answer=(("contanti", "cash"),),
        sentence="Non accettiamo contanti.",
        needle="non accettiamo contanti",
        tags=("slang", "cross-language"),
    ),
    Q(
        "s-metro",
        "school",
        "en",
        "What's the nearest metro stop?",
        "document",
        "What is the nearest metro station?",
        answer=(("moscova",),),
        sentence="La fermata della metropolitana più vicina è Moscova (linea verde M2), a 7 minuti a piedi.",
        needle="più vicina è moscova",
        tags=("cross-language",),
    ),
    Q(
        "s-enrolment-fee",
        "school",
        "en",
        "Is there a registration fee?",
        "document",
        "Is there an enrolment fee?",
        answer=(("50",),),
        sentence="Per iscriversi si paga una quota di iscrizione di 50 €, valida un anno.",
        needle="quota di iscrizione di 50",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "s-visa-refused",
        "school",
        "en",
        "My visa got rejected, can I have my money back?",
        "document",
        "If my visa is refused, do I get a refund?",
        answer=(("100",),),
        sentence=(
            "Yes: if your visa is refused we refund everything except a 100 € handling fee, once you send us the refusal letter."
        ),
        needle="except a 100 € handling fee",
        tags=("paraphrase", "slang"),
    ),
    Q(
        "s-no-cafeteria",
        "school",
        "en",
        "Is there a cafeteria at the school?",
        "unanswerable",
        "Is there a cafeteria at the school?",
    ),
    Q(
        "s-transfer",
        "school",
        "es",
        "¿Cuánto cuesta el traslado desde el aeropuerto?",
        "document",
        "How much is the airport transfer?",
        answer=(("70",),),
        sentence="An airport transfer from Malpensa costs 70 € one way.",
        needle="malpensa costs 70",
        tags=("cross-language",),
    ),
    Q(
        "s-online",
        "school",
        "es",
        "¿Hay clases online?",
        "document",
        "Do you offer online lessons?",
        answer=(("zoom",),),
        sentence="Private lessons can also be held on Zoom at the same price.",
        needle="held on zoom at the same price",
        tags=("cross-language",),
    ),
    Q(
        "s-join-late",
        "school",
        "es",
        "¿Puedo empezar el curso a mitad de mes?",
        "document",
        "Can I start a course in the middle?",
        answer=(("monday", "lunedi", "lunes"),),
        sentence="You can join a group course on any Monday, if there is a place at your level.",
        needle="join a group course on any monday",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "s-certificate",
        "school",
        "es",
        "¿Dan certificado al final del curso?",
        "document",
        "Do you give a certificate at the end of the course?",
        answer=(("80",),),
        sentence=("Al termine del corso rilasciamo un attestato di frequenza a chi ha seguito almeno l'80% delle lezioni."),
        needle="almeno l'80% delle lezioni",
        tags=("cross-language",),
    ),
    Q(
        "s-wifi",
        "school",
        "es",
        "¿Tienen wifi?",
        "document",
        "Do you have wifi?",
        answer=(("wi-fi", "wifi"),),
        sentence="Porta un quaderno e, se vuoi, il tuo portatile: c'è il Wi-Fi gratuito in tutte le aule.",
        needle="wi-fi gratuito in tutte le aule",
        tags=("cross-language",),
    ),
    Q("s-no-smoking", "school", "es", "¿Se puede fumar en la escuela?", "unanswerable", "Can I smoke at the school?"),
    Q(
        "s-visa",
        "school",
        "fr",
        "Il faut un visa pour étudier chez vous ?",
        "document",
        "Do I need a visa to study with you?",
        answer=(("90",),),
        sentence="Students from outside the EU who stay more than 90 days need a study visa.",
        needle="more than 90 days need a study visa",
        tags=("cross-language",),
    ),
    Q(
        "s-cils",
        "school",
        "fr",
        "Vous êtes centre d'examen CILS ?",
        "document",
        "Are you a CILS exam centre?",
        answer=(("june", "december", "juin", "decembre"),),
        sentence="We are an official CILS exam centre; exams take place in June and December.",
        needle="official cils exam centre",
        tags=("cross-language",),
    ),
    Q(
        "s-private-cancel",
        "school",
        "fr",
        "Je peux annuler un cours particulier la veille ?",
        "document",
        "Can I cancel a private lesson the day before?",
        answer=(("24",),),
        sentence=("Le lezioni private vanno disdette con almeno 24 ore di anticipo, altrimenti sono addebitate per intero."),
        needle="almeno 24 ore di anticipo",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "s-floor-followup",
        "school",
        "fr",
        "C'est à quel étage ?",
        "document",
        "Which floor is the school on?",
        turns=("Où est l'école ?",),
        answer=(("secondo piano", "deuxieme", "2e", "second floor"),),
        sentence="La scuola si trova in Via Paolo Sarpi 38, 20154 Milano, al secondo piano.",
        needle="al secondo piano",
        tags=("follow-up", "cross-language"),
    ),
    Q(
        "s-teen",
        "school",
        "fr",
        "Mon fils a 13 ans, il peut suivre un cours ?",
        "document",
        "My son is 13, can he take a course?",
        answer=(("luglio", "juillet", "july"),),
        sentence="Per i ragazzi dagli 11 ai 15 anni organizziamo corsi estivi a luglio.",
        needle="corsi estivi a luglio",
        tags=("paraphrase", "cross-language"),
    ),
    Q("s-no-library", "school", "fr", "Vous avez une bibliothèque ?", "unanswerable", "Do you have a library?"),
    Q(
        "s-instalments",
        "school",
        "de",
        "Kann ich in Raten zahlen?",
        "document",
        "Can I pay in instalments?",
        answer=(("3",),),
        sentence="I corsi annuali si possono pagare in 3 rate senza interessi.",
        needle="in 3 rate senza interessi",
        tags=("cross-language",),
    ),
    Q(
        "s-textbook",
        "school",
        "de",
        "Was kostet das Lehrbuch?",
        "document",
        "How much is the textbook?",
        answer=(("30",),),
        sentence="Il libro di testo costa 30 € e si acquista in segreteria il primo giorno.",
        needle="libro di testo costa 30",
        tags=("cross-language",),
    ),
    Q(
        "s-level-test",
        "school",
        "de",
        "Gibt es einen Einstufungstest?",
        "document",
        "Is there a placement test?",
        answer=(("gratuito", "kostenlos", "free", "online"),),
        sentence="Prima dell'inizio ogni studente fa un test di livello gratuito online.",
        needle="test di livello gratuito online",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "s-lift",
        "school",
        "de",
        "Habt ihr einen Aufzug?",
        "document",
        "Is there a lift?",
        answer=(("ascensore", "aufzug", "elevator", "lift"),),
        sentence="L'edificio ha l'ascensore.",
        needle="l'edificio ha l'ascensore",
        tags=("cross-language",),
    ),
    Q(
        "s-missed",
        "school",
        "de",
        "Und wenn ich eine Gruppenstunde verpasse?",
        "document",
        "What if I miss a group lesson?",
        answer=(("piattaforma", "online"),),
        sentence="Le lezioni di gruppo perse non si recuperano, ma il materiale è disponibile sulla piattaforma online.",
        needle="lezioni di gruppo perse non si recuperano",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "s-intensive-price",
        "school",
        "de",
        "Was kostet der Intensivkurs?",
        "price",
        "How much is the intensive course?",
        amount=(52000, "EUR"),
    ),
    Q("s-no-cooking", "school", "de", "Bietet ihr auch Kochkurse an?", "unanswerable", "Do you offer cooking classes?"),
    Q(
        "s-office-hours",
        "school",
        "pt",
        "Qual é o horário da secretaria?",
        "document",
        "What are the office hours?",
        answer=(("19",),),
        sentence="La segreteria è aperta dal lunedì al venerdì dalle 9:00 alle 19:00.",
        needle="dalle 9:00 alle 19:00",
        tags=("cross-language",),
    ),
    Q(
        "s-social",
        "school",
        "pt",
        "tem algum programa social? tipo festas",
        "document",
        "Is there a social programme?",
        answer=(("aperitivo",),),
        sentence="Every Friday we organise a free aperitivo, and a guided walk around Milan once a month.",
        needle="free aperitivo",
        tags=("slang", "cross-language"),
    ),
    Q(
        "s-min-students",
        "school",
        "pt",
        "E se o curso não tiver alunos suficientes?",
        "document",
        "What if a course does not get enough students?",
        answer=(("4",),),
        sentence="Se un corso non raggiunge 4 iscritti, proponiamo un altro orario o il rimborso completo.",
        needle="non raggiunge 4 iscritti",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "s-guarantee",
        "school",
        "pt",
        "E se eu não gostar da primeira aula?",
        "document",
        "What if I don't like the first lesson?",
        answer=(("rimborsiamo", "cambi"),),
        sentence="Garanzia soddisfatti: se dopo la prima lezione il corso non fa per te, lo cambi o ti rimborsiamo.",
        needle="lo cambi o ti rimborsiamo",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "s-company-invoice",
        "school",
        "pt",
        "Vcs emitem fatura pra empresa?",
        "document",
        "Do you issue invoices to companies?",
        answer=(("partita iva", "sdi"),),
        sentence="Rilasciamo fattura; le aziende devono indicare partita IVA e codice SDI.",
        needle="partita iva e codice sdi",
        tags=("slang", "cross-language"),
    ),
    Q("s-no-aircon", "school", "pt", "Tem ar condicionado nas salas?", "unanswerable", "Are the classrooms air-conditioned?"),
    # Eastside Commons (English handbook) ---------------------------------------------------------------------
    Q(
        "c-2am",
        "cowork",
        "en",
        "Can I get in at 2am?",
        "document",
        "Can members get in at night?",
        answer=(("24/7",),),
        sentence="Members with a Hot Desk or Dedicated Desk membership have 24/7 access with their key card.",
        needle="have 24/7 access",
        tags=("paraphrase",),
    ),
    Q(
        "c-wifi",
        "cowork",
        "en",
        "whats the wifi speed",
        "document",
        "How fast is the wifi?",
        answer=(("gbps",),),
        sentence="Wi-Fi runs at 1 Gbps, with a separate secure network for members.",
        needle="runs at 1 gbps",
        tags=("typo",),
    ),
    Q(
        "c-dog",
        "cowork",
        "en",
        "Can I bring my dog?",
        "document",
        "Can I bring my dog?",
        answer=(("leashed", "first floor"),),
        sentence="Dogs are welcome on the first floor if they are friendly and leashed; they are not allowed in meeting rooms.",
        needle="dogs are welcome on the first floor",
    ),
    Q(
        "c-cancel",
        "cowork",
        "en",
        "How do I cancel my membership?",
        "document",
        "How do I cancel my membership?",
        answer=(("30",),),
        sentence="You can cancel a membership with 30 days' written notice by email to the front desk.",
        needle="30 days' written notice",
    ),
    Q(
        "c-parking",
        "cowork",
        "en",
        "is parking free?",
        "document",
        "Is parking free?",
        answer=(("lot behind",),),
        sentence="Free parking is available in the lot behind the building for members; day pass guests park on the street.",
        needle="free parking is available in the lot",
    ),
    Q(
        "c-tax",
        "cowork",
        "en",
        "Do your prices include tax?",
        "document",
        "Do prices include sales tax?",
        answer=(("8.25",),),
        sentence="Prices do not include Austin sales tax of 8.25%.",
        needle="sales tax of 8.25%",
    ),
    Q(
        "c-weekend-followup",
        "cowork",
        "en",
        "and on weekends?",
        "document",
        "Is the space open on weekends?",
        turns=("What are the front desk hours?",),
        answer=(("members only",),),
        sentence="On weekends the building is open to members only; day passes are not sold on Saturdays and Sundays.",
        needle="on weekends the building is open to members only",
        tags=("follow-up",),
    ),
    Q(
        "c-day-pass-price",
        "cowork",
        "en",
        "how much iz a day pas?",
        "price",
        "How much is a day pass?",
        amount=(3500, "USD"),
        tags=("typo",),
    ),
    Q("c-no-gym", "cowork", "en", "Do you have a gym?", "unanswerable", "Do you have a gym?"),
    Q(
        "c-room-size",
        "cowork",
        "es",
        "¿Cuántas personas caben en la sala de reuniones más grande?",
        "document",
        "How many people fit in the largest meeting room?",
        answer=(("12",),),
        sentence="Meeting rooms seat 4, 8 or 12 people.",
        needle="seat 4, 8 or 12 people",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "c-amex",
        "cowork",
        "es",
        "¿Aceptan American Express?",
        "document",
        "Do you accept American Express?",
        answer=(("american express",),),
        sentence="We accept Visa, Mastercard, American Express and Discover, plus ACH bank transfer for memberships.",
        needle="american express and discover",
        tags=("cross-language",),
    ),
    Q(
        "c-guests",
        "cowork",
        "es",
        "¿Puedo traer invitados?",
        "document",
        "Can I bring guests?",
        answer=(("2",),),
        sentence="Members may bring up to 2 guests per day at no charge; guests must sign in at the front desk.",
        needle="up to 2 guests per day",
        tags=("cross-language",),
    ),
    Q(
        "c-partial",
        "cowork",
        "es",
        "¿Me devuelven el dinero si cancelo a mitad de mes?",
        "document",
        "Do I get a refund if I cancel in the middle of the month?",
        answer=(("partial months",),),
        sentence="We do not refund partial months.",
        needle="we do not refund partial months",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "c-bus",
        "cowork",
        "es",
        "¿Qué autobús los deja cerca?",
        "document",
        "Which bus stops near you?",
        answer=(("17",),),
        sentence="The 4 and 17 CapMetro buses stop right outside.",
        needle="4 and 17 capmetro buses",
        tags=("paraphrase", "cross-language"),
    ),
    Q("c-no-yoga", "cowork", "es", "¿Organizan clases de yoga?", "unanswerable", "Do you run yoga classes?"),
    Q(
        "c-where",
        "cowork",
        "fr",
        "Vous êtes où exactement ?",
        "document",
        "Where are you exactly?",
        answer=(("1801",),),
        sentence="Eastside Commons is at 1801 East 6th Street, Austin, TX 78702.",
        needle="1801 east 6th street",
        tags=("cross-language",),
    ),
    Q(
        "c-printing",
        "cowork",
        "fr",
        "L'impression est gratuite ?",
        "document",
        "Is printing free?",
        answer=(("100",),),
        sentence="Printing is free up to 100 pages a month, then 10 cents a page.",
        needle="free up to 100 pages",
        tags=("cross-language",),
    ),
    Q(
        "c-shower",
        "cowork",
        "fr",
        "Il y a une douche ?",
        "document",
        "Is there a shower?",
        answer=(("shower",),),
        sentence="There is covered bike storage and a shower on the ground floor.",
        needle="a shower on the ground floor",
        tags=("cross-language",),
    ),
    Q(
        "c-cash",
        "cowork",
        "fr",
        "Je peux payer en espèces ?",
        "document",
        "Can I pay in cash?",
        answer=(("cash",),),
        sentence="We don't take cash at the front desk.",
        needle="we don't take cash",
        tags=("cross-language",),
    ),
    Q(
        "c-try",
        "cowork",
        "fr",
        "Est-ce que je peux essayer avant de m'abonner ?",
        "document",
        "Can I try the space before joining?",
        answer=(("tour",),),
        sentence="Try before you join: your first day pass is free when you book a tour.",
        needle="first day pass is free when you book a tour",
        tags=("cross-language",),
    ),
    Q(
        "c-mail",
        "cowork",
        "fr",
        "Vous faites la domiciliation d'entreprise ?",
        "document",
        "Do you offer a business address with mail handling?",
        answer=(("50",),),
        sentence="A business address with mail handling costs $50 a month extra.",
        needle="business address with mail handling costs $50",
        tags=("paraphrase", "cross-language"),
    ),
    Q("c-no-rooftop", "cowork", "fr", "Y a-t-il une terrasse sur le toit ?", "unanswerable", "Is there a rooftop terrace?"),
    Q(
        "c-monitor",
        "cowork",
        "de",
        "Gibt es Monitore an den Schreibtischen?",
        "document",
        "Do the desks have monitors?",
        answer=(("27",),),
        sentence=(
            "Dedicated desks come with a 27-inch monitor, a lockable drawer and an ergonomic chair; hot desks "
            "do not include a monitor."
        ),
        needle="27-inch monitor",
        tags=("cross-language",),
    ),
    Q(
        "c-transfer",
        "cowork",
        "de",
        "Kann ich per Überweisung zahlen?",
        "document",
        "Can I pay by bank transfer?",
        answer=(("ach",),),
        sentence="We accept Visa, Mastercard, American Express and Discover, plus ACH bank transfer for memberships.",
        needle="ach bank transfer",
        tags=("cross-language",),
    ),
    Q(
        "c-packages",
        "cowork",
        "de",
        "Wie lange bewahrt ihr Pakete auf?",
        "document",
        "How long do you hold packages?",
        answer=(("7",),),
        sentence="Packages are held at the front desk for up to 7 days.",
        needle="for up to 7 days",
        tags=("cross-language",),
    ),
    Q(
        "c-age",
        "cowork",
        "de",
        "Ab welchem Alter darf man Mitglied werden?",
        "document",
        "What is the minimum age to become a member?",
        answer=(("18",),),
        sentence="Members must be at least 18 years old.",
        needle="at least 18 years old",
        tags=("cross-language",),
    ),
    Q(
        "c-outage",
        "cowork",
        "de",
        "Was ist, wenn das WLAN ausfällt?",
        "document",
        "What if the wifi goes down?",
        answer=(("4",),),
        sentence="If the Wi-Fi is down for more than 4 working hours in a month, we credit one week of your membership.",
        needle="down for more than 4 working hours",
        tags=("paraphrase", "cross-language"),
    ),
    Q("c-no-sauna", "cowork", "de", "Habt ihr eine Sauna?", "unanswerable", "Do you have a sauna?"),
    Q(
        "c-desks",
        "cowork",
        "pt",
        "Quantas mesas vcs têm?",
        "document",
        "How many desks do you have?",
        answer=(("120",),),
        sentence="The space has 120 desks across three floors.",
        needle="120 desks",
        tags=("slang", "cross-language"),
    ),
    Q(
        "c-room-late-cancel",
        "cowork",
        "pt",
        "Cancelei a sala de reunião em cima da hora, vou pagar?",
        "document",
        "I cancelled a meeting room booking at the last minute, will I be charged?",
        answer=(("24",),),
        sentence="Meeting room bookings cancelled less than 24 hours ahead are charged in full.",
        needle="less than 24 hours ahead are charged in full",
        tags=("paraphrase", "cross-language"),
    ),
    Q(
        "c-coffee",
        "cowork",
        "pt",
        "tem café de graça?",
        "document",
        "Is coffee free?",
        answer=(("coffee",),),
        sentence="Coffee, tea and filtered water are free, and the café sells snacks.",
        needle="coffee, tea and filtered water are free",
        tags=("slang", "cross-language"),
    ),
    Q(
        "c-deposit",
        "cowork",
        "pt",
        "Tem que pagar caução?",
        "document",
        "Is there a deposit to pay?",
        answer=(("25",),),
        sentence="A refundable key card deposit of $25 is charged when you join.",
        needle="key card deposit of $25",
        tags=("cross-language",),
    ),
    Q(
        "c-annual",
        "cowork",
        "pt",
        "Se eu pagar o ano todo tem desconto?",
        "document",
        "Is there a discount if I pay for the whole year?",
        answer=(("two months", "2 months"),),
        sentence="Annual prepayment gets two months free.",
        needle="annual prepayment gets two months free",
        tags=("paraphrase", "cross-language"),
    ),
    Q("c-no-podcast", "cowork", "pt", "Vocês têm estúdio de podcast?", "unanswerable", "Do you have a podcast studio?"),
    Q(
        "c-booth",
        "cowork",
        "it",
        "Quanto posso stare in una cabina telefonica?",
        "document",
        "How long can I use a phone booth?",
        answer=(("30",),),
        sentence="Phone booths are first come, first served, for up to 30 minutes.",
        needle="for up to 30 minutes",
        tags=("cross-language",),
    ),
    Q(
        "c-tours",
        "cowork",
        "it",
        "Quando fate le visite guidate?",
        "document",
        "When do you run tours?",
        answer=(("11",),),
        sentence="Tours run every weekday at 11 am and 3 pm.",
        needle="tours run every weekday at 11",
        tags=("cross-language",),
    ),
    Q(
        "c-day-pass-saturday",
        "cowork",
        "it",
        "Posso comprare un day pass per sabato?",
        "document",
        "Can I buy a day pass for Saturday?",
        answer=(("not sold", "members only"),),
        sentence="On weekends the building is open to members only; day passes are not sold on Saturdays and Sundays.",
        needle="day passes are not sold on saturdays",
        tags=("cross-language",),
    ),
    Q(
        "c-event-hall",
        "cowork",
        "it",
        "Quante persone può ospitare la sala eventi?",
        "document",
        "How many people does the event hall hold?",
        answer=(("60",),),
        sentence="The event hall holds up to 60 people standing or 40 seated.",
        needle="up to 60 people standing",
        tags=("cross-language",),
    ),
    Q(
        "c-move-pass",
        "cowork",
        "it",
        "Posso spostare il day pass a un altro giorno?",
        "document",
        "Can I move my day pass to another day?",
        answer=(("30",),),
        sentence="Day passes are non-refundable but can be moved to another weekday within 30 days.",
        needle="moved to another weekday within 30 days",
        tags=("paraphrase", "cross-language"),
    ),
    Q("c-no-laundry", "cowork", "it", "C'è un servizio di lavanderia?", "unanswerable", "Is there a laundry service?"),
]
