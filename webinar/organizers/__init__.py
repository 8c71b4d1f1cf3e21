"""Organizers: accounts, API tokens and admin sessions."""
