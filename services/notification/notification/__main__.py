"""``python -m notification`` runs the service; ``python -m notification relay`` its outbox relay."""

from credit_common.cli import main

main("notification", "notification.config:NotificationSettings", "notification.service:NotificationService")
