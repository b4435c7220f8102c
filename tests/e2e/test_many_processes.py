"""Two web processes and three workers on one MongoDB and one Redis: a worker killed, one added, deliveries spread
over both web ports and some delivered twice. Every message is answered once, in each customer's order."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.process_fleet import Send, Shape, judge, run, turns_of


async def test_many_processes_answer_every_message_once_in_order(make_settings, redis, tmp_path: Path) -> None:  # noqa: ARG001 # requested for what it sets up
    result = await run(make_settings(), Shape(webs=2, workers=3, customers=8), tmp_path)

    verdict = result.verdict
    assert result.killed_holding, "the worker was killed before it held any delivery"
    assert verdict.messages == 24
    assert result.deliveries > verdict.messages  # some came twice
    assert verdict.unanswered == [] and verdict.answered_twice == []
    assert verdict.answered_once == 24
    assert (verdict.duplicate_sends, verdict.out_of_order, verdict.unknown_sends) == (0, 0, 0)


def test_the_judge_sees_a_duplicate_a_gap_and_an_overtaking_reply() -> None:
    ids = ["in_a", "in_b", "in_c"]
    written = {"pat": [(message_id, 0.0) for message_id in ids]}
    turn = {positions: turn_id for turn_id, positions in turns_of(ids).items()}
    sends = [
        Send("pat", turn[(1,)], 1.0),  # b answered first
        Send("pat", turn[(0,)], 2.0),  # then a: out of order
        Send("pat", turn[(0,)], 3.0),  # a again: the same turn sent twice
        Send("pat", "turn_unknown", 4.0),
    ]
    verdict = judge(written, sends)
    assert (verdict.answered_once, verdict.unanswered) == (2, ["in_c"])
    assert (verdict.duplicate_sends, verdict.out_of_order, verdict.unknown_sends) == (1, 1, 1)
    assert not verdict.perfect

    in_order = judge(written, [Send("pat", turn[(0, 1)], 1.0), Send("pat", turn[(2,)], 2.0)])
    assert in_order.perfect and in_order.latencies_s == [1.0, 1.0, 2.0]
