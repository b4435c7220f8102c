"""Retrieval and offline answers per language, on sets the bot was not tuned on.

- The frozen recall set (tests/bot/pipeline/recall_set.py): three businesses, 119 questions in six languages. Its
  "tune" half (the language school and the coworking space) may be looked at while improving the bot; the
  "untouched" half (the dental clinic) is only measured.
- The older held-out set (tests/heldout: CASES, and FRESH_CASES written after it).

Figures per customer language: retrieval hit (the passage holding the answer among the k passages the engine
puts in the prompt), answered offline (the reply carries the answering fact), questions no document answers
that were declined (no document sentence quoted for them), wrong quotes (a document sentence that does not
answer, sent to an answerable question) and unsupported statements sent (claims or amounts the tenant's words
do not carry).

    python bench/recall.py [--details]     # --details lists the tune half's misses only
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _harness  # noqa: F401  (puts the project on sys.path)
from _harness import Row, serve
from pymongo import AsyncMongoClient

from bot.evaluation.runner import run_case
from bot.runtime.chat_model import build_chat_model
from bot.runtime.embedded import start_mongo
from knowledge.language import LANGUAGES
from knowledge.retrieval import KnowledgeIndex
from tests.bot.pipeline.recall_run import Outcome, rate, rewriting, run_set
from tests.bot.pipeline.recall_run import rows as by_language
from tests.bot.pipeline.recall_set import Question
from tests.fakes.groq_server import FakeGroq, text_answer
from tests.heldout.businesses import BUSINESSES, CASES, FRESH_CASES
from tests.heldout.seed import eval_case, seed


def print_table(title: str, outcomes: list[Outcome]) -> None:
    table = by_language(outcomes, lambda o: o.question.lang)
    print(f"\n{title}")
    print(f"  {'lang':<5} {'retrieval':>10} {'answered':>10} {'declined':>9} {'wrong quotes':>13} {'unsupported':>12}")
    for lang in (*LANGUAGES, "all"):
        if lang not in table:
            continue
        row = table[lang]
        print(
            f"  {lang:<5} {rate(row.retrieval):>10} {rate(row.answered):>10} {rate(row.declined):>9} "
            f"{row.wrong_quotes:>13} {row.unsupported:>12}"
        )


def print_misses(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        problems = []
        if o.passage_hit is False:
            problems.append("passage not retrieved")
        if o.question.kind != "unanswerable" and not o.answered:
            problems.append("not answered")
        if o.quoted_wrong and not o.answered:
            problems.append("quoted a sentence that does not answer")
        if o.unsupported_sent or o.wrong_amounts:
            problems.append(f"unsupported: {o.unsupported_sent + o.wrong_amounts}")
        if problems:
            print(f"  - {o.question.shop}:{o.question.id} [{o.question.lang}] {o.question.text!r}: {', '.join(problems)}")
            print(f"      → {o.reply[:220]!r}")


async def old_sets(db, knowledge: KnowledgeIndex) -> dict[str, dict[str, list[tuple[bool | None, bool]]]]:
    """(retrieval hit, answered) per language for the older held-out CASES and FRESH_CASES, offline."""
    tenants = {key: await seed(db, business) for key, business in BUSINESSES.items()}
    found: dict[str, dict[str, list[tuple[bool | None, bool]]]] = {"held-out": {}, "fresh": {}}
    for name, cases in (("held-out", CASES), ("fresh", FRESH_CASES)):
        for case in cases:
            outcome = await run_case(
                db,
                knowledge,
                tenants[case.business],
                eval_case(case),
                model=None,
                timeout_s=1,
                known_amounts=BUSINESSES[case.business].amounts,
            )
            found[name].setdefault(case.lang, []).append((outcome.passage_hit, outcome.answered))
    return found


def print_old(name: str, per_lang: dict[str, list[tuple[bool | None, bool]]]) -> None:
    print(f"\n{name} (tests/heldout), offline")
    print(f"  {'lang':<5} {'retrieval':>10} {'answered':>10}")
    everything: list[tuple[bool | None, bool]] = []
    for lang in (*LANGUAGES, "all"):
        results = everything if lang == "all" else per_lang.get(lang, [])
        if not results:
            continue
        everything += [] if lang == "all" else results
        hits = [hit for hit, _ in results if hit is not None]
        print(f"  {lang:<5} {rate((sum(hits), len(hits))):>10} {rate((sum(a for _, a in results), len(results))):>10}")


@dataclass(frozen=True)
class Runs:
    tune: list[Outcome]
    untouched: list[Outcome]
    old: dict[str, dict[str, list[tuple[bool | None, bool]]]]  # empty when not run
    rewritten: list[list[Outcome]]  # tune, untouched; empty when not run


async def measure(*, everything: bool = True) -> Runs:
    """Both halves of the frozen set offline; with `everything`, also the older held-out sets and both halves
    searched with a model's English reading of each question."""
    with tempfile.TemporaryDirectory(prefix="recall-") as tmp:
        mongo = await start_mongo(Path(tmp))
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo.uri, tz_aware=True)
        try:
            db = client[f"recall_{uuid.uuid4().hex[:8]}"]
            knowledge = KnowledgeIndex()
            tune = await run_set(db, knowledge, split="tune")
            untouched = await run_set(db, knowledge, split="untouched")
            if not everything:
                return Runs(tune, untouched, {}, [])
            old = await old_sets(db, knowledge)
            async with AsyncExitStack() as stack:
                # A model that reads each question as the set's `english` says a translating model would.
                fake = FakeGroq()
                current: list[Question] = []
                fake.responder = lambda _body: text_answer(current[-1].english)
                fake.url = await serve(fake.app(), stack)
                model = build_chat_model("bench-key", "llama-3.1-8b-instant", fake.url, 5.0)
                query_for = rewriting(model)
                rewritten = [
                    await run_set(db, KnowledgeIndex(), split=split, query_for=query_for, before_each=current.append)
                    for split in ("tune", "untouched")
                ]
        finally:
            await client.close()
            mongo.stop()
    return Runs(tune, untouched, old, rewritten)


