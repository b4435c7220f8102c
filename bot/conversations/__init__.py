"""Conversations and their messages: records, store, turns, turn context, sending, handoff."""
