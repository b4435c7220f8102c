"""The bot's own sentences as gettext catalogs: complete, faithful to the English placeholders, in the right script,
with English for every language or key a catalog lacks."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.pofile import read_po

from bot.i18n import catalogs
from bot.i18n.po_catalogs import PoCatalogs
from bot.pipeline.classify import is_opt_in
from bot.pipeline.phrases import join_list, language_name, phrase
from tests.test_layering import IO_LIBRARIES, imports_of

REPO = Path(__file__).resolve().parents[3]
LOCALES = REPO / "bot" / "i18n" / "locales"
FIRST_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl", "pl", "tr", "id", "ar", "hi")
ADDED_LANGUAGES = (
    *("sv", "da", "nb", "fi", "ro", "cs", "sk", "hu", "el", "ru", "uk", "bg", "hr", "sr", "sl", "lt", "lv", "et"),
    *("vi", "tl", "sw", "ms", "th", "ja", "ko", "zh", "he", "fa", "ur", "bn", "ta", "ca"),
)
# Every catalog in the folder is held to the same checks, so a new language needs no edit here.
LANGUAGES = tuple(sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/replies.po")))


def po_texts(lang: str) -> dict[str, str]:
    """key → text, read straight from the language's .po file."""
    with (LOCALES / lang / "LC_MESSAGES" / "replies.po").open("rb") as source:
        return {str(message.id): str(message.string) for message in read_po(source) if message.id}


def placeholders(text: str) -> list[str]:
    return sorted(field for _, field, _, _ in Formatter().parse(text) if field is not None)


ENGLISH = po_texts("en")


def test_the_languages_the_bot_speaks_have_catalogs() -> None:
    assert set(FIRST_LANGUAGES) | set(ADDED_LANGUAGES) <= set(LANGUAGES) == set(catalogs.available_languages())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_has_every_english_key_translated(lang: str) -> None:
    texts = po_texts(lang)
    assert set(texts) == set(ENGLISH)
    assert [key for key, text in texts.items() if not text.strip()] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_exactly_the_english_placeholders(lang: str) -> None:
    texts = po_texts(lang)
    changed = {key: texts[key] for key in ENGLISH if placeholders(texts[key]) != placeholders(ENGLISH[key])}
    assert changed == {}


WORD_LISTS = ("words_opt_out", "words_opt_in", "words_person", "words_greeting", "words_offer")


def listed_words(text: str) -> list[str]:
    """The items of a comma-separated word list, as written."""
    return [item.strip() for item in text.split(",")]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", WORD_LISTS)
def test_every_catalog_lists_the_words_customers_type(lang: str, key: str) -> None:
    text = po_texts(lang)[key]
    assert text.strip(), (lang, key)
    assert [item for item in listed_words(text) if not item] == [], (lang, key, text)
    assert [item for item in listed_words(text) if item != item.lower()] == [], (lang, key)


def test_stop_is_an_english_word_to_opt_out() -> None:
    assert "stop" in listed_words(ENGLISH["words_opt_out"])


def _letters_outside(script: str, text: str) -> set[str]:
    # Placeholders and the START keyword (the opt-in word every language accepts) are Latin on purpose.
    bare = re.sub(r"\{\w+\}|\bSTART\b", "", text)
    scripts = tuple(script.split("|"))
    return {char for char in bare if char.isalpha() and not unicodedata.name(char, "").startswith(scripts)}


