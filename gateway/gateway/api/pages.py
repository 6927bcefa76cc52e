"""The built web pages: the applicant's H5 at ``/`` and the officer workbench at
``/workbench/``, each a single-page app whose unknown paths fall back to its ``index.html``
(history routing). Hashed assets are cached for a year; ``index.html`` is revalidated, so a
new build reaches browsers at once."""

from __future__ import annotations

import pathlib

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response

#: scripts only from this origin (no inline script, no eval); Vant and Element Plus set
#: inline style attributes, so styles may be inline; PDFs preview from blob: URLs
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # the camera stays allowed for this origin: applicants photograph their materials
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

#: URL prefix -> the app's folder under the web root; the longest prefix is tried first
APPS = (("/workbench/", "officer"), ("/", "applicant"))
#: paths that belong to the API, never to a page
NOT_PAGES = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz", "/livez", "/readyz",
             "/metrics")


class Pages:
    def __init__(self, web_root: pathlib.Path):
        self.dists = {prefix: (web_root / app / "dist").resolve() for prefix, app in APPS}

    def available(self) -> bool:
        return any((dist / "index.html").is_file() for dist in self.dists.values())

    def response(self, path: str) -> Response | None:
        for prefix, dist in self.dists.items():
            if path.startswith(prefix) or path == prefix.rstrip("/"):
                return self._from(dist, path[len(prefix):])
        return None

    @staticmethod
    def _from(dist: pathlib.Path, relative: str) -> Response | None:
        index = dist / "index.html"
        if not index.is_file():
            return None
        wanted = (dist / relative).resolve() if relative else index
        if not wanted.is_relative_to(dist):
            return None
        if wanted.is_file():
            hashed = wanted.parent.name == "assets"
            return FileResponse(wanted, headers={
                **PAGE_SECURITY_HEADERS, "Cache-Control": IMMUTABLE if hashed else REVALIDATE})
        if relative.startswith("assets/") or pathlib.PurePosixPath(relative).suffix:
            return None  # a missing file is a 404, not the app
        return FileResponse(index, headers={**PAGE_SECURITY_HEADERS,
                                            "Cache-Control": REVALIDATE})


def install_pages(app: FastAPI, web_root: pathlib.Path) -> None:
    """Answer what no API route matched: a GET for a page or asset is served, everything
    else keeps the router's own 404 (no catch-all route, so a POST to an unknown path is
    still a 404, not a 405)."""
    pages = Pages(web_root)
    not_found = app.router.default

    async def pages_or_not_found(scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") \
                and not path.startswith(NOT_PAGES):
            answer = pages.response(path)
            if answer is not None:
                return await answer(scope, receive, send)
        return await not_found(scope, receive, send)

    app.router.default = pages_or_not_found
