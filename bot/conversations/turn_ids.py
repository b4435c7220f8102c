"""A turn's id: derived from the ids of the messages it answers, so a retry of the same turn has the same id.

A send carries its turn's id to Meta and back (echoes, statuses); `messages_of_turn` reads which of a
conversation's waiting messages such a report answered.
"""

from __future__ import annotations

import hashlib
import itertools

# Past this many waiting messages only the turns a worker can have formed (the oldest k) are tried, not every set.
_EVERY_SET_UP_TO = 10


def turn_id_for(message_ids: list[str]) -> str:
    return "turn_" + hashlib.sha256("\0".join(sorted(message_ids)).encode()).hexdigest()[:32]


def messages_of_turn(turn_id: str, waiting_ids: list[str]) -> list[str]:
    """The waiting messages (oldest first) whose turn has this id, or [] when none does. A turn answers every message
    waiting when it began, so the oldest k come first; a message stored late (a delivery claimed after a crash) can
    make any set, hence the rest when there are few."""
    for size in range(1, len(waiting_ids) + 1):
        if turn_id_for(waiting_ids[:size]) == turn_id:
            return waiting_ids[:size]
    if len(waiting_ids) <= _EVERY_SET_UP_TO:
        for size in range(1, len(waiting_ids) + 1):
            for chosen in itertools.combinations(waiting_ids, size):
                if turn_id_for(list(chosen)) == turn_id:
                    return list(chosen)
    return []
