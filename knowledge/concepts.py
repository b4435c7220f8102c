"""What a question or a sentence is about, in any of the six languages: refunds, opening hours, instalments…

A small multilingual vocabulary of the topics customers ask a business about. "Can I get my money back?",
"¿reembolso?" and "Den Kaufpreis erstatten wir" all carry the concept `refund`, so a Spanish question finds a
German policy and a paraphrase finds its passage. Retrieval indexes these concepts beside the words; the reply
checks use them to know which sentences make promises.

Each entry is a regex alternative on folded text (lowercase, no accents); `*` ends a prefix.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.language import fold

CONCEPT_WORDS: dict[str, str] = {
    "hours": "hour* | open* | close | closed | closing | opening* | horario* | abre | abren | abierto* | cierra* | "
             "ouvert* | ouvre* | ferme | fermee* | fermes | horaire* | offnungszeit* | geoffnet | offen | geschlossen | "
             "orari* | aperto | aperti | aperta | chiuso | chiusi | aberto* | abrem | fechad* | funcionamento | "
             "what time | a que hora | a quelle heure | um wie viel uhr | wann habt | a che ora | que horas | "
             "\\d{1,2}(?::\\d\\d)? ?(?:am|pm) | \\d{1,2}:\\d\\d",
    "day_sat": "saturday* | sabado* | samedi* | samstag* | sabato | sonnabend*",
    "day_sun": "sunday* | domingo* | dimanche* | sonntag* | domenica | bank holiday* | feriado* | feiertag* | "
               "jours feries | festivi",
    "day_week": "weekday* | during the week | monday | tuesday | wednesday | thursday | friday | lunes | viernes | "
                "entre semana | lundi | vendredi | en semaine | montag | freitag | unter der woche | werktag* | "
                "lunedi | venerdi | settimana | segunda | sexta | dias uteis | dia de semana",
    "size": "how many people | how many (?:students|participants|spots) | class size* | group size* | capacity | "
            "at most | maxim* | max | cuantas personas | cuantos alumnos | combien de (?:personnes|participants) | "
            "wie viele (?:personen|leute|teilnehmer) | quante persone | quantas pessoas | people in | "
            "personas por | personnes par | teilnehmer* | hochstens | al massimo | no maximo | au maximum",
    "refund": "refund* | money back | my money | reimburs* | reembols* | devolucion del dinero | rembours* | "
              "erstatt* | geld zuruck | rimbors* | reembolso* | change my mind",
    "return": "return* | send (?:it )?back | unused | never used | unbenutzt* | sin usar | non utilise* | nao usad* | "
              "mai usat* | non usat* | devolu* | devolv* | retour* | renvo* | zuruckgeb* | zuruckgegeben | "
              "zurucksend* | rucksend* | ruckgabe* | umtausch* | exchange* | cambio* | reso | resi | restitu* | troca*",
    "cancel": "cancel* | cancela* | annul* | kundig* | gekundig* | storniert | abgesagt | storn* | disdett* | disdir* | absag* | can'?t make it | "
              "cannot make it | no puedo ir | no-show* | late cancellation*",
    "delivery": "deliver* | shipping | ship | ships | shipped | envio* | enviar | entrega* | entregam | livr* | liefer* | "
                "versand* | consegn* | spedizion* | spedi* | frete | nach hause | a domicilio | a casa | em casa | "
                "a domicile | home delivery",
    "payment": "pay | paying | payment* | pago* | pagar | paga* | payer | paiement* | zahl* | bezahl* | pagamento* | "
               "pagare | card* | tarjeta* | carte | kreditkarte* | karte | cartao | carta | apple pay | visa | "
               "mastercard | amex | paypal",
    "financing": "instal+ment* | finance | financ* | finanz* | a plazos | plazos | cuotas | mensualidades | "
                 "en plusieurs fois | mensualite* | in raten | ratenzahlung* | monatsrate* | raten zahlen | a rate | rateizz* | "
                 "parcela* | parcelad* | prestac* | interest rate* | interest-free | no interest | intereses | sin interes | "
                 "zinsen | zinsfrei* | interessi | juros | sans frais",
    "warranty": "warrant* | guarantee* | garant* | gewahrleist* | gewahr",
    "membership": "membership* | member | mitgliedschaft* | mitglied | abo | abonnement* | membresia* | suscripcion* | "
                  "adhesion | abbonament* | assinatura* | mensalidade* | cuota mensual",
    "location": "where are you | where is | where'?s | located | location | address* | adresse | direccion | donde estan | "
                "donde queda* | ubicad* | ubicacion | endereco | onde fica* | onde (?:estao|voces) | ou etes | ou se trouve* | "
                "ou est | wo seid | wo sind | wo ist | wo finde* | standort | anschrift | dove siete | dove si trova* | "
                "indirizzo | street | strasse | calle | rue | rua | find you",
    "contact": "phone number | call you | email | e-mail | telefon* | llamar | appeler | anrufen | chiamare | ligar",
    "discount": "discount* | deal* | descuento* | rebaja* | promo* | reduction* | remise* | rabatt* | sconto* | "
                "scont* | desconto* | coupon* | cupon* | promo code | cheaper rate | special rate | tarifa especial",
    "student": "student* | estudiant* | etudiant* | studierend* | studente* | estudante* | uni student*",
    "team": "company | companies | corporate | team rate | for (?:my|our) team | employees | empresa* | oficina | "
            "entreprise* | firma | firmen | azienda* | dipendenti | funcionarios | colleagues | mitarbeiter",
    "bring": "bring | need to bring | traer | llevar | apporter | mitbringen | mitnehmen | portare | levar | trazer | "
             "socks | calcetines | chaussettes | socken | calze | meias",
    "trial": "try | trial | test ride* | probefahrt* | probar | prueba | essai* | essayer | provare | prova | "
             "experimentar | teste | before buying",
    "duration": "how long | cuanto (?:tiempo|dura) | combien de temps | wie lange | quanto (?:tempo|dura) | dauer* | "
                "dauert | durata | duracion | duree | takes",
}


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    compiled = {}
    for concept, alternatives in CONCEPT_WORDS.items():
        parts = []
        for alternative in alternatives.split("|"):
            alternative = alternative.strip()
            body = alternative[:-1] + r"\w*" if alternative.endswith("*") else alternative
            parts.append(rf"(?<![\w]){body}(?![\w])")
        compiled[concept] = re.compile("|".join(parts))
    return compiled


def concepts_in(text: str, *, folded: bool = False) -> set[str]:
    """The concepts a text speaks of."""
    return set(_concepts(text if folded else fold(text)))


@lru_cache(maxsize=32768)
def _concepts(folded: str) -> frozenset[str]:
    # The tenant's passages come back turn after turn: each is read once.
    return frozenset(concept for concept, pattern in _patterns().items() if pattern.search(folded))
