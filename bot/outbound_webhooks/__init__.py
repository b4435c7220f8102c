"""Outbound webhooks: the owner's CRM told of leads, handoffs, sales and closed conversations, signed the Standard
Webhooks way, through a durable outbox in MongoDB that any worker delivers at least once."""
