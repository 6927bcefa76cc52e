"""``python -m gateway``: serve the API with uvicorn on uvloop and httptools."""

from __future__ import annotations

import uvicorn

from credit_common.logging import configure_logging
from gateway.core.config import get_settings
from gateway.main import create_app


def main() -> None:
    settings = get_settings()
    settings.refuse_unsafe_production()
    configure_logging("gateway", settings.log_level, settings.log_format)
    uvicorn.run(create_app(settings), host=settings.gateway_host, port=settings.gateway_port,
                loop="uvloop", http="httptools", access_log=False, log_config=None,
                proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips,
                timeout_graceful_shutdown=5)


if __name__ == "__main__":
    main()
