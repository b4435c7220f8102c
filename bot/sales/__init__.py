"""What a conversation is worth: leads, conversions, daily counters, the tenant's bot settings."""
