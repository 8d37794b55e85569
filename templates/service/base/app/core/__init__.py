"""Configuration and infrastructure: settings, database engine, logging."""
