"""Small text helpers shared by the pipeline steps: normalising, word lists, a rough language guess."""

from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("en", "es", "pt", "fr", "de")

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def fold(text: str) -> str:
    """Lowercase without accents, one space between words: the form every matcher compares."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("ß", "ss").replace("’", "'").replace("œ", "oe")
    return re.sub(r"\s+", " ", stripped).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


# Words too common to say what a message is about, in the five languages the bot speaks.
STOPWORDS = frozenset(
    """
    a an the and or but if of to in on at for from by with about as is are was were be been am do does did
    have has had i me my we our you your it its this that these those what which who how when where why
    can could would should will shall may might must not no yes please thanks thank hi hello hey there here
    some any much many more most very just also so too than then them they their he she his her us
    want need like get got know tell give let make sell sells offer have buy one ones
    el la los las un una unos unas de del y o que es son en por para con sin su sus mi mis tu tus yo
    usted ustedes lo le les se me te nos como cuando donde cual quien mas muy si no hola gracias
    o os as um uma uns umas do da dos das e em no na nos nas com sem seu sua meu minha voce voces eu
    ele ela isso esse essa este esta mais muito sim nao oi ola obrigado obrigada tem
    le la les un une des du de et ou est sont dans pour avec sans son sa ses mon ma mes je tu il elle
    nous vous ce cette ces qui quoi comment quand plus tres oui non bonjour salut merci avez
    der die das ein eine einen dem den des und oder ist sind im in fur mit ohne sein ihr mein ich du er sie
    es wir ihr wie was wer wann wo mehr sehr ja nein hallo danke bitte haben
    """.split()
)


def content_words(text: str) -> set[str]:
    """The words of a text that carry meaning, each in a rough singular form."""
    found: set[str] = set()
    for word in words(text):
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        found.add(stem(word))
    return found


def stem(word: str) -> str:
    """A crude singular: enough for "laptops" to meet "laptop" and "envíos" to meet "envío"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


_HINTS: dict[str, dict[str, float]] = {
    "en": dict.fromkeys(
        "the is are you your how what do does i it much to and of for can have my me this price hi hello hey "
        "thanks thank please want would like buy cost need know about with".split(), 1.0
    ),
    "es": dict.fromkeys(
        "el los las es que por cuanto cuesta precio hola gracias quiero tienen usted ustedes una yo con muy "
        "buenos buenas dias puedo hablar persona comprarlo esta estoy envio necesito tengo pero suscripcion "
        "vale cual donde mas".split(), 1.0
    ),
    "pt": dict.fromkeys(
        "os voce voces obrigado obrigada quero tem uma eu com nao sim muito bom dia boa tarde posso falar "
        "pessoa tudo bem quanto custa preco oi ola meu minha estou envio frete atendente pode qual onde mais "
        "isso vou fazer inscricao".split(), 1.0
    ),
    "fr": dict.fromkeys(
        "le les est des du pour combien prix bonjour salut merci je veux vous avez comment une mon et avec "
        "pas oui tres c'est parler acheter coute livraison suis bonsoir quel quelle ou plus".split(), 1.0
    ),
    "de": dict.fromkeys(
        "der die das ist und ich sie wie viel kostet preis hallo danke bitte mochte haben eine ein mein mit "
        "nicht ja sehr guten tag sprechen kaufen wir zu was gibt es lieferung versand kann".split(), 1.0
    ),
}
# Words shared by several languages above count for none of them.
_SHARED = {w for lang in _HINTS for w in _HINTS[lang] if sum(w in _HINTS[other] for other in _HINTS) > 1}

_SINGLE_WORDS: dict[str, str] = {
    "para": "es", "baja": "es", "alto": "es", "hola": "es", "gracias": "es", "empezar": "es", "comenzar": "es",
    "pare": "pt", "parar": "pt", "sair": "pt", "oi": "pt", "ola": "pt", "obrigado": "pt", "obrigada": "pt",
    "comecar": "pt", "arreter": "fr", "arret": "fr", "bonjour": "fr", "salut": "fr", "merci": "fr",
    "stopp": "de", "hallo": "de", "danke": "de", "abmelden": "de", "anmelden": "de",
}

_LETTER_HINTS = (("ñ¿¡", "es"), ("ãõ", "pt"), ("èùœë", "fr"), ("äöüß", "de"))


def detect_language(text: str, default: str = "en") -> str:
    """A rough guess among en/es/pt/fr/de from common words and letters; `default` when unsure."""
    folded = words(text)
    if not folded:
        return default
    if len(folded) <= 2:
        for word in folded:
            if word in _SINGLE_WORDS:
                return _SINGLE_WORDS[word]
    scores = dict.fromkeys(LANGUAGES, 0.0)
    for word in folded:
        if word in _SHARED:
            continue
        for lang, hints in _HINTS.items():
            if word in hints:
                scores[lang] += hints[word]
    lowered = text.lower()
    for letters, lang in _LETTER_HINTS:
        if any(ch in lowered for ch in letters):
            scores[lang] += 1.5
    if "ç" in lowered:
        scores["pt"] += 0.75
        scores["fr"] += 0.75
    best = max(LANGUAGES, key=lambda lang: scores[lang])
    return best if scores[best] > 0 else default
