"""A business's team: the people who log in to it, their roles, invitations, and what each of them did.

The owner signs up; salespeople join through a single-use link the owner sends and get the `agent` role. Both
are people in the `owners` collection (an agent carries `role: "agent"`), so logins, sessions, tokens and
account deletion treat them alike; what a role may open is decided in one table (`policy.py`).
"""
