"""The pages as the gateway serves them: the apps at / and /workbench/, history fallback,
security headers and long-cached hashed assets, and the public home page in a real browser."""

from __future__ import annotations

import re



def test_pages_are_served_with_security_headers_and_history_fallback(http):
    home = http.get("/")
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    csp = home.headers["content-security-policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert home.headers["x-frame-options"] == "DENY"
    assert home.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "microphone=()" in home.headers["permissions-policy"]
    assert home.headers["cache-control"] == "no-cache"
    assert "<script>" not in home.text  # no inline script the CSP would have to allow

    deep = http.get("/applications/123/edit")  # a route of the app, not a file
    assert deep.status_code == 200 and deep.text == home.text

    asset = re.search(r'src="(/assets/[^"]+\.js)"', home.text).group(1)
    cached = http.get(asset)
    assert cached.status_code == 200 and "immutable" in cached.headers["cache-control"]
    assert http.get("/assets/no-such-file.js").status_code == 404

    workbench = http.get("/workbench/cases/1")
    assert workbench.status_code == 200 and "/workbench/assets/" in workbench.text

    # the API keeps its own answers: JSON 404s, and a POST to an unknown path is no page
    missing = http.get("/api/v1/no-such-route")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    assert http.post("/no-such-page").status_code == 404
    assert http.get("/../../etc/passwd").status_code in (200, 404)  # never a file outside dist
    assert "root:" not in http.get("/..%2f..%2f..%2fetc/passwd").text


def test_home_page_in_the_browser(phone, shot, assert_accessible):
    phone.goto("/")
    phone.get_by_role("heading", name="信用修复").first.wait_for()
    shot(phone, "01-home")
    assert_accessible(phone, "home")


def test_pages_reflow_at_320_css_pixels_without_sideways_scrolling(new_page):
    """WCAG 1.4.10: content at 400 % zoom of a 1280 px window (320 CSS px) needs no
    horizontal scrolling, so enlarged text does not break the pages."""
    page = new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    for path, heading in (("/", "信用修复"), ("/login", "登录"), ("/public/search", "信用信息查询"),
                          ("/verify", "文书核验")):
        page.goto(path)
        page.get_by_role("heading", name=heading).first.wait_for()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at 320 px"
