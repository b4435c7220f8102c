"""Languages: folding, the language of a text in any of some seventy languages, Snowball stems.

The language of a text comes from lingua (`lingua-language-detector`), whose wheel ships its n-gram models and
which is tuned for short text. A first pass with its trigram models over every language picks a few candidates;
a second pass with all of its models (1- to 5-grams) decides among them, so a process only ever loads the full
models of languages it has been shown (each costs some 15 MB). When a short message does not tell its language
clearly ("ok", "hola", "ja"), the conversation's language stands; a vote of function words in six languages is
the last resort. Stems come from PyStemmer (Snowball), one stemmer per language it knows; other languages are
matched on their folded words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import Stemmer  # PyStemmer ships no type information (mypy: ignore_missing_imports)
import stopwordsiso
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# How many texts each per-text cache keeps (folds, words, concepts, content words, language confidences and
# verdicts), least recently used dropped first: enough for every text of the turns in flight and the recent
# history they reread, and filled after a few thousand messages, when a worker's memory levels off. Together they
# hold about 30 MB at most for texts of chat length (measured: fold 0.2 KB a text, words 1 KB, confidences 1.2 KB,
# concepts 0.5 KB, content words 0.8 KB).
TEXTS_KEPT = 8192

# The languages the hand-written vocabulary (stop words, function words, topics) covers: an offline fallback only.
LANGUAGES = ("en", "es", "pt", "fr", "de", "it")
# Snowball algorithms by ISO 639-1 code (PyStemmer's names).
_SNOWBALL = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "nn": "norwegian",
    "fa": "persian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "st": "sesotho",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}

# A run of letters or digits in any script. Brahmic and Southeast Asian scripts write vowels as marks that are not
# "letters" to `re`, so their blocks count whole (their danda punctuation aside).
WORD_CHARS = r"(?:[^\W_]|[\u0900-\u0963\u0966-\u0dff\u0e00-\u0eff\u1000-\u109f])+"
_WORD = re.compile(WORD_CHARS + r"(?:'[^\W\d_]+)?")
# Chinese and Japanese are written without spaces: each character is a word.
_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def split_words(folded: str, pattern: re.Pattern[str] = _WORD) -> list[str]:
    """The words of a folded text, in any script."""
    found = pattern.findall(folded)
    if not _IDEOGRAPHS.search(folded):
        return found
    return [part for word in found for part in (_ideograph_parts(word) if _IDEOGRAPHS.search(word) else [word])]


def _ideograph_parts(word: str) -> list[str]:
    parts, run = [], ""
    for char in word:
        if _IDEOGRAPHS.match(char):
            if run:
                parts.append(run)
                run = ""
            parts.append(char)
        else:
            run += char
    return [*parts, run] if run else parts


@lru_cache(maxsize=TEXTS_KEPT)
def fold(text: str) -> str:
    """Lowercase without accents, one space between words: the form every matcher compares."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("ß", "ss").replace("’", "'").replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"\s+", " ", stripped).strip()


def words(text: str) -> list[str]:
    return list(_words(text))


@lru_cache(maxsize=TEXTS_KEPT)
def _words(text: str) -> tuple[str, ...]:
    return tuple(split_words(fold(text)))


@cache
def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    algorithm = _SNOWBALL.get(lang)
    return Stemmer.Stemmer(algorithm) if algorithm else None


def stem_words(tokens: list[str], lang: str) -> list[str]:
    """Snowball stems of folded words in `lang` ("refunds" → "refund", "envíos" → "envi"); the words themselves
    in a language Snowball does not know (an English stemmer would only mangle them)."""
    stemmer = _stemmer(lang)
    return stemmer.stemWords(tokens) if stemmer is not None else list(tokens)


