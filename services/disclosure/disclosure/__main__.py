"""``python -m disclosure`` runs the service; ``python -m disclosure relay`` its outbox relay."""

from credit_common.cli import main

main("disclosure", "disclosure.config:DisclosureSettings", "disclosure.service:DisclosureService")
