"""Nameko extensions shared by the services: database session per worker, reliable event
subscriptions, request context and metrics, and the process runner."""
