"""`python -m bot serve | worker | demo | eval TENANT_ID [--model] | deadletters [--replay ID]` (see `bot.runtime.cli`).

The process's entry, and the one module that assembles the runtime with the owner side (`dashboard/`): the
runtime names no room above it, so the pages and the owner API are handed to it from here.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bot.runtime.cli import main

if TYPE_CHECKING:
    from bot.runtime.host import OwnerSide


def owner_side() -> OwnerSide:
    # Loaded only by the commands that serve pages: a worker never imports the owner side.
    from dashboard.web import OWNER_SIDE

    return OWNER_SIDE


sys.exit(main(owner_side=owner_side))
