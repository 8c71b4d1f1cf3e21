"""The database behind the services: `interface.py` says what services may ask of it,
`sqlite/` is the embedded implementation, `postgres/` the one for several processes and
hosts (its docstring: driver, locking, migrations); `webinar.runtime.open_store` picks one
from the settings."""
