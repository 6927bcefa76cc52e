"""The built pages as the gateway serves them: each app at its prefix with history fallback,
security headers, hashed assets cached for a year, and nothing outside the build folders."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.core.config import GatewaySettings
from gateway.main import create_app

INDEX = "<!doctype html><html><head><script type=\"module\" src=\"{base}assets/app-1a2b.js\"></script></head></html>"


@pytest.fixture
def web_root(tmp_path):
    for app, base in (("applicant", "/"), ("officer", "/workbench/")):
        dist = tmp_path / app / "dist"
        (dist / "assets").mkdir(parents=True)
        (dist / "index.html").write_text(INDEX.format(base=base))
        (dist / "assets" / "app-1a2b.js").write_text(f"console.log('{app}')")
        (dist / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    (tmp_path / "secret.txt").write_text("outside every dist")
    return tmp_path


@pytest.fixture
def client(web_root, rpc):
    settings = GatewaySettings(APP_ENV="development", DEV_MODE=False, WEB_ROOT=str(web_root))
    with TestClient(create_app(settings, rpc=rpc),
                    raise_server_exceptions=False) as test_client:
        yield test_client


def test_each_app_is_served_at_its_prefix_with_history_fallback(client):
    home = client.get("/")
    assert home.status_code == 200 and 'src="/assets/app-1a2b.js"' in home.text
    assert client.get("/progress").text == home.text
    assert client.get("/applications/42/edit").text == home.text
    workbench = client.get("/workbench/")
    assert workbench.status_code == 200 and "/workbench/assets/" in workbench.text
    assert client.get("/workbench/cases/XF-1").text == workbench.text
    assert client.get("/workbench").text == workbench.text
    assert client.get("/workbench/assets/app-1a2b.js").text == "console.log('officer')"
    assert client.get("/assets/app-1a2b.js").text == "console.log('applicant')"


def test_pages_carry_security_headers_and_cache_rules(client):
    for path in ("/", "/progress", "/workbench/"):
        headers = client.get(path).headers
        script_src = [d for d in headers["content-security-policy"].split(";")
                      if d.strip().startswith("script-src")][0]
        assert script_src.strip() == "script-src 'self'"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "geolocation=()" in headers["permissions-policy"]
        assert headers["cache-control"] == "no-cache"
    asset = client.get("/assets/app-1a2b.js").headers
    assert asset["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/favicon.ico").headers["cache-control"] == "no-cache"


def test_what_is_not_a_page_stays_a_json_404(client):
    for path in ("/assets/missing.js", "/missing.png", "/api/v1/nothing", "/docs/x",
                 "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/workbench/../secret.txt"):
        answer = client.get(path)
        assert "outside every dist" not in answer.text, path
        if answer.status_code == 404:
            assert answer.json()["code"] == "NOT_FOUND"
    assert client.get("/assets/missing.js").status_code == 404
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.post("/progress").status_code == 404  # only GET and HEAD are pages
    assert client.get("/openapi.json").json()["info"]["title"]


def test_without_built_pages_the_api_still_answers(tmp_path, rpc):
    settings = GatewaySettings(APP_ENV="development", DEV_MODE=False, WEB_ROOT=str(tmp_path / "nothing"))
    with TestClient(create_app(settings, rpc=rpc),
                    raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 404
        assert client.get("/openapi.json").status_code == 200
