"""Attendance: what a personal join link does, and (later) who was present and for how long."""
