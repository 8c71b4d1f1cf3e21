"""`python -m scheduler`: the scheduler as its own process (the Procfile's scheduler line)."""

from webinar.cli import main

main(["scheduler"])
