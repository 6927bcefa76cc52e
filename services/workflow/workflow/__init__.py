"""Workflow: cases, routing, deadlines."""

__version__ = "0.1.0"
