"""What a question or a sentence is about, in any of the six languages: refunds, opening hours, instalments…

A multilingual vocabulary of the topics customers ask a business about, each topic written out in English,
Spanish, Portuguese, French, German and Italian (and, under "*", names that are the same in every language:
card networks, payment apps). "Can I get my money back?", "¿reembolso?" and "Den Kaufpreis erstatten wir" all
carry the concept `refund`, so a Spanish question finds a German policy and a paraphrase finds its passage.
Retrieval indexes these concepts beside the words; offline answers pick sentences by them; the reply checks use
them to know which sentences make promises.

Each entry is a regex alternative on folded text (lowercase, no accents); `*` ends a prefix; alternatives are
separated by " | " (a "|" without spaces stays inside its group).
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.language import TEXTS_KEPT, fold

_N = r"\d+"
# A concept's words per language; "*" holds names every language shares.
CONCEPTS: dict[str, dict[str, str]] = {
    "hours": {
        "en": "hour* | open | opens | opening* | close | closes | closed | closing | what time | until when | "
        "how late | how early | business hours",
        "es": "horario* | abre | abren | abierto* | abrir | cierra* | cerrado* | a que hora | hasta que hora | hasta cuando",
        "pt": "horario* | aberto* | abre | abrem | abrir | fecha | fecham | fechad* | funcionamento | que horas | "
        "ate que horas | ate quando",
        "fr": "horaire* | ouvert* | ouvre* | ouvrez | ferme | fermee* | fermes | fermez | a quelle heure | "
        "jusqu'a quelle heure | jusqu'a quand",
        "de": "offnungszeit* | geoffnet | offen | offnet | offnen | geschlossen | schliesst | schliessen | "
        "um wie viel uhr | wann habt | wann offnet | bis wann | sprechzeit*",
        "it": "orari* | orario | aperto | aperti | aperta | apre | aprite | chiuso | chiusi | chiusa | chiude | "
        "chiudete | a che ora | fino a che ora | fino a quando",
        "*": r"\d{1,2}(?::\d\d)? ?(?:am|pm) | \d{1,2}:\d\d | \d{1,2}h\d\d | 24/7",
    },
    "day_sat": {
        "en": "saturday* | weekend* | week-end*",
        "es": "sabado* | fin de semana | fines de semana",
        "pt": "sabado* | fim de semana | fins de semana",
        "fr": "samedi* | week-end* | weekend*",
        "de": "samstag* | sonnabend* | wochenende*",
        "it": "sabato | sabati | fine settimana | weekend",
    },
    "day_sun": {
        "en": "sunday* | weekend* | week-end* | bank holiday* | public holiday* | federal holiday*",
        "es": "domingo* | fin de semana | fines de semana | feriado* | festivo*",
        "pt": "domingo* | fim de semana | fins de semana | feriado*",
        "fr": "dimanche* | week-end* | weekend* | jours feries | jour ferie",
        "de": "sonntag* | wochenende* | feiertag*",
        "it": "domenica | domeniche | fine settimana | festivi",
    },
    "day_week": {
        "en": "weekday* | during the week | monday | tuesday | wednesday | thursday | friday",
        "es": "entre semana | lunes | martes | miercoles | jueves | viernes | dias laborables",
        "pt": "segunda* | terca* | quarta-feira | quinta-feira | sexta* | dias uteis | dia de semana | durante a semana",
        "fr": "en semaine | lundi | mardi | mercredi | jeudi | vendredi | jours ouvrables",
        "de": "unter der woche | werktag* | montag* | dienstag* | mittwoch* | donnerstag* | freitag*",
        "it": "settimana | lunedi | martedi | mercoledi | giovedi | venerdi | giorni feriali",
    },
    "holidays": {
        "en": "holiday* | vacation* | christmas | easter | august | summer break",
        "es": "vacaciones | navidad* | semana santa | agosto | feriado* | festivo*",
        "pt": "ferias | natal | pascoa | agosto | feriado*",
        "fr": "vacances | noel | paques | aout | jours feries | jour ferie | fermeture annuelle",
        "de": "ferien | urlaub | weihnacht* | ostern | august | feiertag* | betriebsferien",
        "it": "ferie | vacanze | natale | natalizi* | pasqua | agosto | ferragosto | festivi*",
    },
    "size": {
        "en": "how many people | how many (?:students|participants|spots|seats|guests|desks) | class size* | group size* | "
        "capacity | at most | maximum | max | minimum | seat | seats | seated | holds | hold up to | fit in | "
        "how big | how large | people in | enough (?:people|students|participants)",
        "es": "cuantas personas | cuantos alumnos | cuantos estudiantes | caben | capacidad | aforo | plazas | "
        "son (?:muy )?grandes | que tan grandes? | tamano | (?:personas|alumnos|estudiantes) suficientes | "
        "como maximo | maximo | minimo | personas por | grupos? (?:grande|pequeno)s?",
        "pt": "quantas pessoas | quantos alunos | cabem | capacidade | lugares | no maximo | maximo | minimo | "
        "sao (?:muito )?grandes | tamanho | (?:alunos|pessoas|participantes) suficientes | "
        "pessoas por | turmas? (?:grande|pequena)s?",
        "fr": "combien de (?:personnes|participants|places|eleves|etudiants) | capacite | places | au maximum | "
        "sont (?:tres )?grand(?:e)?s | taille | pas assez (?:de )?(?:participants|eleves|inscrits) | "
        "maximum | minimum | personnes par | grande classe | petits groupes",
        "de": "wie viele (?:personen|leute|teilnehmer|schuler|platze) | teilnehmer* | kapazitat | hochstens | maximal | "
        "sind (?:sehr )?gross | wie gross | nicht genug (?:teilnehmer|anmeldungen) | "
        "mindestens | platze | personen pro | gruppengrosse",
        "it": "quante persone | quanti studenti | quanti posti | capienza | posti | al massimo | massimo | minimo | "
        "sono (?:molto )?grandi | quanto (?:sono )?grandi | (?:studenti|iscritti|persone) sufficienti | "
        "persone per | ospitare | classi (?:grandi|piccole)",
        "*": rf"{_N} (?:people|persons|personas|pessoas|personnes|personen|persone|students|studenti|alumnos|alunos|"
        r"eleves|schuler|participants|teilnehmer|partecipanti|guests|iscritti|desks)",
    },
    "age": {
        "en": "age | ages | how old | years old | year-old | minimum age | adult* | child* | kid | kids | minor | "
        "minors | teen* | my son | my daughter",
        "es": "edad* | cuantos anos | menor* de edad | menores | nino* | nina* | hijo* | hija* | adulto* | adolescente*",
        "pt": "idade* | quantos anos | menor* de idade | menores | crianca* | filho* | filha* | adulto* | adolescente*",
        "fr": "age | quel age | mineur* | enfant* | fils | fille | adulte* | adolescent*",
        "de": "alter | wie alt | jahre alt | minderjahrig* | kind | kinder | sohn | tochter | erwachsen* | jugendlich*",
        "it": "eta | quanti anni | minorenn* | maggiorenn* | bambin* | figlio | figlia | figli | ragazz* | adult* | adolescent*",
        "*": rf"(?:from|over|under|aged|a partir de|a partir dos|mayores de|menores de|maiores de|plus de|moins de|"
        rf"ab|unter|uber|dai|dagli|sotto i) {_N} (?:years?|anos|ans|jahren?|anni) | "
        rf"(?:ha|tiene|tem|a|ist|is|am) {_N} (?:anni|anos|ans|jahre|years)",
    },
    "refund": {
        "en": "refund* | money back | my money | reimburs* | change my mind | get back my money",
        "es": "reembols* | devolucion del dinero | devuelven el dinero | devolver el dinero | dinero de vuelta | me devuelven",
        "pt": "reembols* | dinheiro de volta | devolvem o dinheiro | devolucao do dinheiro | estorno*",
        "fr": "rembours* | recuperer mon argent",
        "de": "erstatt* | ruckerstatt* | geld zuruck | mein geld",
        "it": "rimbors* | soldi indietro | ridate i soldi | ridanno i soldi | restituite i soldi",
    },
    "return": {
        "en": "return* | send (?:it )?back | unused | never used | exchange*",
        "es": "devolu* | devolv* | sin usar | cambio* | cambiar",
        "pt": "devolu* | devolv* | nao usad* | troca* | trocar",
        "fr": "retour* | renvo* | non utilise* | echange*",
        "de": "zuruckgeb* | zuruckgegeben | zurucksend* | rucksend* | ruckgabe* | umtausch* | unbenutzt*",
        "it": "reso | resi | restitu* | mai usat* | non usat* | cambio*",
    },
    "cancel": {
        "en": "cancel* | can'?t make it | cannot make it | no-show* | no show | late cancellation* | withdraw* | "
        "reschedul* | postpone* | moved to | move (?:my|the|a|it) | miss (?:a|an|my|the) (?:class|lesson|appointment|session) | "
        "don'?t show up | make up (?:a|the|for) | missed",
        "es": "cancela* | anula* | no puedo ir | no voy a (?:ir|la|el) | falto a | faltar a | me retiro | retirarme | "
        "desist* | reprogramar | cambiar la (?:cita|fecha|reserva) | recuperar (?:la|una) clase | pierdo (?:la|una)",
        "pt": "cancela* | desmarca* | desmarc* | desist* | remarc* | nao vou a | faltar a | faltas | falta sem | "
        "repor (?:a|uma) aula | perder (?:a|uma) aula",
        "fr": "annul* | je ne viens pas | ne viens pas | ne pas venir | absence* | me desister | desist* | "
        "reporter (?:le|mon|un) | deplacer (?:le|mon|un) | rattrap* | je rate",
        "de": "kundig* | gekundig* | storn* | absag* | abgesagt | nicht kommen | verpass* | verschieb* | "
        "zurucktret* | rucktritt | nachhol*",
        "it": "disdett* | disdir* | disdic* | annull* | ritir* | non vengo | non posso venire | perdo (?:la|una) | "
        "spostar* | salto (?:la|una) | recuper* | perse | perso | persa",
    },
    "late": {
        "en": "late | arrive late | running late | delay*",
        "es": "llego tarde | llegar tarde | retraso* | atrasad*",
        "pt": "atraso* | atrasad* | chegar tarde | chego tarde",
        "fr": "en retard | retard*",
        "de": "verspat* | zu spat",
        "it": "ritardo | in ritardo | ritardi",
    },
    "delivery": {
        "en": "deliver* | shipping | ship | ships | shipped | home delivery | courier",
        "es": "envio* | enviar | entrega* | a domicilio | mensajeria",
        "pt": "envio* | entrega* | entregam | frete | em casa | ao domicilio",
        "fr": "livr* | expedi* | envoi* | a domicile",
        "de": "liefer* | versand* | versend* | nach hause | zustell*",
        "it": "consegn* | spedizion* | spedi* | a casa | a domicilio",
    },
    "price": {
        "en": "price* | cost | costs | costing | how much | fee | fees | charge | charges | tariff*",
        "es": "precio* | cuesta* | cuanto (?:es|vale|sale|cobran) | tarifa* | coste* | costo* | cuota",
        "pt": "preco* | custa* | quanto (?:e|fica|cobram) | tarifa* | custo* | valor",
        "fr": "prix | cout* | combien (?:coute|coutent|ca coute|pour|est|c'est) | c'est combien | tarif* | frais",
        "de": "preis* | kostet | kosten | wie viel | was kostet | gebuhr*",
        "it": "prezz* | costa | costano | costo | quanto (?:viene|e) | tariff* | quota",
    },
    "payment": {
        "en": "pay | pays | paying | paid | payment* | accept | accepts | take (?:cash|cards?|amex) | billed | billing",
        "es": "pago* | pagar | paga | pagan | pagarse | pague* | aceptan | aceptamos | forma de pago | cobr*",
        "pt": "pagamento* | pagar | paga | pagam | pago | aceita* | forma de pagamento | cobr*",
        "fr": "payer | paie | paye* | paiement* | regler | reglement | acceptez | acceptons | moyen de paiement",
        "de": "zahl* | bezahl* | akzeptier* | nehmt ihr | nehmen sie | zahlungsart* | abgebucht",
        "it": "pagare | paga | pagamento* | pagabil* | accettate | accettiamo | addebit* | metodi di pagamento",
    },
    "cash": {
        "en": "cash",
        "es": "efectivo | en metalico",
        "pt": "numerario | dinheiro vivo | em dinheiro | em especie",
        "fr": "especes | en liquide | liquide",
        "de": "bargeld | bar zahlen | in bar | bar bezahlen",
        "it": "contanti | in contanti",
    },
    "card": {
        "en": "credit card* | debit card* | card payment* | by card | with (?:a )?card | contactless",
        "es": "tarjeta* | sin contacto",
        "pt": "cartao | cartoes | multibanco | sem contacto",
        "fr": "carte bancaire | carte de credit | cartes bancaires | carte bleue | par carte | sans contact",
        "de": "kreditkarte* | ec-karte | girocard | bankkarte | mit karte | kontaktlos",
        "it": "carta di credito | carte di credito | carta di debito | carte di debito | bancomat | con carta",
        "*": "mastercard | master card | maestro | amex | american express | discover | diners | jcb | "
        "visa(?=,| and| y| e| et| und| o| or| ou| oder|/| electron| card| debit| credit| or mastercard) | "
        "(?:accept|take|pay with|pagar con|pagar com|payer avec|payer par|zahlen mit|pagare con) visa",
    },
    "transfer": {
        "en": "bank transfer* | wire transfer* | wire | by transfer | direct debit",
        "es": "transferencia* | domiciliacion bancaria",
        "pt": "transferencia* | debito direto",
        "fr": "virement* | prelevement*",
        "de": "uberweis* | lastschrift*",
        "it": "bonific* | addebito diretto",
        "*": "ach | sepa | iban",
    },
    "wallet": {
        "en": "mobile payment* | phone payment*",
        "es": "pago movil",
        "pt": "pagamento movel",
        "fr": "paiement mobile",
        "de": "mobiles bezahlen",
        "it": "pagamento mobile",
        "*": "apple pay | google pay | samsung pay | paypal | satispay | mb way | mbway | bizum | twint | klarna | "
        "venmo | zelle | cash app | revolut | pix | lydia | paylib",
    },
    "cheque": {
        "en": "cheque* | by check | pay by check | checks accepted",
        "es": "cheque*",
        "pt": "cheque*",
        "fr": "cheque*",
        "de": "scheck*",
        "it": "assegn*",
    },
    "invoice": {
        "en": "invoice* | receipt* | tax id | vat number | tax number | net-30 | net 30",
        "es": "factura* | facturacion | recibo* | nif | cif",
        "pt": "fatura* | faturacao | recibo* | nif | contribuinte | nota fiscal",
        "fr": "facture* | recu | recus | numero de tva | siret",
        "de": "rechnung* | quittung* | beleg* | ust-id* | steuernummer",
        "it": "fattur* | ricevut* | scontrino | partita iva | codice fiscale | sdi",
    },
    "tax": {
        "en": "tax | taxes | sales tax | vat",
        "es": "impuesto* | iva",
        "pt": "imposto* | iva",
        "fr": "tva | taxe* | ttc",
        "de": "mwst | mehrwertsteuer | steuer*",
        "it": "iva | tasse | imposte",
    },
    "deposit": {
        "en": "deposit* | down payment",
        "es": "fianza | deposito | senal | adelanto",
        "pt": "caucao | deposito | sinal | adiantamento",
        "fr": "acompte* | arrhes | caution",
        "de": "kaution | anzahlung | pfand",
        "it": "cauzione | caparra | acconto | anticipo",
    },
    "financing": {
        "en": "instal+ment* | finance | financ* | payment plan* | split the payment | spread the cost | "
        "interest rate* | interest-free | no interest | 0% interest",
        "es": "a plazos | plazos | cuotas | mensualidades | financiacion | financiar | intereses | sin interes*",
        "pt": "parcela* | parcelad* | prestac* | financiamento | financiar | juros | sem juros",
        "fr": "en plusieurs fois | mensualite* | echelonn* | financement | financer | sans frais | interets",
        "de": "in raten | raten | ratenzahlung* | monatsrate* | raten zahlen | finanz* | zinsen | zinsfrei*",
        "it": "a rate | rate | rateizz* | finanziament* | finanziare | interessi | senza interessi",
    },
    "warranty": {
        "en": "warrant* | guarantee* | satisfaction | satisfied",
        "es": "garantia* | garantiza* | satisfecho* | satisfaccion",
        "pt": "garantia* | satisfeito* | satisfacao",
        "fr": "garantie* | garanti | satisfait* | satisfaction",
        "de": "garantie* | gewahrleist* | gewahr | zufrieden*",
        "it": "garanzi* | garantit* | soddisfatt*",
    },
    "membership": {
        "en": "membership* | member | members | subscription*",
        "es": "membresia* | suscripcion* | socio* | cuota mensual | abono*",
        "pt": "assinatura* | mensalidade* | socio* | plano mensal",
        "fr": "adhesion | abonnement* | membre* | abonne*",
        "de": "mitgliedschaft* | mitglied | mitglieder | abo | abonnement*",
        "it": "abbonament* | iscritt* | socio | soci | tessera",
    },
    "location": {
        "en": "where are you | where is | where'?s | where we are | find us | located | location | address* | find you | "
        "directions | how (?:do i|to|can i) get (?:there|to you|to the) | street | road | avenue | square",
        "es": "direccion | donde (?:estan|esta|queda|quedan|se encuentra|se ubica) | ubicad* | ubicacion | "
        "como llego | como llegar | calle | avenida",
        "pt": "endereco | morada | onde (?:fica|ficam|estao|voces|e|esta) | localizacao | localizad* | como chego | "
        "como chegar | rua | avenida",
        "fr": "adresse | ou (?:etes|est|se trouve|se situe|vous trouver) | vous etes ou | c'est ou | situe* | "
        "comment venir | comment (?:y )?aller | rue",
        "de": "wo (?:seid|sind|ist|finde|befindet) | anschrift | adresse | standort | wie komme ich | anfahrt | strasse",
        "it": "dove (?:siete|si trova|e|sta|vi trovate|trovarvi) | indirizzo | si trova | come (?:arrivo|arrivare|"
        "raggiungervi) | via [a-z]+ \\w+ \\d+ | piazza",
    },
    "transport": {
        "en": "metro | subway | tube | underground | train | station | bus | buses | tram | streetcar | light rail | "
        "public transport | transit | stop | walk from",
        "es": "metro | estacion | parada | autobus | colectivo | tren | tranvia | transporte publico | a pie",
        "pt": "metro | estacao | paragem | parada | onibus | autocarro | comboio | eletrico | a pe | transportes?",
        "fr": "metro | gare | station | arret | tramway | tram | rer | bus | a pied | transports en commun",
        "de": "u-bahn | s-bahn | bahnhof | haltestelle | strassenbahn | tram | bus | zug | zu fuss | nahverkehr",
        "it": "metro | metropolitana | stazione | fermata | treno | tram | autobus | a piedi | mezzi pubblici",
    },
    "parking": {
        "en": "park | parking | car park | parking lot | garage",
        "es": "aparcar | aparcamiento | estacionamiento | estacionar | parking | parqueadero",
        "pt": "estacionamento | estacionar | parque publico | parque de estacionamento | parking",
        "fr": "stationnement | stationner | se garer | garer | parking",
        "de": "parkplatz* | parken | parkhaus | tiefgarage | parkmoglichkeit*",
        "it": "parcheggi* | parcheggiare | posteggi* | garage",
    },
    "access": {
        "en": "wheelchair* | accessible | accessibility | step-free | stairs | ramp | disabled",
        "es": "silla de ruedas | accesible | accesibilidad | escaleras | rampa | discapacidad",
        "pt": "cadeira de rodas | cadeiras de rodas | acessivel | acessibilidade | escadas | rampa | deficiencia",
        "fr": "fauteuil roulant | accessible | accessibilite | escalier* | rampe | handicap*",
        "de": "rollstuhl* | barrierefrei* | treppe* | rampe | behindert*",
        "it": "sedia a rotelle | carrozzina | accessibil* | scale | rampa | disabil*",
    },
    "elevator": {
        "en": "lift | elevator*",
        "es": "ascensor*",
        "pt": "elevador*",
        "fr": "ascenseur*",
        "de": "aufzug | aufzuge | fahrstuhl",
        "it": "ascensor*",
    },
    "floor": {
        "en": "ground floor | (?:first|second|third|top|which|what) floor | floors | upstairs | downstairs",
        "es": "planta baja | (?:primer|segundo|tercer|que) piso | (?:primera|segunda|que) planta",
        "pt": "res-do-chao | (?:primeiro|segundo|terceiro|que|qual) andar | \\d+o andar",
        "fr": "rez-de-chaussee | etage | etages",
        "de": "erdgeschoss | stockwerk* | etage | (?:ersten|zweiten|dritten) stock",
        "it": "piano terra | (?:primo|secondo|terzo|quale|che) piano",
    },
    "private": {
        "en": "private | one-to-one | one on one | 1:1 | individual",
        "es": "privad* | particular* | individual*",
        "pt": "privad* | particular* | individual*",
        "fr": "prive* | particulier* | individuel*",
        "de": "privat* | einzel*",
        "it": "privat* | individual*",
    },
    "rooms": {
        "en": "meeting room* | conference room* | event hall | event space | boardroom",
        "es": "sala de reuniones | salas de reuniones | sala de conferencias | sala de eventos",
        "pt": "sala de reuniao | salas de reuniao | sala de reunioes | sala de conferencias | sala de eventos",
        "fr": "salle de reunion | salles de reunion | salle de conference | salle d'evenement*",
        "de": "besprechungsraum* | konferenzraum* | meetingraum* | veranstaltungsraum* | eventraum*",
        "it": "sala riunion* | sale riunion* | sala conferenze | sala eventi",
    },
    "airport": {
        "en": "airport | pick me up | pick-up | pickup | shuttle",
        "es": "aeropuerto | traslado* | recogida",
        "pt": "aeroporto | transfer | buscar no",
        "fr": "aeroport | navette",
        "de": "flughafen | abholung | abholen",
        "it": "aeroporto | navetta | transfer",
    },
    "start": {
        "en": "start* | begin* | join (?:a|the) (?:course|class|group)",
        "es": "empezar | empiez* | comenzar | comienz* | iniciar | inicio",
        "pt": "comecar | comeca* | iniciar | inicio",
        "fr": "commencer | commence* | debut* | demarrer",
        "de": "anfangen | fangt | beginn* | einsteigen | starten",
        "it": "iniziare | inizi* | cominciare | comincia*",
    },
    "materials": {
        "en": "textbook* | coursebook* | course book* | course material* | materials",
        "es": "libro de texto | libros de texto | material*",
        "pt": "livro didatico | livros | apostila* | material*",
        "fr": "manuel* | livre* | support de cours",
        "de": "lehrbuch* | kursbuch* | lehrmaterial* | unterlagen",
        "it": "libro di testo | libri di testo | material*",
    },
    "contact": {
        "en": "phone number | call you | call us | email | e-mail | whatsapp | contact* | reach you",
        "es": "telefono | llamar | llamarles | correo | contacto | contactar*",
        "pt": "telefone | ligar | contato | contacto | contactar | e-mail",
        "fr": "telephone | appeler | courriel | contact* | joindre",
        "de": "telefon* | anrufen | kontakt* | erreichen | e-mail",
        "it": "telefono | chiamare | chiamarvi | contatt* | scrivere | scrivi",
    },
    "discount": {
        "en": "discount* | deal* | promo* | coupon* | cheaper rate | special rate | off the | "
        "(?:two|three|\\d+) months? free | free months?",
        "es": "descuento* | rebaja* | promocion* | cupon* | oferta* | tarifa especial | mes(?:es)? gratis",
        "pt": "desconto* | promocao | promocoes | cupom | cupao | oferta* | mes(?:es)? gratis",
        "fr": "reduction* | remise* | promotion* | rabais | mois offert* | mois gratuit*",
        "de": "rabatt* | ermassigung* | angebot* | gutschein* | monate? gratis | monate? kostenlos",
        "it": "scont* | promozion* | offert* | mesi gratis | mese gratis",
        "*": r"\d+ ?% (?:off|de descuento|de desconto|de reduction|rabatt|di sconto)",
    },
    "student": {
        "en": "student* | uni student*",
        "es": "estudiant* | alumno* | universitari*",
        "pt": "estudante* | aluno* | universitari*",
        "fr": "etudiant* | eleve*",
        "de": "studierend* | student* | schuler*",
        "it": "studente* | studenti | universitari*",
    },
    "team": {
        "en": "company | companies | corporate | team rate | for (?:my|our) team | employees | colleagues",
        "es": "empresa* | oficina | empleados | corporativ*",
        "pt": "empresa* | funcionarios | colaboradores",
        "fr": "entreprise* | societe | salaries | collegues",
        "de": "firma | firmen | mitarbeiter | unternehmen",
        "it": "azienda* | aziende | dipendenti | colleghi",
    },
    "bring": {
        "en": "bring | need to bring | what do i need | take with me",
        "es": "traer | llevar | que necesito",
        "pt": "levar | trazer | traga | preciso levar | o que preciso",
        "fr": "apporter | amener | prevoir | dois-je",
        "de": "mitbringen | mitnehmen | brauche ich | bringen sie",
        "it": "portare | porta | portarmi | cosa serve",
        "*": "socks | calcetines | chaussettes | socken | calze | meias",
    },
    "identity": {
        "en": "photo id | id card | passport | identity card | an id | my id | driver'?s licen[cs]e",
        "es": "dni | pasaporte | documento de identidad | carnet | identificacion",
        "pt": "cartao de cidadao | passaporte | bilhete de identidade | documento de identificacao | documento",
        "fr": "piece d'identite | passeport | carte d'identite",
        "de": "ausweis* | personalausweis | reisepass",
        "it": "documento | documento d'identita | carta d'identita | passaporto",
    },
    "trial": {
        "en": "try | trial | test ride* | before buying | before (?:i )?(?:join|sign up|buy) | try before",
        "es": "probar | prueba | clase de prueba | antes de (?:comprar|apuntarme)",
        "pt": "experimentar | aula experimental | teste | antes de (?:comprar|assinar)",
        "fr": "essai* | essayer | cours d'essai | avant de (?:m'abonner|m'inscrire|acheter)",
        "de": "probefahrt* | probetraining | probestunde | ausprobieren | testen | schnupper*",
        "it": "provare | prova | lezione di prova | prima di (?:iscrivermi|comprare)",
    },
    "tour": {
        "en": "tour | tours | guided visit | viewing | show me around | open day",
        "es": "visita guiada | visitas guiadas | puertas abiertas",
        "pt": "visita guiada | visitas guiadas | dia aberto",
        "fr": "visite guidee | visites guidees | portes ouvertes",
        "de": "fuhrung* | besichtigung* | tag der offenen tur",
        "it": "visita guidata | visite guidate | open day | giornata aperta",
    },
    "duration": {
        "en": "how long | lasts | last for | takes | how many minutes | how many hours",
        "es": "cuanto (?:tiempo|dura|duran) | duracion | dura | duran | demora",
        "pt": "quanto tempo | quanto dura | duracao | dura | demora | leva",
        "fr": "combien de temps | duree | dure | durent",
        "de": "wie lange | dauer* | dauert",
        "it": "quanto (?:tempo|dura|durano) | durata | dura | durano",
    },
    "frequency": {
        "en": "how often | every (?:\\d+|two|few) (?:days|weeks|months)",
        "es": "cada cuanto | cada \\d+ (?:dias|semanas|meses)",
        "pt": "de quanto em quanto | com que frequencia | a cada \\d+",
        "fr": "tous les combien | toutes les \\d+ semaines",
        "de": "wie oft | alle \\d+ (?:tage|wochen|monate)",
        "it": "ogni quanto | ogni \\d+ (?:giorni|settimane|mesi)",
    },
    "free": {
        "en": "free | for free | free of charge | no charge | at no cost | included | complimentary",
        "es": "gratis | gratuit* | sin coste | sin costo | incluido*",
        "pt": "gratis | gratuit* | de graca | sem custo | incluid*",
        "fr": "gratuit* | offert* | inclus*",
        "de": "kostenlos* | gratis | umsonst | inklusive | inbegriffen",
        "it": "gratis | gratuit* | senza costi | compres* | inclus*",
    },
    "wifi": {
        "en": "wifi | wi-fi | internet | wireless | network",
        "es": "wifi | internet | conexion",
        "pt": "wifi | internet | rede | conexao",
        "fr": "wifi | internet | reseau | connexion",
        "de": "wlan | internet | netz | verbindung",
        "it": "wifi | internet | rete | connessione",
        "*": "gbps | mbps",
    },
    "food": {
        "en": "coffee | tea | drink* | snack* | food | eat | eating | meal* | lunch | breakfast | water",
        "es": "cafe | bebida* | comida* | comer | desayuno | almuerzo | agua",
        "pt": "cafe | bebida* | comida* | comer | pequeno-almoco | almoco | agua | lanche*",
        "fr": "cafe | boisson* | nourriture | manger | repas | petit-dejeuner | dejeuner | eau",
        "de": "kaffee | tee | getrank* | essen | fruhstuck | mittagessen | wasser | snacks",
        "it": "caffe | bevand* | cibo | mangiare | pasto | pasti | colazione | pranzo | acqua | aperitivo",
    },
    "cafe": {
        "en": "cafe | cafeteria | canteen | kitchen | restaurant | bar",
        "es": "cafe | cafeteria | comedor | cocina | restaurante",
        "pt": "cafe | cafetaria | cantina | refeitorio | cozinha | restaurante",
        "fr": "cafe | cafeteria | cantine | cuisine | restaurant",
        "de": "cafe | cafeteria | kantine | kuche | restaurant",
        "it": "bar | caffetteria | mensa | cucina | ristorante",
    },
    "pets": {
        "en": "dog | dogs | cats | pet | pets | animal*",
        "es": "perro* | mascota* | gato* | animales",
        "pt": "cao | caes | cachorro* | animais | animal de estimacao | gato*",
        "fr": "chien* | animaux | animal",
        "de": "hund* | katze* | haustier* | tiere",
        "it": "cane | cani | gatto | gatti | animali",
    },
    "guests": {
        "en": "guest* | visitor* | bring a friend | bring my (?:friend|partner|wife|husband) | companion | accompan*",
        "es": "invitad* | acompanante* | acompanad* | amigo*",
        "pt": "convidad* | acompanhante* | acompanhad*",
        "fr": "invite* | accompagn* | ami | amie | amis",
        "de": "gast | gaste | begleit* | besucher*",
        "it": "ospite | ospiti | accompagn* | amico | amici",
    },
    "accommodation": {
        "en": "accommodation* | housing | place to stay | somewhere to stay | host family | homestay | bedroom | dorm* | hotel*",
        "es": "alojamiento* | alojar* | familia anfitriona | residencia | habitacion | hospedaje",
        "pt": "alojamento | hospedagem | familia de acolhimento | residencia | quarto | onde ficar",
        "fr": "logement* | hebergement | famille d'accueil | chambre | ou loger",
        "de": "unterkunft | wohnung | gastfamilie | zimmer | wohnheim | ubernachtung*",
        "it": "alloggi* | sistemazion* | famiglia ospitante | residenza | stanza | dove dormire",
    },
    "insurance": {
        "en": "insurance | insurer | covered by",
        "es": "seguro* | aseguradora* | mutua",
        "pt": "seguro* | seguradora*",
        "fr": "assurance* | mutuelle*",
        "de": "versicherung* | krankenkasse*",
        "it": "assicurazion* | mutua",
    },
    "certificate": {
        "en": "certificate* | certification | diploma*",
        "es": "certificado* | diploma* | titulo",
        "pt": "certificado* | diploma*",
        "fr": "certificat* | attestation* | diplome*",
        "de": "zertifikat* | bescheinigung* | teilnahmebestatigung",
        "it": "certificat* | attestat* | diplom*",
    },
    "level": {
        "en": "level* | placement test | beginner* | advanced",
        "es": "nivel* | principiante*",
        "pt": "nivel | niveis | iniciante*",
        "fr": "niveau* | debutant*",
        "de": "niveau* | einstufung* | anfanger*",
        "it": "livell* | principiant*",
    },
    "exam": {
        "en": "exam | exams | examination* | test centre | test center | placement test | level test",
        "es": "examen* | examenes | prueba de nivel",
        "pt": "exame* | teste de nivel",
        "fr": "examen* | test de niveau",
        "de": "prufung* | einstufungstest*",
        "it": "esame | esami | test di livello",
    },
    "visa": {
        "en": "study visa | student visa | need a visa | a visa | the visa | my visa | your visa | residence permit",
        "es": "visado | un visa | el visa | mi visa | visa de estudiante | permiso de residencia",
        "pt": "visto de estudante | visto de estudo | um visto | o visto | meu visto",
        "fr": "un visa | le visa | mon visa | visa etudiant | titre de sejour",
        "de": "visum | studentenvisum | aufenthaltstitel",
        "it": "il visto | un visto | del visto | visto di studio | visto per studio | permesso di soggiorno",
    },
    "languages": {
        "en": "speak (?:english|spanish|french|german|italian|portuguese) | languages? spoken | which languages",
        "es": "hablan (?:ingles|espanol|frances|aleman|italiano|portugues) | idiomas",
        "pt": "falam (?:ingles|espanhol|frances|alemao|italiano|portugues) | falamos | idiomas | linguas",
        "fr": "parlez(?:-vous)? (?:anglais|espagnol|francais|allemand|italien|portugais) | langues",
        "de": "sprechen sie (?:englisch|spanisch|franzosisch|deutsch|italienisch|portugiesisch) | sprachen",
        "it": "parlate (?:inglese|spagnolo|francese|tedesco|italiano|portoghese) | lingue",
    },
    "booking": {
        "en": "book | booking* | booked | appointment* | reservation* | reserve",
        "es": "reserva* | reservar | cita | citas | turno",
        "pt": "marcac* | marcar | marcad* | agendar | agendamento*",
        "fr": "rendez-vous | reserv* | rdv",
        "de": "termin | termine | buch* | reservier*",
        "it": "prenot* | appuntament*",
    },
    "enrolment": {
        "en": "enrol* | enroll* | registration | register | sign up | signup",
        "es": "inscripcion* | inscrib* | matricula* | apuntarse | apuntarme",
        "pt": "inscricao | inscricoes | inscrever | matricula*",
        "fr": "inscription* | inscrire | m'inscrire",
        "de": "anmeld* | einschreib* | registrier*",
        "it": "iscrizion* | iscriver* | iscriversi",
    },
    "mail": {
        "en": "package* | parcel* | business address | mail handling | postal mail | mailbox | correspondence",
        "es": "paquete* | correspondencia | domiciliacion",
        "pt": "encomenda* | correspondencia | morada fiscal",
        "fr": "colis | courrier | domiciliation",
        "de": "paket* | postfach | briefkasten | geschaftsadresse",
        "it": "pacco | pacchi | posta | sede legale",
    },
    "shower": {
        "en": "shower* | changing room*",
        "es": "ducha* | vestuario*",
        "pt": "duche* | chuveiro* | vestiario*",
        "fr": "douche* | vestiaire*",
        "de": "dusche* | umkleide*",
        "it": "doccia | docce | spogliato*",
    },
    "lockers": {
        "en": "locker* | luggage storage | cloakroom",
        "es": "taquilla* | consigna",
        "pt": "cacifo* | guarda-volumes",
        "fr": "casier* | consigne | vestiaire*",
        "de": "schliessfach* | spind* | garderobe",
        "it": "armadiett* | guardaroba",
    },
    "towels": {
        "en": "towel*",
        "es": "toalla*",
        "pt": "toalha*",
        "fr": "serviette*",
        "de": "handtuch | handtucher",
        "it": "asciugaman*",
    },
    "printing": {
        "en": "print* | scanner | scanning | photocop*",
        "es": "impres* | imprimir | fotocopi*",
        "pt": "impress* | imprimir | fotocopi*",
        "fr": "imprim* | impression | photocopi*",
        "de": "drucken | drucker | ausdruck* | kopier*",
        "it": "stampa | stampare | stampante | fotocopi*",
    },
    "screen": {
        "en": "monitor* | screen* | display*",
        "es": "monitor* | pantalla*",
        "pt": "monitor* | tela* | ecra*",
        "fr": "ecran* | moniteur*",
        "de": "monitor* | bildschirm*",
        "it": "monitor* | schermo | schermi",
    },
    "booth": {
        "en": "phone booth* | booth* | call room*",
        "es": "cabina*",
        "pt": "cabine*",
        "fr": "cabine*",
        "de": "telefonzelle* | telefonkabine* | kabine*",
        "it": "cabina | cabine",
    },
    "speed": {
        "en": "speed | how fast | fast | slow",
        "es": "velocidad | rapid* | lent*",
        "pt": "velocidade | rapid* | lent*",
        "fr": "vitesse | debit | rapide* | lent*",
        "de": "geschwindigkeit | schnell* | langsam*",
        "it": "velocita | veloce | lent*",
        "*": "gbps | mbps",
    },
    "month": {
        "en": "month | months | monthly",
        "es": "mes | meses | mensual*",
        "pt": "mes | meses | mensal*",
        "fr": "mois | mensuel*",
        "de": "monat* | monatlich*",
        "it": "mese | mesi | mensil*",
    },
    "lessons": {
        "en": "class | classes | lesson* | course* | session*",
        "es": "clase | clases | leccion* | curso* | sesion*",
        "pt": "aula | aulas | licao | licoes | curso* | sessao | sessoes",
        "fr": "cours | lecon* | seance* | classe*",
        "de": "kurs | kurse | stunde | stunden | unterricht* | lektion*",
        "it": "lezion* | corso | corsi | classe | classi",
    },
    "satisfaction": {
        "en": "don'?t like | do not like | not happy | not satisfied | unhappy | satisf*",
        "es": "no me gusta | no me guste | satisfech* | satisfaccion | insatisfech*",
        "pt": "nao gostar | nao gosto | nao gostei | satisfeit* | satisfacao | insatisfeit*",
        "fr": "ne me plait pas | pas satisfait* | satisfait* | satisfaction | insatisf*",
        "de": "gefallt mir nicht | nicht gefallt | nicht zufrieden | unzufrieden | zufrieden*",
        "it": "non mi piace | non fa per (?:me|te) | soddisfatt* | insoddisfatt*",
    },
    "health": {
        "en": "pregnan* | injur* | medical | medication* | allerg* | pain",
        "es": "embarazad* | lesion* | medicamento* | medicacion | alergi* | dolor",
        "pt": "gravida* | gestante* | lesao | lesoes | medicamento* | medicacao | alergi* | dor | dores",
        "fr": "enceinte | grossesse | blessure* | medicament* | allergi* | douleur*",
        "de": "schwanger* | verletz* | medikament* | allergi* | schmerz*",
        "it": "incinta | gravidanza | infortun* | farmac* | allergi* | dolor*",
    },
    "quote": {
        "en": "quote | estimate | quotation",
        "es": "presupuesto*",
        "pt": "orcamento*",
        "fr": "devis",
        "de": "kostenvoranschlag* | angebot",
        "it": "preventiv*",
    },
    "urgent": {
        "en": "emergenc* | urgent* | asap | today",
        "es": "urgencia* | urgente* | hoy mismo",
        "pt": "urgencia* | urgente* | hoje",
        "fr": "urgence* | urgent* | aujourd'hui",
        "de": "notfall* | dringend* | heute",
        "it": "urgenz* | urgent* | oggi",
    },
}

# The flat form: every language's words of a concept, one regex alternative list.
CONCEPT_WORDS: dict[str, str] = {
    concept: " | ".join(words for words in by_language.values() if words) for concept, by_language in CONCEPTS.items()
}


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    compiled = {}
    for concept, alternatives in CONCEPT_WORDS.items():
        parts = []
        for alternative in alternatives.split(" | "):
            alternative = alternative.strip()
            if not alternative:
                continue
            parts.append(alternative[:-1] + r"\w*" if alternative.endswith("*") else alternative)
        # One word-boundary check around all alternatives: the scan tests it once per position, not per word.
        compiled[concept] = re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")
    return compiled


def concepts_in(text: str, *, folded: bool = False) -> set[str]:
    """The concepts a text speaks of."""
    return set(_concepts(text if folded else fold(text)))


@lru_cache(maxsize=TEXTS_KEPT)
def _concepts(folded: str) -> frozenset[str]:
    # The tenant's passages come back turn after turn: each is read once.
    return frozenset(concept for concept, pattern in _patterns().items() if pattern.search(folded))
