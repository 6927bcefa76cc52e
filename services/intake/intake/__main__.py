"""``python -m intake`` runs the service; ``python -m intake relay`` its outbox relay."""

from credit_common.cli import main

main("intake", "intake.config:IntakeSettings", "intake.service:IntakeService")
