"""`python -m bot serve | worker | demo | eval TENANT_ID [--model] | deadletters [--replay ID]` (see `bot.runtime.cli`)."""

import sys

from bot.runtime.cli import main

sys.exit(main())
