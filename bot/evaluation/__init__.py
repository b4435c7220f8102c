"""Quality checks of the bot's answers: `python -m bot eval TENANT` and the held-out bench."""

from bot.evaluation_old import evaluate_tenant, print_report

__all__ = ["evaluate_tenant", "print_report"]