@pytest.mark.parametrize(
    ("lang", "script"),
    [
        ("ar", "ARABIC"),
        ("fa", "ARABIC"),
        ("ur", "ARABIC"),
        ("he", "HEBREW"),
        ("hi", "DEVANAGARI"),
        ("bn", "BENGALI"),
        ("ta", "TAMIL"),
        ("th", "THAI"),
        ("zh", "CJK UNIFIED IDEOGRAPH"),
        ("ja", "CJK UNIFIED IDEOGRAPH|HIRAGANA|KATAKANA"),
        ("ko", "HANGUL"),
        ("ru", "CYRILLIC"),
        ("uk", "CYRILLIC"),
        ("bg", "CYRILLIC"),
        ("sr", "CYRILLIC"),
    ],
)
def test_each_language_is_written_in_its_own_script(lang: str, script: str) -> None:
    texts = po_texts(lang)
    assert {key: _letters_outside(script, text) for key, text in texts.items() if _letters_outside(script, text)} == {}
    assert phrase("handoff", lang) == texts["handoff"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_opt_out_confirmation_names_a_word_that_resumes_messages(lang: str) -> None:
    text = phrase("opt_out", lang)
    keywords = [word for word in re.findall(r"\w{4,}", text) if word.isupper()]
    assert keywords, text
    assert all(is_opt_in(word) for word in keywords), keywords


@pytest.mark.parametrize("lang", ["nl", "pl", "tr"])
@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("opt_out", {}),
        ("costs", {"product": "Yoga Mat Pro", "price": "€49,00"}),
        ("docs_say", {"quote": "Open Monday to Friday."}),
        ("hello", {"name": " Ana"}),
        ("price_per_user_month", {"price": "€9"}),
    ],
)
def test_phrase_says_what_the_catalog_says(lang: str, key: str, values: dict[str, str]) -> None:
    expected = po_texts(lang)[key].format(**values)
    assert phrase(key, lang, **values) == expected
    assert phrase(key, lang, **values) != ENGLISH[key].format(**values)


@pytest.mark.parametrize("lang", ["xx", "yo", "km", "", "not a language"])
def test_a_language_without_a_catalog_is_answered_in_english(lang: str) -> None:
    assert phrase("handoff", lang) == ENGLISH["handoff"]
    assert phrase("costs", lang, product="Yoga Mat Pro", price="$49.00") == "Yoga Mat Pro costs $49.00."


@pytest.mark.parametrize(
    ("tag", "lang"),
    [
        ("pt-BR", "pt"),
        ("pt_BR", "pt"),
        ("DE", "de"),
        ("ar-EG", "ar"),
        ("nb-NO", "nb"),
        ("sr-Cyrl-RS", "sr"),
        ("zh-CN", "zh"),
        ("zh-Hant", "zh"),
    ],
)
def test_a_region_tag_speaks_its_language(tag: str, lang: str) -> None:
    assert phrase("opt_in", tag) == po_texts(lang)["opt_in"]


@pytest.mark.parametrize(
    ("tag", "lang"),
    [("nn", "nb"), ("no", "nb"), ("nn-NO", "nb"), ("af", "nl"), ("af-ZA", "nl"), ("gl", "es"), ("fil", "tl"), ("bs", "hr")],
)
def test_a_language_without_a_catalog_speaks_a_close_one(tag: str, lang: str) -> None:
    assert catalogs.catalog_language(tag) == lang
    assert phrase("opt_in", tag) == po_texts(lang)["opt_in"]


def test_every_close_language_points_at_a_catalog_and_has_none_of_its_own() -> None:
    assert set(catalogs.CLOSE_LANGUAGES.values()) <= set(LANGUAGES)
    assert set(catalogs.CLOSE_LANGUAGES) & set(LANGUAGES) == set()


def test_an_unknown_key_is_an_error_not_a_silent_echo() -> None:
    with pytest.raises(KeyError):
        phrase("no_such_sentence", "de")


