"""What a worker keeps in memory for the texts it reads stops growing: the per-text caches hold at most
`TEXTS_KEPT` texts each and about 30 MB together, and the currency-sign table does not keep the ~390 locales it
reads. Measured with tracemalloc (Python's own allocations, where these caches live)."""

from __future__ import annotations

import gc
import random
import tracemalloc

from bot.pipeline.text import content_words
from knowledge import money
from knowledge.concepts import concepts_in
from knowledge.language import TEXTS_KEPT, detect_language, fold, language_confidences

WORDS = (
    "how much is the yoga pass class price do you ship to canada monthly refund schedule teacher morning evening "
    "beginner cuanto cuesta clase precio envio quanto custa aula combien coute cours wie viel kostet kurs"
).split()
CACHED = (fold, language_confidences, detect_language, content_words)


def chat_texts(count: int, seed: int) -> list[str]:
    """Distinct messages of chat length, in a mix of languages."""
    pick = random.Random(seed)
    return [f"{' '.join(pick.choice(WORDS) for _ in range(pick.randint(3, 12)))} {seed}-{i}?" for i in range(count)]


def read(texts: list[str]) -> None:
    for text in texts:
        detect_language(text)
        content_words(text, "en")
        concepts_in(text)


def held_mb() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 1024 / 1024


def test_the_text_caches_stop_growing_after_their_bound() -> None:
    for function in CACHED:
        function.cache_clear()
    read(chat_texts(50, seed=0))  # models and patterns loaded before measuring
    tracemalloc.start()
    try:
        start = held_mb()
        read(chat_texts(TEXTS_KEPT, seed=1))
        full = held_mb() - start
        read(chat_texts(TEXTS_KEPT, seed=2))  # as many new texts again
        after = held_mb() - start
    finally:
        tracemalloc.stop()
    for function in CACHED:
        assert function.cache_info().currsize <= TEXTS_KEPT, function.__name__
    assert after <= 30, f"{after:.1f} MB held for texts read"
    assert after <= full * 1.1 + 1, f"{full:.1f} MB after {TEXTS_KEPT} texts, {after:.1f} MB after twice as many"


def test_the_currency_sign_table_keeps_no_locale_it_read() -> None:
    money.sign_users.cache_clear()
    tracemalloc.start()
    try:
        start = held_mb()
        users = money.sign_users()
        kept = held_mb() - start
    finally:
        tracemalloc.stop()
    assert {"USD", "CAD", "MXN"} <= users["$"] and users["€"] == {"EUR"}
    assert kept < 2, f"{kept:.1f} MB kept after reading the table"  # the ~390 locales it reads weigh ~80 MB
