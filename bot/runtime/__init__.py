"""The process: entry point, settings, app factory, embedded servers, logs, indexes."""