# Words too common to say what a message is about.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "how",
        "when",
        "where",
        "why",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "not",
        "no",
        "yes",
        "please",
        "thanks",
        "thank",
        "hi",
        "hello",
        "hey",
        "there",
        "here",
        "some",
        "any",
        "much",
        "many",
        "more",
        "most",
        "very",
        "just",
        "also",
        "so",
        "too",
        "than",
        "then",
        "them",
        "they",
        "their",
        "he",
        "she",
        "his",
        "her",
        "us",
        "im",
        "want",
        "need",
        "like",
        "get",
        "got",
        "know",
        "tell",
        "give",
        "let",
        "make",
        "one",
        "ones",
        "u",
        "ur",
        "ya",
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "unos",
        "unas",
        "de",
        "del",
        "y",
        "o",
        "que",
        "es",
        "son",
        "en",
        "por",
        "para",
        "con",
        "sin",
        "su",
        "sus",
        "mi",
        "mis",
        "tu",
        "tus",
        "yo",
        "usted",
        "ustedes",
        "lo",
        "le",
        "les",
        "se",
        "me",
        "te",
        "nos",
        "como",
        "cuando",
        "donde",
        "cual",
        "quien",
        "mas",
        "muy",
        "si",
        "no",
        "hola",
        "gracias",
        "al",
        "o",
        "os",
        "as",
        "um",
        "uma",
        "uns",
        "umas",
        "do",
        "da",
        "dos",
        "das",
        "e",
        "em",
        "no",
        "na",
        "nos",
        "nas",
        "com",
        "sem",
        "seu",
        "sua",
        "meu",
        "minha",
        "voce",
        "voces",
        "eu",
        "ele",
        "ela",
        "isso",
        "esse",
        "essa",
        "este",
        "esta",
        "mais",
        "muito",
        "sim",
        "nao",
        "oi",
        "ola",
        "obrigado",
        "obrigada",
        "tem",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "ou",
        "est",
        "sont",
        "dans",
        "pour",
        "avec",
        "sans",
        "son",
        "sa",
        "ses",
        "mon",
        "ma",
        "mes",
        "je",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "ce",
        "cette",
        "ces",
        "qui",
        "quoi",
        "comment",
        "quand",
        "plus",
        "tres",
        "oui",
        "non",
        "bonjour",
        "salut",
        "merci",
        "avez",
        "etes",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "einen",
        "dem",
        "den",
        "des",
        "und",
        "oder",
        "ist",
        "sind",
        "im",
        "in",
        "fur",
        "mit",
        "ohne",
        "sein",
        "ihr",
        "mein",
        "ich",
        "du",
        "er",
        "sie",
        "es",
        "wir",
        "ihr",
        "wie",
        "was",
        "wer",
        "wann",
        "wo",
        "mehr",
        "sehr",
        "ja",
        "nein",
        "hallo",
        "danke",
        "bitte",
        "haben",
        "habt",
        "seid",
        "euch",
        "il",
        "lo",
        "la",
        "gli",
        "le",
        "un",
        "una",
        "uno",
        "di",
        "del",
        "della",
        "dei",
        "delle",
        "e",
        "o",
        "che",
        "per",
        "con",
        "senza",
        "suo",
        "sua",
        "mio",
        "mia",
        "io",
        "tu",
        "noi",
        "voi",
        "ci",
        "si",
        "sono",
        "come",
        "quando",
        "dove",
        "piu",
        "molto",
        "ciao",
        "grazie",
        "anche",
        "ho",
        "hai",
        "ha",
    ]
)

