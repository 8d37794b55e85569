"""The HTTP API entry point: `python -m app.cmd.api.main`."""