def overall(outcomes: list[Outcome]) -> tuple[float, float, int]:
    """(retrieval hit %, answered %, unsupported statements sent) over every language."""
    row = by_language(outcomes, lambda o: o.question.lang)["all"]
    return percent(row.retrieval), percent(row.answered), row.unsupported


def percent(pair: tuple[int, int]) -> float:
    return 100 * pair[0] / pair[1] if pair[1] else 0.0


async def rows(quick: bool) -> list[Row]:
    runs = await measure(everything=not quick)
    tune_hit, tune_answered, tune_unsupported = overall(runs.tune)
    hit, answered, unsupported = overall(runs.untouched)
    tune = "tune half (language school, coworking), same run"
    found = [
        Row(
            f"frozen recall set, untouched half (dental clinic, {len(runs.untouched)} questions): retrieval hit, offline",
            hit,
            "%",
            tune_hit,
            tune,
            ">= 90%",
            hit >= 90,
        ),
        Row("… answered offline", answered, "%", tune_answered, tune),
        Row(
            "… unsupported statements sent (both halves)",
            unsupported + tune_unsupported,
            target="0",
            met=unsupported + tune_unsupported == 0,
        ),
    ]
    if runs.rewritten:
        read_hit, _, _ = overall(runs.rewritten[1])
        found.append(
            Row(
                "… retrieval hit searched with a model's English reading",
                read_hit,
                "%",
                hit,
                "offline search",
                ">= 90%",
                read_hit >= 90,
            )
        )
    return found


async def main(details: bool) -> None:
    started = time.perf_counter()
    runs = await measure()
    tune, untouched, old, rewritten = runs.tune, runs.untouched, runs.old, runs.rewritten
    print(f"recall bench ({time.perf_counter() - started:.1f} s)")
    print_table("frozen set, tune half (language school, coworking), offline", tune)
    print_table("frozen set, untouched half (dental clinic), offline", untouched)
    print_table("frozen set, tune half, searched with a model's English reading of the question", rewritten[0])
    print_table("frozen set, untouched half, searched with a model's English reading of the question", rewritten[1])
    print_old("held-out CASES", old["held-out"])
    print_old("fresh cases", old["fresh"])
    if details:
        print("\nmisses in the tune half:")
        print_misses(tune)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--details", action="store_true", help="list the tune half's misses")
    sys.exit(asyncio.run(main(parser.parse_args().details)))