_HINTS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "is",
            "are",
            "you",
            "your",
            "how",
            "what",
            "do",
            "does",
            "i",
            "it",
            "much",
            "to",
            "and",
            "of",
            "for",
            "can",
            "have",
            "my",
            "me",
            "this",
            "price",
            "hi",
            "hello",
            "hey",
            "thanks",
            "thank",
            "please",
            "want",
            "would",
            "like",
            "buy",
            "cost",
            "need",
            "know",
            "about",
            "with",
            "get",
            "got",
            "guys",
            "wat",
            "u",
            "ur",
            "sell",
            "open",
            "where",
            "any",
            "there",
            "when",
            "which",
            "sign",
            "up",
            "book",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "los",
            "las",
            "es",
            "que",
            "por",
            "cuanto",
            "cuesta",
            "precio",
            "hola",
            "gracias",
            "quiero",
            "tienen",
            "usted",
            "ustedes",
            "una",
            "con",
            "muy",
            "buenos",
            "buenas",
            "dias",
            "puedo",
            "hablar",
            "persona",
            "comprarlo",
            "esta",
            "estoy",
            "envio",
            "necesito",
            "tengo",
            "pero",
            "suscripcion",
            "vale",
            "cual",
            "donde",
            "mas",
            "abren",
            "horario",
            "sabados",
            "plazos",
            "como",
            "hay",
            "tambien",
            "apunto",
        ]
    ),
    "pt": frozenset(
        [
            "os",
            "voce",
            "voces",
            "obrigado",
            "obrigada",
            "quero",
            "tem",
            "uma",
            "eu",
            "com",
            "nao",
            "sim",
            "muito",
            "bom",
            "dia",
            "boa",
            "tarde",
            "posso",
            "falar",
            "pessoa",
            "tudo",
            "bem",
            "quanto",
            "custa",
            "preco",
            "oi",
            "ola",
            "meu",
            "minha",
            "estou",
            "envio",
            "frete",
            "atendente",
            "pode",
            "qual",
            "onde",
            "mais",
            "isso",
            "vou",
            "fazer",
            "inscricao",
            "entregam",
            "entrega",
            "pedir",
            "do",
            "aulas",
            "mensalidade",
            "por",
            "mes",
            "voce",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "les",
            "est",
            "des",
            "du",
            "pour",
            "combien",
            "prix",
            "bonjour",
            "salut",
            "merci",
            "je",
            "veux",
            "vous",
            "avez",
            "comment",
            "une",
            "mon",
            "et",
            "avec",
            "pas",
            "oui",
            "tres",
            "c'est",
            "parler",
            "acheter",
            "coute",
            "livraison",
            "suis",
            "bonsoir",
            "quel",
            "quelle",
            "ou",
            "plus",
            "etes",
            "ouverts",
            "seance",
            "rembourse",
            "renvoie",
            "voudrais",
            "vraie",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "ist",
            "und",
            "ich",
            "sie",
            "wie",
            "viel",
            "kostet",
            "preis",
            "hallo",
            "danke",
            "bitte",
            "mochte",
            "haben",
            "eine",
            "ein",
            "mein",
            "mit",
            "nicht",
            "ja",
            "sehr",
            "guten",
            "tag",
            "sprechen",
            "kaufen",
            "wir",
            "zu",
            "was",
            "gibt",
            "es",
            "lieferung",
            "versand",
            "kann",
            "habt",
            "ihr",
            "seid",
            "wo",
            "samstags",
            "offen",
            "auch",
            "nach",
            "hause",
            "den",
            "fur",
            "nehm",
            "zuruckgeben",
            "gefallt",
            "du",
            "dich",
            "dir",
            "dein",
            "deinen",
            "gute",
            "hier",
            "uns",
            "bei",
            "auf",
            "noch",
            "schon",
            "gerne",
            "bekommst",
            "kannst",
            "findest",
            "wahl",
            "super",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "gli",
            "della",
            "delle",
            "sono",
            "come",
            "quanto",
            "costa",
            "prezzo",
            "ciao",
            "grazie",
            "voglio",
            "avete",
            "posso",
            "una",
            "con",
            "molto",
            "buongiorno",
            "buonasera",
            "vorrei",
            "parlare",
            "persona",
            "comprare",
            "quante",
            "persone",
            "ci",
            "lezione",
            "pagare",
            "rate",
            "dove",
            "siete",
            "aperti",
            "anche",
            "spedizione",
            "che",
            "non",
            "per",
            "su",
            "sono",
            "della",
            "nel",
            "nella",
            "questo",
            "questa",
            "ancora",
            "perche",
            "quale",
            "serve",
            "vorrei",
            "possiamo",
            "fate",
            "fai",
            "ci",
            "sono",
            "un",
            "po",
        ]
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
    "para": "es",
    "baja": "es",
    "alto": "es",
    "hola": "es",
    "gracias": "es",
    "empezar": "es",
    "comenzar": "es",
    "pare": "pt",
    "parar": "pt",
    "sair": "pt",
    "oi": "pt",
    "ola": "pt",
    "obrigado": "pt",
    "obrigada": "pt",
    "comecar": "pt",
    "arreter": "fr",
    "arret": "fr",
    "bonjour": "fr",
    "salut": "fr",
    "merci": "fr",
    "stopp": "de",
    "hallo": "de",
    "danke": "de",
    "abmelden": "de",
    "anmelden": "de",
    "moin": "de",
    "ciao": "it",
    "grazie": "it",
    "buongiorno": "it",
    "basta": "it",
}

