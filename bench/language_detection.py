"""Language detection on short chat messages: lingua's two passes against the six-language function-word vote
that came before it, on the same messages, with the time per message of each.

    python bench/language_detection.py

The messages are short and informal on purpose (a few words, no accents, slang), in languages inside and
outside the six the word lists cover; a guess counts as right only when it names the message's language.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Row, format_rows

from knowledge.language import detect_language, function_word_guess, language_confidences

MESSAGES: list[tuple[str, str]] = [
    ("en", "do u guys ship abroad"),
    ("en", "whats the price for 2 ppl"),
    ("en", "can i bring my dog"),
    ("en", "is there parking nearby"),
    ("es", "hacen envios a lima?"),
    ("es", "cuanto sale la hora"),
    ("es", "se puede pagar con tarjeta"),
    ("es", "y los domingos abren?"),
    ("pt", "vcs entregam em casa?"),
    ("pt", "qual o valor da diaria"),
    ("pt", "aceita pix?"),
    ("pt", "tem desconto pra estudante"),
    ("fr", "vous livrez en belgique ?"),
    ("fr", "c'est ouvert le dimanche"),
    ("fr", "je peux venir avec mon chien"),
    ("fr", "combien pour deux nuits"),
    ("de", "habt ihr morgen offen"),
    ("de", "was kostet eine stunde"),
    ("de", "kann ich mit karte zahlen"),
    ("de", "gibts parkplätze"),
    ("it", "fate spedizioni in svizzera?"),
    ("it", "quanto costa una notte"),
    ("it", "si può portare il cane"),
    ("it", "siete aperti domenica"),
    ("nl", "zijn jullie open op zondag"),
    ("nl", "wat kost een nacht"),
    ("nl", "mag mijn hond mee"),
    ("nl", "kan ik met pin betalen"),
    ("pl", "ile kosztuje noc"),
    ("pl", "czy można z psem"),
    ("pl", "jesteście otwarci w niedzielę"),
    ("pl", "da się zapłacić kartą"),
    ("tr", "pazar günü açık mısınız"),
    ("tr", "bir gece ne kadar"),
    ("tr", "köpeğimi getirebilir miyim"),
    ("tr", "kartla ödeme var mı"),
    ("id", "berapa harga per malam"),
    ("id", "boleh bawa anjing"),
    ("id", "buka hari minggu gak"),
    ("id", "bisa bayar pakai kartu"),
    ("sv", "vad kostar en natt"),
    ("sv", "får man ta med hund"),
    ("sv", "har ni öppet på söndag"),
    ("da", "hvad koster en nat"),
    ("da", "må man tage hunden med"),
    ("ro", "cât costă o noapte"),
    ("ro", "pot să vin cu câinele"),
    ("cs", "kolik stojí jedna noc"),
    ("cs", "můžu přijít se psem"),
    ("hu", "mennyibe kerül egy éjszaka"),
    ("vi", "giá một đêm bao nhiêu"),
    ("tl", "magkano po isang gabi"),
    ("sw", "bei ya usiku mmoja ni ngapi"),
    ("el", "πόσο κοστίζει μια νύχτα"),
    ("ar", "كم سعر الليلة"),
    ("hi", "एक रात का कितना है"),
    ("ru", "сколько стоит ночь"),
    ("ja", "一泊いくらですか"),
]


def run(guess) -> tuple[int, float]:
    started = time.perf_counter()
    right = sum(guess(text) == lang for lang, text in MESSAGES)
    return right, (time.perf_counter() - started) / len(MESSAGES) * 1000


def rows(quick: bool) -> list[Row]:  # noqa: ARG001 # every bench's rows() takes quick
    """Lingua's two passes against the function-word vote on the same messages (`quick` changes nothing: it takes
    a second)."""
    # A process loads each language's models the first time it needs them: time the second pass.
    for _, text in MESSAGES:
        detect_language(text)
    measured: dict[str, tuple[int, float]] = {}
    for name, guess in (("vote", function_word_guess), ("lingua", detect_language)):
        detect_language.cache_clear()
        language_confidences.cache_clear()
        measured[name] = run(guess)
    (right, ms), (vote_right, vote_ms) = measured["lingua"], measured["vote"]
    languages = len({lang for lang, _ in MESSAGES})
    vote = "function-word vote (six languages)"
    return [
        Row(
            f"short chat messages in {languages} languages named right (lingua, two passes)",
            right,
            f"of {len(MESSAGES)}",
            vote_right,
            vote,
            "more than the vote",
            right > vote_right,
        ),
        Row("… time per message", ms, "ms", vote_ms, vote),
    ]


def main() -> None:
    print(format_rows(rows(quick=False)))


if __name__ == "__main__":
    main()
