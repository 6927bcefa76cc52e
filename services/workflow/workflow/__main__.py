"""``python -m workflow`` runs the service; ``python -m workflow relay`` its outbox relay."""

from credit_common.cli import main

main("workflow", "workflow.config:WorkflowSettings", "workflow.service:WorkflowService")
