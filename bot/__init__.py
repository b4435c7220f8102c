"""The multi-tenant conversation engine and the process entry point."""
