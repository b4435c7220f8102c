"""The six languages the platform speaks: folding, a language guess for short chat messages, Snowball stems.

Stems come from PyStemmer (Snowball), one stemmer per language. The language guess is our own: chat messages
are a few words long ("und wo seid ihr?", "yo wat u guys got"), where general-purpose detectors trained on
sentences guess poorly; a vote of each language's function words does better and costs microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information

LANGUAGES = ("en", "es", "pt", "fr", "de", "it")
_SNOWBALL = {"en": "english", "es": "spanish", "pt": "portuguese", "fr": "french", "de": "german", "it": "italian"}

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@lru_cache(maxsize=32768)
def fold(text: str) -> str:
    """Lowercase without accents, one space between words: the form every matcher compares."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("ß", "ss").replace("’", "'").replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"\s+", " ", stripped).strip()


def words(text: str) -> list[str]:
    return list(_words(text))


@lru_cache(maxsize=32768)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text)))


@cache
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_SNOWBALL.get(lang, "english"))


def stem_words(tokens: list[str], lang: str) -> list[str]:
    """Snowball stems of folded words in `lang` ("refunds" → "refund", "envíos" → "envi")."""
    return _stemmer(lang).stemWords(tokens)


# Words too common to say what a message is about.
STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for", "from", "by", "with", "about", "as", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "have", "has", "had", "i", "me", "my", "we", "our", "you", "your", "it", "its", "this", "that", "these", "those", "what", "which", "who", "how", "when", "where", "why", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "not", "no", "yes", "please", "thanks", "thank", "hi", "hello", "hey", "there", "here", "some", "any", "much", "many", "more", "most", "very", "just", "also", "so", "too", "than", "then", "them", "they", "their", "he", "she", "his", "her", "us", "im", "want", "need", "like", "get", "got", "know", "tell", "give", "let", "make", "one", "ones", "u", "ur", "ya", "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "y", "o", "que", "es", "son", "en", "por", "para", "con", "sin", "su", "sus", "mi", "mis", "tu", "tus", "yo", "usted", "ustedes", "lo", "le", "les", "se", "me", "te", "nos", "como", "cuando", "donde", "cual", "quien", "mas", "muy", "si", "no", "hola", "gracias", "al", "o", "os", "as", "um", "uma", "uns", "umas", "do", "da", "dos", "das", "e", "em", "no", "na", "nos", "nas", "com", "sem", "seu", "sua", "meu", "minha", "voce", "voces", "eu", "ele", "ela", "isso", "esse", "essa", "este", "esta", "mais", "muito", "sim", "nao", "oi", "ola", "obrigado", "obrigada", "tem", "le", "la", "les", "un", "une", "des", "du", "de", "et", "ou", "est", "sont", "dans", "pour", "avec", "sans", "son", "sa", "ses", "mon", "ma", "mes", "je", "tu", "il", "elle", "nous", "vous", "ce", "cette", "ces", "qui", "quoi", "comment", "quand", "plus", "tres", "oui", "non", "bonjour", "salut", "merci", "avez", "etes", "der", "die", "das", "ein", "eine", "einen", "dem", "den", "des", "und", "oder", "ist", "sind", "im", "in", "fur", "mit", "ohne", "sein", "ihr", "mein", "ich", "du", "er", "sie", "es", "wir", "ihr", "wie", "was", "wer", "wann", "wo", "mehr", "sehr", "ja", "nein", "hallo", "danke", "bitte", "haben", "habt", "seid", "euch", "il", "lo", "la", "gli", "le", "un", "una", "uno", "di", "del", "della", "dei", "delle", "e", "o", "che", "per", "con", "senza", "suo", "sua", "mio", "mia", "io", "tu", "noi", "voi", "ci", "si", "sono", "come", "quando", "dove", "piu", "molto", "ciao", "grazie", "anche", "ho", "hai", "ha"]
)

