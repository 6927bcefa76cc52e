"""Notification: SMS and in-app notifications."""

__version__ = "0.1.0"
