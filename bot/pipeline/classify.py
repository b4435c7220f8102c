"""The intent of a customer's message: the model's reading in any language when there is one, and rules in
English, Spanish, Portuguese, French, German and Italian (the fallback, and the keywords that always stand).

Opt-out and opt-in are whole-message keywords (the way SMS and WhatsApp keywords work), so
"don't stop" or "para qué sirve" never unsubscribe anyone. Everything else is phrase matching on
the folded text (lowercase, no accents), strongest intent first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.pipeline.phrases import phrase
from bot.pipeline.text import LANGUAGES, content_words, fold, words
from bot.pipeline.types import Classification, Intent, Reading
from knowledge.models import Campaign


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_POLITE = r"(?:please|pls|por favor|pf|s'il vous plait|svp|bitte|now|ahora|agora|maintenant|jetzt)"

_OPT_OUT_WORDS = (
    r"stop|stop all|stopall|unsubscribe|unsub|cancel|end|quit|opt out|optout|opt-out|remove me|"
    r"stop messaging me|stop sending me messages|stop texting me|stop messages|no more messages|"
    r"para|parar|pare|basta|alto|baja|darme de baja|dar de baja|cancelar suscripcion|cancelar la suscripcion|"
    r"desuscribir|desuscribirme|no mas mensajes|deja de escribirme|no me escribas mas|"
    r"sair|cancelar inscricao|descadastrar|descadastre|nao quero mais mensagens|pare de me mandar mensagens|"
    r"arreter|arret|arretez|stop svp|desabonner|se desabonner|desinscrire|se desinscrire|me desinscrire|"
    r"plus de messages|arretez de m'ecrire|"
    r"stopp|abmelden|abbestellen|keine nachrichten mehr|hor auf|horen sie auf"
)
_OPT_OUT = re.compile(rf"^(?:{_POLITE} )?(?:{_OPT_OUT_WORDS})(?: {_POLITE})?$")

_OPT_IN_WORDS = (
    r"start|unstop|subscribe|resume|yes start|opt in|optin|"
    r"empezar|comenzar|reanudar|iniciar|suscribir|suscribirme|alta|"
    r"comecar|voltar|retomar|inscrever|"
    r"demarrer|reprendre|recommencer|s'abonner|"
    r"starten|anmelden|fortsetzen"
)
_OPT_IN = re.compile(rf"^(?:{_POLITE} )?(?:{_OPT_IN_WORDS})(?: {_POLITE})?$")

_HUMAN = _any(
    r"\b(?:talk|speak|chat|connect me) (?:to|with) (?:a |an |the |some |your |real |actual )*"
    r"(?:human|person|agent|representative|rep|someone|somebody|operator|manager|staff|owner|salesperson|people)\b",
    r"\b(?:real|live|actual) (?:person|human|agent)\b",
    r"\bhuman (?:please|agent|being)\b",
    r"^(?:a )?human$",
    r"\b(?:customer service|customer support)\b",
    r"\bhablar con (?:una |un |alguien|el |la )?(?:persona|humano|agente|asesor|alguien|encargado|vendedor)",
    r"\b(?:persona real|agente humano|atencion al cliente)\b",
    r"\bfalar com (?:um |uma |o |a |alguem)?(?:atendente|humano|pessoa|agente|alguem|vendedor|responsavel)",
    r"\b(?:atendente humano|pessoa real|atendimento humano)\b",
    r"\bparler (?:a|avec) (?:un |une |quelqu'un|le |la )?(?:humain|personne|conseiller|conseillere|agent|quelqu'un|vendeur)",
    r"\b(?:vrai humain|vraie personne|service client)\b",
    r"\bmit (?:einem|einer|jemandem) ?(?:menschen|mitarbeiter|mitarbeiterin|berater|beraterin|person)?\b.*\bsprechen\b",
    r"\b(?:echten menschen|echter mensch|kundenservice)\b",
    r"\b(?:get|give|want|need|call|fetch|find) (?:me )?(?:a |the |your |to )?(?:speak to |talk to )?(?:a |the |your )?"
    r"(?:manager|supervisor|boss|human|real person|person in charge)\b",
    r"\b(?:quiero|necesito) (?:hablar con )?(?:el |la |un |una )?(?:gerente|encargad[oa]|responsable|supervisor)",
    r"\b(?:quero|preciso) (?:falar com )?(?:o |a |um |uma )?(?:gerente|responsavel|supervisor)",
    r"\b(?:je veux|je voudrais) (?:parler (?:a|au|avec) )?(?:un |une |le |la )?(?:responsable|manager|directeur|humain)",
    r"\b(?:ich will|ich mochte|ich moechte) (?:mit )?(?:einem |einer |dem |den )?(?:chef|vorgesetzten|verantwortlichen|menschen)",
    r"\bparlare con (?:una persona|un operatore|qualcuno|un responsabile|il responsabile)|\b(?:persona vera|operatore umano)\b",
)

_COMPLAINT = _any(
    r"\bridiculous\b",
    r"\bunacceptable\b",
    r"\boutrageous\b",
    r"\bdisgrace",
    r"\bterrible (?:service|experience)\b",
    r"\bworst\b",
    r"\b(?:so |really |very )?(?:angry|furious|pissed)\b",
    r"\bcharged (?:me )?twice\b",
    r"\bdouble charged\b",
    r"\b(?:nobody|no one|noone) (?:answers|answered|replies|replied|responds|helps|called)\b",
    r"\bcomplain",
    r"\bfed up\b",
    r"\bwtf\b",
    r"\bstill (?:waiting|not (?:arrived|working|fixed))\b",
    r"\bbroken\b",
    r"\binaceptable\b",
    r"\bverguenza\b",
    r"\bpesimo\b",
    r"\bqueja\b",
    r"\breclamacion\b",
    r"\bestoy (?:muy )?enfadad",
    r"\babsurdo\b",
    r"\breclamacao\b",
    r"\bpessimo\b",
    r"\bvergonha\b",
    r"\bestou (?:muito )?irritad",
    r"\binadmissible\b",
    r"\bscandaleux\b",
    r"\bhonteux\b",
    r"\bplainte\b",
    r"\breclamation\b",
    r"\bn'importe quoi\b",
    r"\bfrechheit\b",
    r"\bunverschamt\b",
    r"\bbeschwerde\b",
    r"\bkatastrophe\b",
    r"\bskandal\b",
    r"\bzumutung\b",
    r"\bvergogna\b",
    r"\binaccettabile\b",
    r"\breclamo\b",
    r"\bpessimo\b",
    r"\barrabbiat",
)

_BUYING = _any(
    r"\bi'?ll take (?:it|one|two|them)\b",
    r"\bi will take (?:it|one|them)\b",
    r"\bi'?ll buy\b",
    r"\bi (?:want|would like|'d like|wanna) to (?:buy|order|purchase|get it|sign up|subscribe)\b",
    r"\bhow (?:do|can) i (?:buy|order|purchase|pay|sign up|get it|subscribe)\b",
    r"\bwhere (?:do|can) i (?:pay|buy|order)\b",
    r"\bsign me up\b",
    r"(?:^|[.!] )(?:i'?m in|count me in)[!. ]*$",
    r"\blet'?s do it\b",
    r"\bi(?:'d| would)? (?:like|want|wanna) to (?:book|join|enrol|enroll|register|reserve|start (?:the |a |my )?(?:trial|membership|plan))\b",
    r"\bi(?:'d| would) like to (?:buy|order|purchase|get|sign up|subscribe)\b",
    r"\bhow (?:do|can) i (?:book|join|enrol|enroll|register|reserve|sign up|get started)\b",
    r"\b(?:book|reserve) (?:me |a |an |the |my )?(?:spot|place|session|class|appointment|slot|test ride)\b",
    r"\bmake (?:a |an )?(?:booking|appointment|reservation)\b",
    r"\bstart (?:the|my|a) (?:free )?trial\b",
    r"\bready to (?:buy|order|start|go)\b",
    r"\bsend (?:me )?the (?:link|payment link|invoice)\b",
    r"\b(?:buy|order) (?:it )?now\b",
    r"\bi want (?:it|one|this)\b",
    r"\bcheckout\b",
    r"\bdeal!?$",
    r"\bquiero (?:comprar|pedir|contratar|adquirir|suscribirme|reservar|apuntarme|inscribirme)",
    r"\bcomo (?:me )?(?:apunto|inscribo|reservo)\b",
    r"\bme apunto\b",
    r"\b(?:quisiera|me gustaria) (?:reservar|apuntarme|comprar)",
    r"\blo (?:compro|quiero|pido)\b",
    r"\bme lo llevo\b",
    r"\bcomo (?:compro|pago|lo compro|hago el pedido|puedo comprar|puedo pagar)\b",
    r"\bdonde (?:pago|compro)\b",
    r"\bquero (?:comprar|pedir|assinar|contratar|adquirir|reservar|agendar|me inscrever)",
    r"\bcomo (?:agendo|reservo|me inscrevo|compro)\b",
    r"\bvou (?:comprar|levar|querer)\b",
    r"\bcomo (?:faco para|faço para|posso) (?:comprar|pagar|assinar)",
    r"\bfechado\b|\bfechou\b",
    r"\bje (?:le |la |les )?prends\b",
    r"\bje (?:veux|voudrais) (?:reserver|m'inscrire|prendre rendez-vous|m'abonner)",
    r"\bcomment (?:reserver|m'inscrire|s'inscrire|prendre rendez-vous)\b",
    r"\bje veux (?:l'acheter|acheter|commander|le commander|m'abonner)",
    r"\bcomment (?:acheter|commander|payer|je peux acheter)\b",
    r"\bje (?:vais|voudrais) (?:l'acheter|acheter|commander)",
    r"\bich nehme? (?:es|ihn|sie|das|den|die)\b",
    r"\bich (?:will|mochte|moechte) (?:es |ihn |sie |das )?(?:kaufen|bestellen|buchen|reservieren)\b",
    r"\bwie kann ich (?:es |das |ihn |sie )?(?:kaufen|bestellen|bezahlen|buchen|reservieren)\b",
    r"\bjetzt kaufen\b",
    r"\btermin (?:buchen|vereinbaren|machen)\b",
    r"\b(?:voglio|vorrei) (?:comprare|acquistare|prenotare|iscrivermi|abbonarmi)",
    r"\blo prendo\b",
    r"\bcome (?:posso )?(?:comprare|acquistare|prenotare|iscrivermi|pagare)\b",
)

_DISINTEREST = _any(
    r"\bnot interested\b",
    r"\bno thanks\b",
    r"\bno thank you\b",
    r"\bnot for me\b",
    r"\bno me interesa\b",
    r"\bno gracias\b",
    r"\bnao tenho interesse\b",
    r"\bnao me interessa\b",
    r"\bnao obrigad[oa]\b",
    r"\bpas interesse\b",
    r"\bca ne m'interesse pas\b",
    r"\bnon merci\b",
    r"\bkein interesse\b",
    r"\bnein danke\b",
)

_OBJECTION = _any(
    r"\btoo (?:expensive|pricey|much|costly)\b",
    r"\bexpensive\b",
    r"\bpricey\b",
    r"\boverpriced\b",
    r"\bcan'?t afford\b",
    r"\ba lot of money\b",
    r"\btoo much (?:money )?for me\b",
    r"\btroppo caro\b",
    r"\bcostoso\b",
    r"\bnon (?:sono sicur|ho tempo)",
    r"\bci (?:devo )?pensare\b",
    r"\bcannot afford\b",
    r"\b(?:no|not enough|tight|limited) budget\b",
    r"\bbudget is tight\b",
    r"\bcheaper\b",
    r"\bnot sure\b",
    r"\bunsure\b",
    r"\bthink about it\b",
    r"\bneed (?:to|some time to) think\b",
    r"\bnot (?:now|right now|yet)\b",
    r"\bmaybe later\b",
    r"\bcompetitor",
    r"\bdoes(?:n'?t| not) work for\b",
    r"\bdon'?t (?:need|trust|think)\b",
    r"\bscam\b",
    r"\btoo (?:complicated|slow|long|small|big)\b",
    r"\b(?:muy |demasiado )?caro\b",
    r"\bmas barato\b",
    r"\bno estoy segur[oa]\b",
    r"\blo (?:voy a )?pienso\b",
    r"\b(?:lo )?tengo que pensar\b",
    r"\bno tengo (?:presupuesto|dinero)\b",
    r"\bcompetencia\b",
    r"\bmuito caro\b",
    r"\bmais barato\b",
    r"\bnao (?:sei|tenho certeza)\b",
    r"\bvou pensar\b",
    r"\bsem (?:orcamento|dinheiro)\b",
    r"\btrop cher\b",
    r"\bcher\b",
    r"\bmoins cher\b",
    r"\bpas sur\b",
    r"\bje vais reflechir\b",
    r"\bpas le budget\b",
    r"\bconcurrent",
    r"\bzu teuer\b",
    r"\bteuer\b",
    r"\bgunstiger\b",
    r"\bbilliger\b",
    r"\bnicht sicher\b",
    r"\buberlegen\b",
    r"\bkein budget\b",
    r"\bkonkurrenz\b",
)

_PRICE = _any(
    r"\bhow much\b",
    r"\bprice",
    r"\bpricing\b",
    r"\bcost",
    r"\bfee\b",
    r"\bdiscount",
    r"\bcoupon",
    r"\bprecio",
    r"\bcuanto",
    r"\bcuesta\b",
    r"\btarifa\b",
    r"\bdescuento",
    r"\bpreco",
    r"\bquanto",
    r"\bcusta\b",
    r"\bvalor\b",
    r"\bdesconto",
    r"\bprix\b",
    r"\bcombien\b",
    r"\bcoute\b",
    r"\btarif",
    r"\breduction\b",
    r"\bremise\b",
    r"\bpreis",
    r"\bwie ?viel\b",
    r"\bkostet\b",
    r"\bkosten\b",
    r"\brabatt\b",
    r"\bprezz",
    r"\bcosta\b",
    r"\bsconto\b",
    r"\bstudent (?:discount|rate|price)",
    r"\bdeal\b",
)

_PRODUCT = _any(
    r"\bwhat (?:is|are|does|do)\b",
    r"\bdo(?:es)? (?:it|you|they)\b",
    r"\bcan (?:it|you|i)\b",
    r"\bis (?:it|there|this)\b",
    r"\bfeature",
    r"\btell me (?:more )?about\b",
    r"\binfo\b",
    r"\binformation\b",
    r"\bdetails?\b",
    r"\bhow (?:does|do|long|many)\b",
    r"\bship",
    r"\bdeliver",
    r"\breturn",
    r"\brefund",
    r"\bwarrant",
    r"\bguarantee",
    r"\bhours\b",
    r"\bopen\b",
    r"\bsize",
    r"\bcolou?r",
    r"\bstock\b",
    r"\bavailable\b",
    r"\bspecs?\b",
    r"\binclude",
    r"\bque (?:es|son|incluye|hace)\b",
    r"\btienen\b",
    r"\bvenden\b",
    r"\binformacion\b",
    r"\benvio",
    r"\bdevolucion",
    r"\bcomo funciona\b",
    r"\bgarantia\b",
    r"\bhorario",
    r"\bo que (?:e|sao|inclui)\b",
    r"\bvoces (?:tem|vendem)\b",
    r"\binformac",
    r"\bentrega",
    r"\bfrete\b",
    r"\btroca",
    r"\bqu'est-ce\b",
    r"\bvous (?:avez|vendez|livrez)\b",
    r"\blivraison\b",
    r"\bretour",
    r"\bcomment ca marche\b",
    r"\bwas ist\b",
    r"\bhaben sie\b",
    r"\bverkaufen sie\b",
    r"\bversand\b",
    r"\blieferung\b",
    r"\bruckgabe\b",
    r"\bwie funktioniert\b",
    r"\bgarantie\b",
    r"\bavete\b",
    r"\bvendete\b",
    r"\borari",
    r"\baperti\b",
    r"\bspedizion",
    r"\bquante?\b",
    r"\bdove\b",
    r"\bwh?at (?:do )?(?:u|you|y'all) (?:guys )?(?:got|have|sell|offer)\b",
    r"\bposso\b",
    r"\bwhere\b",
    r"\bwhen\b",
    r"\bwo\b",
    r"\bdonde\b",
    r"\bonde\b",
    r"\bou\b",
)

_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|yo|howdy|good (?:morning|afternoon|evening|day)|greetings|hi there|hello there|hey there|"
    r"hola|buenas|buenos dias|buenas tardes|buenas noches|que tal|"
    r"oi|ola|bom dia|boa tarde|boa noite|e ai|"
    r"bonjour|bonsoir|salut|coucou|"
    r"hallo|guten tag|guten morgen|guten abend|moin|servus|gruss gott|hi zusammen)"
    r"(?:[ ,!.]+(?:there|all|team|everyone|amigo|amigos|a todos|pessoal|tout le monde|zusammen|[a-z]+)){0,2}[ !.]*$"
)

_SMALL_TALK = _any(
    r"^(?:ok|okay|k|cool|great|nice|awesome|perfect|sure|fine|got it|alright|lol|haha+|yes|no|yeah|yep|nope)[ !.]*$",
    r"\bthanks?\b",
    r"\bthank you\b",
    r"\bhow are you\b",
    r"\bhow'?s it going\b",
    r"\bgood (?:night|bye)\b",
    r"\bbye\b",
    r"\bgracias\b",
    r"\bcomo estas\b",
    r"\bque tal\b",
    r"^(?:vale|perfecto|genial|claro|si|bueno)[ !.]*$",
    r"\badios\b",
    r"\bobrigad[oa]\b",
    r"\btudo bem\b",
    r"^(?:beleza|certo|legal|otimo|sim|nao)[ !.]*$",
    r"\btchau\b",
    r"\bmerci\b",
    r"\bca va\b",
    r"^(?:d'accord|parfait|super|oui|non)[ !.]*$",
    r"\bau revoir\b",
    r"\bdanke\b",
    r"\bwie geht'?s\b",
    r"^(?:alles klar|super|prima|ja|nein|gut)[ !.]*$",
    r"\btschuss\b",
)

_NO_WORDS = re.compile(r"^[\W_]*$")


def is_opt_out(text: str) -> bool:
    return bool(_OPT_OUT.match(_bare(text)))


def is_opt_in(text: str) -> bool:
    return bool(_OPT_IN.match(_bare(text)))


def is_disinterest(text: str) -> bool:
    return bool(_DISINTEREST.search(fold(text)))


def _bare(text: str) -> str:
    """The folded message without surrounding punctuation, emoji or quotes."""
    folded = fold(text)
    folded = re.sub(r"^[^\w']+|[^\w']+$", "", folded)
    return re.sub(r"[\s,.!]+", " ", folded)


def _shouting(text: str) -> bool:
    """Several exclamation marks, or a long message mostly in capitals."""
    letters = [ch for ch in text if ch.isalpha()]
    return "!!!" in text or (len(letters) >= 12 and sum(ch.isupper() for ch in letters) > 0.8 * len(letters))


def is_complaint(text: str) -> bool:
    return bool(_COMPLAINT.search(fold(text))) or _shouting(text)


@dataclass(frozen=True)
class _Forms:
    """A message as the rules read it: as written, bare (trimmed, lower case) and folded (accents away)."""

    text: str
    bare: str
    folded: str


# The rules in order, each with how sure it is: the first that holds decides (a STOP wins over everything).
_RULES: tuple[tuple[Callable[[_Forms], object], Intent, float], ...] = (
    (lambda m: _OPT_OUT.match(m.bare), Intent.opt_out, 0.97),
    (lambda m: _OPT_IN.match(m.bare), Intent.opt_in, 0.95),
    (lambda m: _NO_WORDS.match(m.folded), Intent.small_talk, 0.4),
    (lambda m: _HUMAN.search(m.folded), Intent.human_request, 0.92),
    (lambda m: _COMPLAINT.search(m.folded) or _shouting(m.text), Intent.complaint, 0.85),
    (lambda m: _BUYING.search(m.folded), Intent.buying_signal, 0.88),
    (lambda m: _DISINTEREST.search(m.folded) or _OBJECTION.search(m.folded), Intent.objection, 0.82),
    (lambda m: _PRICE.search(m.folded), Intent.price_question, 0.88),
    (lambda m: _GREETING.match(m.bare), Intent.greeting, 0.93),
    (lambda m: _PRODUCT.search(m.folded), Intent.product_question, 0.75),
    (lambda m: _SMALL_TALK.search(m.bare), Intent.small_talk, 0.7),
    (lambda m: "?" in m.text, Intent.product_question, 0.5),
    (lambda m: _GREETING.match(m.bare.split("\n", 1)[0]), Intent.greeting, 0.6),
)


def classify(text: str) -> Classification:
    """The intent of one message (or of a whole burst joined by newlines) with a confidence in [0, 1]."""
    forms = _Forms(text, _bare(text), fold(text))
    for holds, intent, confidence in _RULES:
        if holds(forms):
            return Classification(intent=intent, confidence=confidence)
    return Classification(intent=Intent.off_topic, confidence=0.35)


# Intents the rules read with high precision (keywords, explicit requests): they stand whatever the model says.
_RULES_STAND = (Intent.opt_out, Intent.opt_in, Intent.human_request)
# A message the model reads as "stop messaging me" is short and asks nothing.
_OPT_OUT_MAX_WORDS = 12


@lru_cache(maxsize=1024)
def catalog_words(key: str, lang: str) -> tuple[str, ...]:
    """What customers type in `lang` for one standard message (STOP, START, a person, a greeting, "what do you
    offer?"): the message catalog's comma-separated list for that language, and English's, folded."""
    found: list[str] = []
    for language in dict.fromkeys([lang or "en", "en"]):
        try:
            listed = phrase(key, language)
        except KeyError:
            return ()
        found += [fold(item) for item in listed.split(",") if item.strip()]
    return tuple(dict.fromkeys(found))


# A short message that holds one of the catalog's phrases of two words or more ("ne irjatok" in "ne írjatok
# többet") says it; a single word ("stop") must be the whole message.
_COMMAND_MAX_WORDS = 8


def _is_command(bare: str, asks: bool, listed: tuple[str, ...]) -> bool:
    if bare in listed:
        return True
    if asks or len(bare.split()) > _COMMAND_MAX_WORDS:
        return False
    return _says_any(bare, tuple(item for item in listed if " " in item))


def _says_any(folded: str, phrases: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(item)}(?!\w)", folded) for item in phrases)


def asks_for_offer(text: str, lang: str) -> bool:
    """Whether the message asks what the business offers, in the catalog's words for its language."""
    return _says_any(fold(text), catalog_words("words_offer", lang))


def _classify_by_catalog(texts: list[str], lang: str) -> Classification | None:
    """The standard messages the catalogs list for the customer's language, as SMS keywords work: a whole
    message for STOP, START and a greeting, a phrase inside it for a person or the offer."""
    for text in reversed(texts):
        bare = _bare(text)
        if _is_command(bare, "?" in text, catalog_words("words_opt_out", lang)):
            return Classification(intent=Intent.opt_out, confidence=0.95)
        if _is_command(bare, "?" in text, catalog_words("words_opt_in", lang)):
            return Classification(intent=Intent.opt_in, confidence=0.93)
    folded = fold(" ".join(texts))
    if _says_any(folded, catalog_words("words_person", lang)):
        return Classification(intent=Intent.human_request, confidence=0.85)
    if all(_bare(text) in catalog_words("words_greeting", lang) for text in texts if text.strip()):
        return Classification(intent=Intent.greeting, confidence=0.85)
    if asks_for_offer(folded, lang):
        return Classification(intent=Intent.product_question, confidence=0.75)
    return None


def classify_turn(texts: list[str], reading: Reading | None = None, lang: str = "") -> Classification:
    """The intent of a burst. The rules' keywords (STOP, START, an explicit request for a person) stand; beyond
    them the model's reading, when there is one, decides in any language; else the rules do, with the standard
    messages the catalog of the customer's language (`lang`) lists where the six languages' rules read little."""
    rules = _classify_by_rules(texts)
    if lang and rules.intent not in _RULES_STAND and (rules.confidence <= 0.5 or lang not in LANGUAGES):
        listed = _classify_by_catalog(texts, lang)
        if listed is not None and (listed.intent in _RULES_STAND or rules.confidence <= 0.75):
            rules = listed
    if reading is None or rules.intent in _RULES_STAND:
        return rules
    joined = " ".join(texts)
    if reading.intent == Intent.opt_out and ("?" in joined or len(joined.split()) > _OPT_OUT_MAX_WORDS):
        return rules  # never unsubscribe someone on a reading of a long message or a question
    if reading.intent == Intent.opt_in:
        # An opted-out conversation reaches the reply only on the rules' own START; to anyone else "welcome back"
        # answers nothing they asked.
        return rules
    if reading.intent == Intent.complaint or rules.intent != Intent.complaint:
        return Classification(intent=reading.intent, confidence=0.8)
    return rules


def _classify_by_rules(texts: list[str]) -> Classification:
    """The intent of a burst: an opt-out or opt-in anywhere in it wins (the latest of them); else the joined text."""
    for text in reversed(texts):
        if is_opt_out(text):
            return Classification(intent=Intent.opt_out, confidence=0.97)
        if is_opt_in(text):
            return Classification(intent=Intent.opt_in, confidence=0.95)
    joined = "\n".join(text.strip() for text in texts if text.strip())
    if not joined:
        return Classification(intent=Intent.small_talk, confidence=0.3)
    result = classify(joined)
    if result.intent == Intent.greeting or result.intent == Intent.small_talk:
        # "hi" followed by a real question in the same burst is that question.
        for text in texts:
            single = classify(text)
            if single.intent not in (Intent.greeting, Intent.small_talk, Intent.off_topic):
                return single
    return result


def choose_campaign(text: str, campaigns: list[Campaign], current: Campaign | None, referral_hint: str = "") -> Campaign | None:
    """The campaign a conversation is about: the current one while visible, else the one the words name."""
    if current is not None and any(c.id == current.id for c in campaigns):
        return current
    if not campaigns:
        return None
    hint = referral_hint.strip()
    if hint:
        for campaign in campaigns:
            if campaign.id == hint or campaign.id in hint:
                return campaign
    best = best_campaign_by_name(f"{text} {hint}", campaigns)
    if best is not None:
        return best
    if len(campaigns) == 1:
        return campaigns[0]
    return None


def best_campaign_by_name(text: str, campaigns: list[Campaign]) -> Campaign | None:
    """The campaign whose product or campaign name shares the most words with the text, if any does. A word is
    shared when its stem is, or when the text's word is an inflected form of the name's ("kursu" for "Kurs",
    "kurzusra" for "Kurzus"), in any language: see `_inflected`."""
    said = content_words(text)
    if not said:
        return None
    written = {word for word in words(text) if len(word) >= 4}
    best: Campaign | None = None
    best_score = 0.0
    tied = False
    for campaign in campaigns:
        product_words = content_words(campaign.product.name)
        campaign_words = content_words(campaign.name)
        product_said = (said & product_words) | _inflected(written, campaign.product.name)
        overlap = len(product_said) * 2 + len((said & campaign_words) | _inflected(written, campaign.name))
        if not overlap:
            continue
        # A full product-name match beats a shared word; shorter names win ties ("Pro" over "Pro Max" when only "pro" was said).
        full = product_words and len(product_said) >= len(product_words)
        score = overlap + (3 if full else 0) - 0.01 * len(product_words)
        if score > best_score:
            best, best_score, tied = campaign, score, False
        elif score == best_score:
            tied = True
    # Two names the text fits equally ("the course" with two courses on offer): which one is meant, it does not say.
    return None if tied else best


# An inflection changes a word's last letters and adds a few ("kurs" → "kursu", "doszkalający" → "doszkalającego"):
# a word of the text is a form of the name's word when it keeps all but these many of its letters at the start
# and is at most this much longer (a short word less: "tour" is not "tourist"). Beyond that it is another word.
_CHANGED = 2
_ADDED = 3
_ADDED_TO_SHORT = 2
_SHORT = 6


def _inflected(written: set[str], name: str) -> set[str]:
    """The name's stemmed words that the text holds in an inflected form (stems of the name, as `content_words`)."""
    found: set[str] = set()
    for word in words(name):
        if len(word) < 4 or word.isdigit():
            continue
        kept = max(4, len(word) - _CHANGED)
        added = _ADDED_TO_SHORT if len(word) < _SHORT else _ADDED
        if any(other != word and other[:kept] == word[:kept] and len(other) - len(word) <= added for other in written):
            found |= content_words(word)
    return found
