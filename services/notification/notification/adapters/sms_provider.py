"""The SMS provider's HTTP API: ``POST <SMS_PROVIDER_URL>`` with ``{"phone", "text",
"message_id"}`` and ``Authorization: Bearer <SMS_PROVIDER_KEY>``; any 2xx is delivered,
anything else (an error status, a timeout, a refused connection) is tried again later."""

from __future__ import annotations

import httpx


class ProviderError(Exception):
    pass


class HttpSmsProvider:
    def __init__(self, url: str, key: str | None, timeout_s: float):
        self.url = url
        self.key = key
        self.timeout_s = timeout_s

    def send(self, message_id: str, phone: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        try:
            response = httpx.post(self.url, json={"phone": phone, "text": text,
                                                  "message_id": message_id},
                                  headers=headers, timeout=self.timeout_s)
        except httpx.HTTPError as exc:
            raise ProviderError(f"{type(exc).__name__}: {exc}") from None
        if not 200 <= response.status_code < 300:
            raise ProviderError(f"HTTP {response.status_code}: {response.text[:200]}")
