"""Instagram messaging: a professional account's conversations through its linked Facebook Page."""