@pytest.fixture
def partial_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A locales folder where Esperanto translates one sentence and leaves another empty."""
    for lang in ("en", "eo"):
        (tmp_path / lang / "LC_MESSAGES").mkdir(parents=True)
    english = (LOCALES / "en" / "LC_MESSAGES" / "replies.po").read_text(encoding="utf-8")
    (tmp_path / "en" / "LC_MESSAGES" / "replies.po").write_text(english, encoding="utf-8")
    (tmp_path / "eo" / "LC_MESSAGES" / "replies.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "great_choice"\nmsgstr "Bonega elekto!"\n\nmsgid "thanks_back"\nmsgstr ""\n',
        encoding="utf-8",
    )
    catalogs.message_keys.cache_clear()
    monkeypatch.setattr(catalogs, "CATALOGS", PoCatalogs(tmp_path, catalogs.DOMAIN, catalogs.SOURCE_LANGUAGE))
    yield
    monkeypatch.undo()
    catalogs.message_keys.cache_clear()


@pytest.mark.usefixtures("partial_catalog")
def test_a_sentence_missing_from_a_catalog_is_said_in_english() -> None:
    assert phrase("great_choice", "eo") == "Bonega elekto!"
    assert phrase("thanks_back", "eo") == ENGLISH["thanks_back"]
    assert phrase("handoff", "eo") == ENGLISH["handoff"]


def test_the_catalogs_load_from_a_clean_import() -> None:
    script = (
        f"from bot.pipeline.phrases import phrase\nfor lang in {LANGUAGES!r}:\n    print(phrase('hello', lang, name=' Ayşe'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [po_texts(lang)["hello"].format(name=" Ayşe") for lang in LANGUAGES]


def test_the_catalogs_touch_no_store_or_network() -> None:
    found = [
        f"{path.name}:{line} imports {module}"
        for path in (REPO / "bot" / "i18n").rglob("*.py")
        for line, module in imports_of(path, REPO)
        if module.split(".")[0] in IO_LIBRARIES
    ]
    assert found == []


@pytest.mark.parametrize(
    ("code", "in_lang", "name"),
    [("nl", "en", "Dutch"), ("nl", "de", "Niederländisch"), ("pt-BR", "es", "portugués"), ("sw", "en", "Swahili")],
)
def test_language_names_come_from_cldr(code: str, in_lang: str, name: str) -> None:
    assert language_name(code, in_lang) == name


def test_a_language_name_cldr_lacks_is_the_code_itself() -> None:
    assert language_name("qq") == "qq"
    assert language_name("nl", in_lang="qq") == "Dutch"


@pytest.mark.parametrize(
    ("lang", "joined"),
    [
        ("en", "tea, coffee, and cake"),
        ("en-GB", "tea, coffee and cake"),
        ("es", "tea, coffee y cake"),
        ("pt_BR", "tea, coffee e cake"),
        ("de", "tea, coffee und cake"),
        ("ar", "tea وcoffee وcake"),
        ("xx", "tea, coffee, and cake"),
    ],
)
def test_lists_are_joined_the_way_each_language_writes_them(lang: str, joined: str) -> None:
    assert join_list(["tea", "coffee", "cake"], lang) == joined
    assert join_list(["tea"], lang) == "tea"
    assert join_list([], lang) == ""


def test_every_sentence_in_every_language_is_at_hand_as_before() -> None:
    from bot.pipeline.phrases import PHRASES

    assert set(PHRASES) == set(ENGLISH)
    assert {lang: PHRASES["dont_know"][lang] for lang in LANGUAGES} == {lang: po_texts(lang)["dont_know"] for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_fixed_sentence_passes_the_checks_a_reply_goes_through(lang: str) -> None:
    # The platform's own sentences ("I'll ask the team rather than guess", "There's no discount right now") state
    # nothing of the business: in no language may a check read one as a claim or an offer and refuse it.
    from bot.pipeline.types import Reply
    from bot.pipeline.verify import verify
    from tests.bot.samples import context

    ctx = context("hello")
    refused = {}
    for key in sorted(catalogs.message_keys()):
        text = phrase(key, lang)
        if key.startswith("words_") or "{" in text:
            continue
        verdict = verify(ctx, Reply(text=text, source="offline", handoff=True), handoff=True)
        if not verdict.ok:
            refused[key] = verdict.violations
    assert refused == {}