_LETTER_HINTS = (("ñ¿¡", "es"), ("ãõ", "pt"), ("ùœë", "fr"), ("äöüß", "de"), ("ì", "it"))
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")


def function_word_guess(text: str, default: str = "en") -> str:
    """A vote of common words among the six LANGUAGES; `default` when no word votes. The fallback for a short
    message lingua cannot place."""
    text = _URL.sub(" ", text)
    found = words(text)
    if not found:
        return default
    if len(found) <= 2:
        for word in found:
            if word in _SINGLE_WORDS:
                return _SINGLE_WORDS[word]
    scores = _word_votes(found)
    for lang, vote in _letter_votes(text.lower()):
        scores[lang] += vote
    best = max(LANGUAGES, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default


def _word_votes(found: list[str]) -> dict[str, float]:
    """A vote per language for each of its common words (words several languages share vote for none)."""
    scores = dict.fromkeys(LANGUAGES, 0.0)
    for word in found:
        if word in _SHARED:
            continue
        for lang, hints in _HINTS.items():
            if word in hints:
                scores[lang] += 1.0
    return scores


def _letter_votes(lowered: str) -> list[tuple[str, float]]:
    """Votes for the letters only some of the languages write; half votes for a letter two of them share."""
    votes = [(lang, 1.5) for letters, lang in _LETTER_HINTS if any(ch in lowered for ch in letters)]
    if "ç" in lowered:
        votes += [("pt", 0.75), ("fr", 0.75)]
    if "è" in lowered:  # "c'è", "très"
        votes += [("it", 0.75), ("fr", 0.75)]
    return votes


# Stop words of other languages ------------------------------------------------------------------------------------


@cache
def stop_words(lang: str) -> frozenset[str]:
    """Words too common to say what a message in `lang` is about: the six languages' hand-written list, and for
    any other language stopwords-iso's (some fifty languages), folded like every word we compare."""
    if lang in LANGUAGES:
        return STOPWORDS
    try:
        listed = stopwordsiso.stopwords(lang) if stopwordsiso.has_lang(lang) else set()
    except (KeyError, ValueError):
        listed = set()
    return STOPWORDS | frozenset(word for item in listed for word in split_words(fold(item)))


# Detection through lingua ---------------------------------------------------------------------------------------

# Nobody chats in these two, and their models claim many short texts of living languages.
_NEVER_DETECTED = frozenset({Language.LATIN, Language.ESPERANTO})
# Past this many letters the trigram pass alone is reliable, and a document's opening says its language.
LONG_TEXT = 200
# How many of the first pass's best guesses the second pass chooses among.
CANDIDATES = 6
# A text this short ("ok", "hola", "ja") changes the conversation's language only when lingua is sure.
SURE = 0.6
UNSURE = 0.3
LIKELY = 0.2
_LETTER = re.compile(r"[^\W\d_]")
_LETTERS_RUN = re.compile(r"[^\W\d_]+")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#@]\w+|\d+")


def _code(language: Language) -> str:
    return language.iso_code_639_1.name.lower()


@cache
def _screening_detector() -> LanguageDetector:
    languages = [language for language in Language.all() if language not in _NEVER_DETECTED]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


@lru_cache(maxsize=512)
def _precise_detector(candidates: frozenset[Language]) -> LanguageDetector:
    # lingua keeps each language's models once per process, whichever detector loaded them.
    return LanguageDetectorBuilder.from_languages(*candidates).build()


def warm_up() -> None:
    """Load the first pass's models now (about a second), so the first customer does not wait for them."""
    language_confidences("Hello, how much does it cost? Hola, ¿cuánto cuesta?")


@cache
def _languages_of(code: str) -> frozenset[Language]:
    return frozenset(
        language for language in Language.all() if code and _code(language) == code and language not in _NEVER_DETECTED
    )


@cache
def supported_languages() -> tuple[str, ...]:
    """The ISO 639-1 codes of every language a text can be detected in."""
    return tuple(sorted(_code(language) for language in Language.all() if language not in _NEVER_DETECTED))


@lru_cache(maxsize=TEXTS_KEPT)
def language_confidences(text: str, expected: str = "") -> tuple[tuple[str, float], ...]:
    """The languages `text` may be in, most likely first, with lingua's confidence (0–1); empty when the text
    has no letters (a number, a link, an emoji). `expected` (the conversation's language) is always among those
    weighed: the first pass's coarse models can rank it below a handful of others on a short message ("Do you
    ship to Canada?" screens as Portuguese, Croatian, Bosnian… then English)."""
    cleaned = " ".join(_NOISE.sub(" ", text).split())[: LONG_TEXT * 3]
    if not _LETTER.search(cleaned):
        return ()
    ranked = _screening_detector().compute_language_confidence_values(cleaned)
    if len(cleaned) < LONG_TEXT and len(ranked) > 1:
        candidates = frozenset(value.language for value in ranked[:CANDIDATES]) | _languages_of(expected)
        ranked = _precise_detector(candidates).compute_language_confidence_values(cleaned)
    return tuple((_code(value.language), value.value) for value in ranked if value.value > 0)


# Sure enough of another language to say a text is not in the expected one, and unsure enough of the expected one.
OTHER_LANGUAGE_SURE = 0.6
OWN_LANGUAGE_HARDLY = 0.1


def plainly_in_another_language(text: str, lang: str) -> bool:
    """Whether `text` is plainly not in `lang`: another language is sure and `lang` hardly possible. Closely related
    written standards stay together (Bokmål and Nynorsk, Bosnian and Croatian), as do texts too short to tell."""
    confidences = language_confidences(text, lang)
    if not confidences:
        return False
    best, value = confidences[0]
    return best != lang and value >= OTHER_LANGUAGE_SURE and dict(confidences).get(lang, 0.0) < OWN_LANGUAGE_HARDLY


@lru_cache(maxsize=TEXTS_KEPT)
def detect_language(text: str, default: str = "en") -> str:
    """The ISO 639-1 code of the language `text` is written in; `default` (the conversation's or the business's
    language) when the text does not say clearly enough to change it."""
    confidences = language_confidences(text, default)
    if not confidences:
        return default
    best, value = confidences[0]
    if best == default:
        return default
    found = _LETTERS_RUN.findall(_NOISE.sub(" ", text))
    kept = dict(confidences).get(default, 0.0)
    short = len(found) <= 2 and value < SURE
    if short:
        # "ok", "hola", "quero comprar": a couple of words rarely tell a language; a function word of one of the
        # six may.
        guess = function_word_guess(text, default)
        if guess != default:
            return guess
    if kept >= value * 0.75:
        return default  # unclear between this language and the conversation's: the conversation's stands
    if short:
        return best if len(found) == 2 and value >= UNSURE else default
    return best if value >= LIKELY else function_word_guess(text, default)
