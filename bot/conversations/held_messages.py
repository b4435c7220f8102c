"""Which messages of an answered turn wait for a person: those whose question the reply left to one.

A turn answers every pending message at once, but a burst may ask a question the bot cannot answer beside one it
can. The message with that question is not answered by the reply: it is held for the person the conversation
goes to, and counts as answered once that person answers (`handoff.count_person_answer`). No I/O here.
"""

from __future__ import annotations


def held_for_a_person(texted_ids: list[str], unanswered: list[int], *, hands_over: bool) -> list[str]:
    """The ids of the messages to hold. `texted_ids` are the turn's messages that have text, in the order their
    texts went to the pipeline (`unanswered`, from the reply, indexes them); nothing is held when the reply hands
    the conversation to no one."""
    if not hands_over:
        return []
    return [texted_ids[index] for index in dict.fromkeys(unanswered) if 0 <= index < len(texted_ids)]
