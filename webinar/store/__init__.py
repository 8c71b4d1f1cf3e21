"""The database behind the services: `interface.py` says what services may ask of it,
`sqlite/` is the embedded implementation; `open_store` picks one from the settings."""
