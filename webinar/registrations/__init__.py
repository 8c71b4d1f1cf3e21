"""Registrations: sign-up, duplicates, cancellation, and the waitlist's seat rules."""
