"""Webinar registration and attendance system for virtual forums."""

__version__ = "0.1.0"
