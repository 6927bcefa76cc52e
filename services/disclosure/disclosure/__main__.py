"""``python -m disclosure`` runs the service; ``relay`` its outbox relay; ``inbound`` the
consumer of other agencies' messages; ``demo-data`` and ``import`` load records."""

from credit_common.cli import main

main("disclosure", "disclosure.config:DisclosureSettings", "disclosure.service:DisclosureService",
     commands={"demo-data": "disclosure.demo_data:main",
               "import": "disclosure.bulk_import:main",
               "inbound": "disclosure.inbound:main"})
