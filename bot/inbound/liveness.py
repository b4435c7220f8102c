"""Which workers are alive: each keeps a short-lived key in Redis, so the others take over a dead one's
deliveries within seconds instead of after the stream's claim idle time.

A running worker sets `inbound:alive:<name>` every `RENEW_EVERY_S` with a time to live of `ALIVE_TTL_MS`; a worker
stopped with SIGTERM deletes it as it leaves. The others, every `RENEW_EVERY_S` too, look at the consumer group:
a consumer with pending deliveries whose key is gone and that has not touched the stream for as long is dead,
and its deliveries are taken over. A slow but live worker keeps its key, so its deliveries are not taken, however
long its turns. A consumer that never kept a key (an older version) is left to the claim idle time, since a live
one touches the stream every two seconds and is never idle for that long.

The conversation locks a dead worker held are not broken: they expire on their own (within 10 s, see `locks.py`),
and the delivery taken over waits for its conversation's lock. A worker taken for dead that was only stalled (a
starved machine: seen beyond 4 s with five processes and a soak sharing two cores) still holds its locks when it
wakes, finishes its turns, and the worker that took its deliveries over finds them answered: never two turns of one
conversation at once, never a reply sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIVE_PREFIX = "inbound:alive:"
# The key's life: a worker whose event loop stood still this long (minus one renewal) is taken for dead (a cold
# worker loading a language's models holds the interpreter for up to 1.5 s each), which costs its deliveries a
# second handling, not a second reply.
ALIVE_TTL_MS = 5000
RENEW_EVERY_S = 1.0
# A taken-over entry must have been idle at least this long: a dead worker refreshed its claims at the latest
# when it last renewed its key (more than `ALIVE_TTL_MS - RENEW_EVERY_S` ago), while an entry another worker
# claimed a moment earlier is younger, so two workers sweeping at once never both take it.
TAKE_OVER_IDLE_MS = 2000
# A dead consumer without pending deliveries is removed from the group after this long, so the group's list of
# consumers does not grow with every restart (a live one touches the stream every two seconds).
FORGET_AFTER_MS = 60_000


@dataclass(frozen=True)
class Consumer:
    """One consumer of the group as XINFO CONSUMERS reports it."""

    name: str
    pending: int
    idle_ms: int


def alive_key(consumer: str) -> str:
    return ALIVE_PREFIX + consumer


def dead_holding(consumers: list[Consumer], alive: set[str], me: str) -> list[str]:
    """The consumers whose deliveries are to be taken over: pending ones, no key, idle for the key's whole life."""
    return [c.name for c in consumers if c.name != me and c.pending > 0 and c.name not in alive and c.idle_ms >= ALIVE_TTL_MS]


def forgotten(consumers: list[Consumer], alive: set[str], me: str) -> list[str]:
    """The consumers to remove from the group: nothing pending, no key, untouched for `FORGET_AFTER_MS`."""
    return [c.name for c in consumers if c.name != me and c.pending == 0 and c.name not in alive and c.idle_ms >= FORGET_AFTER_MS]