_HINTS: dict[str, frozenset[str]] = {
    "en": frozenset(
        ["the", "is", "are", "you", "your", "how", "what", "do", "does", "i", "it", "much", "to", "and", "of", "for", "can", "have", "my", "me", "this", "price", "hi", "hello", "hey", "thanks", "thank", "please", "want", "would", "like", "buy", "cost", "need", "know", "about", "with", "get", "got", "guys", "wat", "u", "ur", "sell", "open", "where", "any", "there", "when", "which", "sign", "up", "book"]
    ),
    "es": frozenset(
        ["el", "los", "las", "es", "que", "por", "cuanto", "cuesta", "precio", "hola", "gracias", "quiero", "tienen", "usted", "ustedes", "una", "con", "muy", "buenos", "buenas", "dias", "puedo", "hablar", "persona", "comprarlo", "esta", "estoy", "envio", "necesito", "tengo", "pero", "suscripcion", "vale", "cual", "donde", "mas", "abren", "horario", "sabados", "plazos", "como", "hay", "tambien", "apunto"]
    ),
    "pt": frozenset(
        ["os", "voce", "voces", "obrigado", "obrigada", "quero", "tem", "uma", "eu", "com", "nao", "sim", "muito", "bom", "dia", "boa", "tarde", "posso", "falar", "pessoa", "tudo", "bem", "quanto", "custa", "preco", "oi", "ola", "meu", "minha", "estou", "envio", "frete", "atendente", "pode", "qual", "onde", "mais", "isso", "vou", "fazer", "inscricao", "entregam", "entrega", "pedir", "do", "aulas", "mensalidade", "por", "mes", "voce"]
    ),
    "fr": frozenset(
        ["le", "les", "est", "des", "du", "pour", "combien", "prix", "bonjour", "salut", "merci", "je", "veux", "vous", "avez", "comment", "une", "mon", "et", "avec", "pas", "oui", "tres", "c'est", "parler", "acheter", "coute", "livraison", "suis", "bonsoir", "quel", "quelle", "ou", "plus", "etes", "ouverts", "seance", "rembourse", "renvoie", "voudrais", "vraie"]
    ),
    "de": frozenset(
        ["der", "die", "das", "ist", "und", "ich", "sie", "wie", "viel", "kostet", "preis", "hallo", "danke", "bitte", "mochte", "haben", "eine", "ein", "mein", "mit", "nicht", "ja", "sehr", "guten", "tag", "sprechen", "kaufen", "wir", "zu", "was", "gibt", "es", "lieferung", "versand", "kann", "habt", "ihr", "seid", "wo", "samstags", "offen", "auch", "nach", "hause", "den", "fur", "nehm", "zuruckgeben", "gefallt", "du", "dich", "dir", "dein", "deinen", "gute", "hier", "uns", "bei", "auf", "noch", "schon", "gerne", "bekommst", "kannst", "findest", "wahl", "super"]
    ),
    "it": frozenset(
        ["il", "lo", "gli", "della", "delle", "sono", "come", "quanto", "costa", "prezzo", "ciao", "grazie", "voglio", "avete", "posso", "una", "con", "molto", "buongiorno", "buonasera", "vorrei", "parlare", "persona", "comprare", "quante", "persone", "ci", "lezione", "pagare", "rate", "dove", "siete", "aperti", "anche", "spedizione", "che", "non", "per", "su", "sono", "della", "nel", "nella", "questo", "questa", "ancora", "perche", "quale", "serve", "vorrei", "possiamo", "fate", "fai", "ci", "sono", "un", "po"]
    ),
}
# Common function words, so a question without any of the words above still shows its language.
_FUNCTION_WORDS: dict[str, str] = {
    "es": "puede pueden hay tiene tienen son muy algo nada ahora aqui porque desde hasta sobre quien tambien "
          "nosotros ellos eso este estos otra otro mucho poco bien todo todos cada entre ser estar hacer tener cuotas",
    "pt": "das dos nao sao tem voce voces vcs pra ate ja tambem isso esse essa aqui agora qual quais porque fazer "
          "fazem faz pode podem muito pouco tudo nada bem umas aos pelo pela num numa sem dar",
    "it": "c'e ci siete fate fa fai puo possono dopo prima mi ti gli della dello dei degli nel nella alla allo agli "
          "questo quello cosa perche dove quale anche ancora molto poco tutto niente qui adesso stare fare avere "
          "essere subito",
    "fr": "ils elle on mon mes ton ses cet cette ces qui quoi dans sur avec sans chez par peut peux pouvez suis "
          "sont fait faites aussi tres bien tout rien ici maintenant apres avant au aux",
    "de": "ab welchem welche welcher darf durfen man konnen muss mussen werden wird sind bin bist hat hast nicht "
          "kein keine von zum zur am noch nur wenn dann aber fur uber unter",
}
_HINTS = {lang: hints | frozenset(_FUNCTION_WORDS.get(lang, "").split()) for lang, hints in _HINTS.items()}
# Words several languages share count for none of them.
_SHARED = {w for lang in _HINTS for w in _HINTS[lang] if sum(w in _HINTS[other] for other in _HINTS) > 1}

_SINGLE_WORDS: dict[str, str] = {
    "para": "es", "baja": "es", "alto": "es", "hola": "es", "gracias": "es", "empezar": "es", "comenzar": "es",
    "pare": "pt", "parar": "pt", "sair": "pt", "oi": "pt", "ola": "pt", "obrigado": "pt", "obrigada": "pt",
    "comecar": "pt", "arreter": "fr", "arret": "fr", "bonjour": "fr", "salut": "fr", "merci": "fr",
    "stopp": "de", "hallo": "de", "danke": "de", "abmelden": "de", "anmelden": "de", "moin": "de",
    "ciao": "it", "grazie": "it", "buongiorno": "it", "basta": "it",
}

_LETTER_HINTS = (("ñ¿¡", "es"), ("ãõ", "pt"), ("ùœë", "fr"), ("äöüß", "de"), ("ì", "it"))
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")


@lru_cache(maxsize=16384)
def detect_language(text: str, default: str = "en") -> str:
    """The language of a chat message among LANGUAGES; `default` (the conversation's language) when unsure."""
    text = _URL.sub(" ", text)
    found = words(text)
    if not found:
        return default
    if len(found) <= 2:
        for word in found:
            if word in _SINGLE_WORDS:
                return _SINGLE_WORDS[word]
    scores = dict.fromkeys(LANGUAGES, 0.0)
    for word in found:
        if word in _SHARED:
            continue
        for lang, hints in _HINTS.items():
            if word in hints:
                scores[lang] += 1.0
    lowered = text.lower()
    for letters, lang in _LETTER_HINTS:
        if any(ch in lowered for ch in letters):
            scores[lang] += 1.5
    if "ç" in lowered:
        scores["pt"] += 0.75
        scores["fr"] += 0.75
    if "è" in lowered:  # "c'è", "très"
        scores["it"] += 0.75
        scores["fr"] += 0.75
    best = max(LANGUAGES, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default
