"""From the durable stream to a turn: stream, workers, event dispatch, bursts and locks."""
