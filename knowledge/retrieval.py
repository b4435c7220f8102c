"""Retrieval over a tenant's knowledge: bm25s over document chunks, profile and campaign passages.

Chunks in MongoDB are the truth. Each process builds a tenant's index in memory and keeps it until the
tenant's knowledge version moves (one find_one by _id per search), so any number of processes stay correct
with nothing shared on disk.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import bm25s

from knowledge.campaigns import campaign_passages
from knowledge.catalog import build_catalog_facts, owner_texts
from knowledge.concepts import concepts_in
from knowledge.db import Db
from knowledge.language import STOPWORDS, WORD_CHARS, detect_language, fold, split_words, stem_words, stop_words
from knowledge.models import (
    Amount,
    BusinessProfile,
    Campaign,
    CampaignStatus,
    CatalogFacts,
    Passage,
)
from knowledge.money import extract_amounts, extract_percentages
from knowledge.profiles import profile_passages
from knowledge.snapshot import TenantKnowledge, load_tenant_knowledge
from knowledge.versions import current_version

logger = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG when imported, which would put a line per index build in the logs.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Building an index this large is done in a thread so the event loop keeps serving.
THREAD_BUILD_PASSAGES = 300
# A concept ("refund", "hours") weighs as much as this many words of the question.
CONCEPT_WEIGHT = 2
# At most this many passages of one campaign among those a search returns.
PASSAGES_PER_CAMPAIGN = 2


def analyze(text: str, lang: str | None = None) -> list[str]:
    """A text's search terms: its words stemmed in its own language (one-character ones kept: the "9" of "$9"),
    without stopwords, plus the concepts it speaks of ("@refund"), which are the same in every language."""
    folded = fold(text)
    language = lang or detect_language(text)
    common = stop_words(language)
    found = [word for word in split_words(folded, _TOKEN) if word not in common]
    terms = stem_words(found, language)
    # A concept counts once per sentence that speaks of it: a passage that goes on about refunds is about refunds
    # more than one that names them once.
    for piece in _PIECES.split(folded):
        if piece.strip():
            terms.extend(f"@{concept}" for concept in sorted(concepts_in(piece, folded=True)))
    return terms


def tokenize(texts: list[str]) -> list[list[str]]:
    return [analyze(text) for text in texts]


def query_terms(query: str, lang: str | None = None, also: tuple[str, ...] = ()) -> list[str]:
    """The question's terms; its concepts count CONCEPT_WEIGHT times, since they carry across languages. Its
    words are stemmed in its own language and in each language of `also` (the documents'), so a word both
    share ("wifi", "visa", "online", "Zoom", a street's name) meets the document's own stem of it."""
    language = lang or detect_language(query)
    terms = analyze(query, language)
    concepts = [term for term in terms if term.startswith("@")]
    others = [other for other in also if other != language]
    if others:
        found = [word for word in split_words(fold(query), _TOKEN) if word not in STOPWORDS]
        words = [term for term in terms if not term.startswith("@")]
        for other in others:
            words.extend(stem_words(found, other))
        terms = list(dict.fromkeys(words)) + concepts
    return terms + concepts * (CONCEPT_WEIGHT - 1)


_TOKEN = re.compile(WORD_CHARS)  # words split at apostrophes: "l'hotel" is searched as "hotel"
_PIECES = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class PassageIndex:
    """A bm25s index over passages; `campaigns[i]` is the campaign passage i belongs to, if any."""

    passages: list[Passage]
    campaigns: list[Campaign | None]
    retriever: bm25s.BM25
    languages: tuple[str, ...] = ()  # the languages the tenant's passages are written in

    def search(self, query: str, k: int, platform: str | None) -> list[Passage]:
        query_ids = self.retriever.get_tokens_ids(query_terms(query, also=self.languages))
        if not query_ids or k <= 0:
            return []
        scores = self.retriever.get_scores_from_ids(query_ids)
        found: list[Passage] = []
        per_campaign: dict[str, int] = {}
        for position in (-scores).argsort(kind="stable"):  # best first, ties in corpus order
            score = float(scores[position])
            if score <= 0:
                break
            campaign = self.campaigns[position]
            if campaign is not None and platform is not None and not campaign.visible_on(platform):
                continue
            if campaign is not None:
                # The catalog reaches the prompt on its own: a campaign's passages never crowd out the documents.
                if per_campaign.get(campaign.id, 0) >= PASSAGES_PER_CAMPAIGN:
                    continue
                per_campaign[campaign.id] = per_campaign.get(campaign.id, 0) + 1
            found.append(self.passages[position].model_copy(update={"score": score}))
            if len(found) == k:
                break
        return found


# Reciprocal-rank fusion's constant: how much a passage's rank in one query's list weighs against the others'.
FUSION_K = 60


def fused_search(index: PassageIndex, queries: Sequence[str], k: int, platform: str | None) -> list[Passage]:
    """The passages that best answer any of `queries` (the customer's words, the question rewritten in each
    language of the documents): each query ranks the passages, and a passage's ranks add up (reciprocal-rank
    fusion), so an answer found in one language is not drowned by the others' scores."""
    queries = [query for query in dict.fromkeys(q.strip() for q in queries) if query]
    if len(queries) == 1:
        return index.search(queries[0], k, platform)
    scores: dict[tuple[str, str], float] = {}
    found: dict[tuple[str, str], Passage] = {}
    tops: list[tuple[str, str]] = []  # each query's best passage
    for query in queries:
        for rank, passage in enumerate(index.search(query, k * 2, platform)):
            key = (passage.source, passage.text)
            scores[key] = scores.get(key, 0.0) + 1.0 / (FUSION_K + rank)
            found.setdefault(key, passage)
            if rank == 0:
                tops.append(key)
    ranked = sorted(scores, key=lambda key: -scores[key])
    # Each query's best find has its place whatever the others found: the one query in the documents' language
    # that finds the answer is outvoted by the others' agreement on a nearby passage otherwise.
    chosen = set(list(dict.fromkeys(tops))[:k])
    for key in ranked:
        if len(chosen) >= k:
            break
        chosen.add(key)
    return [found[key] for key in ranked if key in chosen]


def build_passage_index(knowledge: TenantKnowledge) -> PassageIndex | None:
    """The tenant's index; None when there is nothing to search. Only active campaigns are indexed."""
    passages: list[Passage] = list(knowledge.chunks)
    campaigns: list[Campaign | None] = [None] * len(passages)
    if knowledge.profile is not None:
        for passage in profile_passages(knowledge.profile):
            passages.append(passage)
            campaigns.append(None)
    for campaign in knowledge.campaigns:
        if campaign.status == CampaignStatus.active:
            for passage in campaign_passages(campaign):
                passages.append(passage)
                campaigns.append(campaign)
    tokens = tokenize([passage.text for passage in passages])
    # Passages without a searchable word can never match; leaving them out keeps the vocabulary non-empty.
    kept = [i for i, words in enumerate(tokens) if words]
    if not kept:
        return None
    retriever = bm25s.BM25()
    retriever.index([tokens[i] for i in kept], show_progress=False)
    # The languages the documents are written in (the profile's when there are none): a question's words are
    # stemmed in these too.
    written = [passages[i].text for i in kept if campaigns[i] is None and passages[i].source != "profile"]
    written = written or [passages[i].text for i in kept if campaigns[i] is None]
    languages = _main_languages([detect_language(text) for text in written])
    return PassageIndex([passages[i] for i in kept], [campaigns[i] for i in kept], retriever, languages)


# A language counts as one the documents are written in when this share of the passages is in it (a table or a
# list of names alone can read as any language).
LANGUAGE_SHARE = 0.2


def _main_languages(found: list[str]) -> tuple[str, ...]:
    if not found:
        return ()
    counts = {lang: found.count(lang) for lang in set(found)}
    top = max(counts.values())
    return tuple(sorted(lang for lang, count in counts.items() if count == top or count >= LANGUAGE_SHARE * len(found)))


@dataclass
class _TenantEntry:
    version: int
    knowledge: TenantKnowledge
    index: PassageIndex | None
    owner_amounts: list[Amount]
    owner_percentages: list[float]
    facts: dict[str, CatalogFacts] = field(default_factory=dict)


def _build_entry(version: int, knowledge: TenantKnowledge) -> _TenantEntry:
    texts = owner_texts(knowledge)
    return _TenantEntry(
        version=version,
        knowledge=knowledge,
        index=build_passage_index(knowledge),
        owner_amounts=[amount for text in texts for amount in extract_amounts(text)],
        owner_percentages=[value for text in texts for value in extract_percentages(text)],
    )


@dataclass(frozen=True)
class TurnKnowledge:
    profile: BusinessProfile | None
    facts: CatalogFacts  # its `products` are the campaigns visible on the turn's platform
    passages: list[Passage]


class KnowledgeIndex:
    """Per-process cache of tenants' search indexes and catalog facts, each kept until the tenant's
    knowledge version moves. Create one per process and hold it on the application."""

    def __init__(self, max_tenants: int = 256) -> None:
        self._max_tenants = max_tenants
        # Keyed by database name and tenant: one process may serve more than one database (tests do).
        self._entries: OrderedDict[tuple[str, str], _TenantEntry] = OrderedDict()
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        # When (time.monotonic) the last version check that found the cached entry current began, per tenant.
        self._confirmed_at: dict[tuple[str, str], float] = {}

    @property
    def cached_tenants(self) -> int:
        """How many tenants' indexes this process holds in memory."""
        return len(self._entries)

    async def _entry(self, db: Db, tenant_id: str, fresh_since: float | None = None) -> _TenantEntry:
        """The tenant's current entry. With `fresh_since` (a time.monotonic() reading), a version check that
        began after that moment stands in for a new one: it saw every change committed before it."""
        key = (db.name, tenant_id)
        entry = self._entries.get(key)
        if entry is not None and fresh_since is not None and self._confirmed_at.get(key, -1.0) >= fresh_since:
            self._entries.move_to_end(key)
            return entry
        checked_at = time.monotonic()
        version = await current_version(db, tenant_id)
        entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            self._entries.move_to_end(key)
            self._confirm(key, checked_at)
            return entry
        # One build per tenant at a time: concurrent messages of a cold tenant wait for the same build.
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is not None and entry.version == version:
                return entry
            # The version was read before the data, so data written meanwhile only makes the next search rebuild.
            knowledge = await load_tenant_knowledge(db, tenant_id)
            size = len(knowledge.chunks) + len(knowledge.campaigns) * 4
            if size > THREAD_BUILD_PASSAGES:
                entry = await asyncio.to_thread(_build_entry, version, knowledge)
            else:
                entry = _build_entry(version, knowledge)
            self._entries[key] = entry
            self._entries.move_to_end(key)
            self._confirmed_at.pop(key, None)
            self._confirm(key, checked_at)
            while len(self._entries) > self._max_tenants:
                evicted, _ = self._entries.popitem(last=False)
                self._locks.pop(evicted, None)
                self._confirmed_at.pop(evicted, None)
            logger.debug("knowledge index built: tenant=%s version=%s", tenant_id, version)
            return entry

    def _confirm(self, key: tuple[str, str], checked_at: float) -> None:
        self._confirmed_at[key] = max(checked_at, self._confirmed_at.get(key, -1.0))

    async def search(self, db: Db, tenant_id: str, query: str, *, k: int = 5, platform: str | None = None) -> list[Passage]:
        """The k passages that best answer `query`. With `platform`, only campaigns visible there appear;
        without it (the owner's view) every active campaign does."""
        entry = await self._entry(db, tenant_id)
        if entry.index is None or not query.strip():
            return []
        return entry.index.search(query, k, getattr(platform, "value", platform))

    async def for_turn(
        self,
        db: Db,
        tenant_id: str,
        query: str | Sequence[str],
        *,
        platform: str,
        k: int = 5,
        fresh_since: float | None = None,
    ) -> TurnKnowledge:
        """What one customer turn needs (profile, facts with the visible campaigns, passages found with one query
        or several, see `fused_search`) from at most one version check: the engine asks this on every message.
        See `_entry` for `fresh_since`."""
        entry = await self._entry(db, tenant_id, fresh_since)
        facts = self._facts(entry, platform)
        queries = [query] if isinstance(query, str) else list(query)
        passages = fused_search(entry.index, queries, k, platform) if entry.index is not None else []
        return TurnKnowledge(profile=entry.knowledge.profile, facts=facts, passages=passages)

    async def document_languages(self, db: Db, tenant_id: str, *, fresh_since: float | None = None) -> list[str]:
        """The languages the tenant's documents (else its profile) are written in."""
        entry = await self._entry(db, tenant_id, fresh_since)
        return list(entry.index.languages) if entry.index is not None else []

    def _facts(self, entry: _TenantEntry, platform: str) -> CatalogFacts:
        facts = entry.facts.get(platform)
        if facts is None:
            facts = build_catalog_facts(entry.knowledge, platform, entry.owner_amounts, entry.owner_percentages)
            entry.facts[platform] = facts
        return facts.model_copy(deep=True)  # the cached copy stays as built whatever a caller does

    async def catalog_facts(self, db: Db, tenant_id: str, platform: str, *, fresh_since: float | None = None) -> CatalogFacts:
        """The catalog facts for `platform`, as knowledge.catalog.catalog_facts, kept per knowledge version."""
        platform = getattr(platform, "value", platform)
        return self._facts(await self._entry(db, tenant_id, fresh_since), platform)
