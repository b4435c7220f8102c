"""Which waiting messages a report of a sent reply answered, read back from the turn id it carried."""

from __future__ import annotations

from bot.conversations.turn_ids import messages_of_turn, turn_id_for


def test_the_oldest_messages_a_turn_began_with_are_found_whatever_came_after() -> None:
    turn = turn_id_for(["in_a", "in_b"])
    assert messages_of_turn(turn, ["in_a", "in_b", "in_c"]) == ["in_a", "in_b"]
    assert turn_id_for(["in_b", "in_a"]) == turn  # the order the ids are given in does not matter


def test_a_set_that_is_not_the_oldest_is_found_too() -> None:
    # A message stored late (its delivery claimed after a crash) sorts before the ones the turn answered.
    assert messages_of_turn(turn_id_for(["in_b", "in_c"]), ["in_a", "in_b", "in_c"]) == ["in_b", "in_c"]


def test_a_turn_of_other_messages_answers_none_of_these() -> None:
    assert messages_of_turn(turn_id_for(["in_x"]), ["in_a", "in_b"]) == []
    assert messages_of_turn(turn_id_for(["in_a"]), []) == []
