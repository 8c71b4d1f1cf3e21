"""The attendance report: its model and the computation from plain inputs."""

from webinar.reports.compute import Person, compute
from webinar.reports.model import OTHER_SECTOR, EventFacts, Report

__all__ = ["OTHER_SECTOR", "EventFacts", "Person", "Report", "compute"]
