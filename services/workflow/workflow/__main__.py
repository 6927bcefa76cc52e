"""``python -m workflow`` runs the service; ``python -m workflow relay`` its outbox relay;
``python -m workflow documents`` renders issued documents to PDF;
``python -m workflow demo-officers`` loads the demo officers."""

from credit_common.cli import main

main("workflow", "workflow.config:WorkflowSettings", "workflow.service:WorkflowService",
     commands={"demo-officers": "workflow.demo_officers:main",
               "documents": "workflow.document_renderer:main"})
