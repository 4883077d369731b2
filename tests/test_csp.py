"""The promise "no request leaves the site", enforced by the browser: every page
carries a Content-Security-Policy (textbook/csp.py), and nothing of the book
itself trips it."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from conftest import _QuietHandler, free_port, serve
from test_browser import SAMPLING, live
from test_exercise_page import first_listing, type_code

RECORD_VIOLATIONS = (
    "window.violations = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.violations.push(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`))"
)


class _OpenHandler(_QuietHandler):
    """A server on another origin that lets any page read it (CORS), so only the
    policy can stop a request to it."""

    isolation = (("Access-Control-Allow-Origin", "*"), ("Cross-Origin-Resource-Policy", "cross-origin"))


@pytest.fixture(scope="module")
def elsewhere(built_site):
    """An address on another origin (same machine, another port and host name)."""
    httpd = serve(built_site, free_port(), _OpenHandler)
    yield f"http://localhost:{httpd.server_address[1]}/sitemap.xml"
    httpd.shutdown()


def pages(built_site) -> list[str]:
    """Every page of the book, as its address path."""
    sitemap = (built_site / "sitemap.xml").read_text()
    return ["/" + re.sub(r"^https?://[^/]+/", "", url) for url in re.findall(r"<loc>\s*(\S+?)\s*</loc>", sitemap)]


def test_every_page_carries_the_policy_and_none_breaks_it(page, server, built_site):
    page.add_init_script(RECORD_VIOLATIONS)
    addresses = pages(built_site)
    assert len(addresses) >= 12
    for address in addresses:
        page.goto(server + address)
        policy = page.get_attribute("meta[http-equiv=Content-Security-Policy]", "content")
        assert "default-src 'self'" in policy and "'unsafe-eval'" not in policy
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        page.mouse.wheel(0, 4000)  # demos below the fold start too
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.violations") == [], address
    assert page.watch.errors == []


def test_a_demo_its_editor_and_python_run_under_the_policy(page, server):
    page.add_init_script(RECORD_VIOLATIONS)
    listing = first_listing(page, server)  # the sampling page: demos, an editor, Python
    live(page)
    listing.locator(".runnable__run").click()
    output = listing.locator(".runnable__output")
    page.wait_for_function("el => el.textContent.includes('share of sixes')", arg=output.element_handle())
    assert page.evaluate("window.violations") == []
    assert page.watch.errors == []


@pytest.fixture(params=[True, False], ids=["policy", "policy-bypassed"])
def enforced(request, browser):
    """Whether the book's policy holds; bypassed (and without the service worker
    that gives Python's worker its policy), the same requests must succeed, so
    a refusal comes from the policy and nothing else."""
    policy = request.param
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, service_workers="allow" if policy else "block", bypass_csp=not policy
    )
    page = context.new_page()
    page.set_default_timeout(90_000)
    yield policy, page
    context.close()


def test_a_request_to_another_origin_is_refused_from_the_page(enforced, server, elsewhere):
    policy, page = enforced
    page.goto(server + SAMPLING)
    outcome = page.evaluate("url => fetch(url).then(r => `got ${r.status}`, e => `refused: ${e}`)", elsewhere)
    assert outcome == ("refused: TypeError: Failed to fetch" if policy else "got 200")


def test_a_request_to_another_origin_is_refused_from_a_readers_python(enforced, server, elsewhere):
    """A reader's code runs in Python's worker, which has its own policy: the
    service worker gives it one, as do hosts that read _headers."""
    policy, page = enforced
    if policy:  # after the first visit, the service worker serves the worker's script
        page.goto(server + SAMPLING)
        page.wait_for_function("() => navigator.serviceWorker.controller")
    listing = first_listing(page, server)
    code = f"from js import XMLHttpRequest\nr = XMLHttpRequest.new()\nr.open('GET', '{elsewhere}', False)\nr.send()\nprint('got', r.status)\n"
    type_code(page, listing, code)
    listing.locator(".runnable__run").click()
    output = listing.locator(".runnable__output")
    page.wait_for_function("el => !el.textContent.startsWith('Running')", arg=output.element_handle())
    if policy:
        assert "NetworkError" in output.inner_text() and "got" not in output.inner_text()
    else:
        assert output.inner_text() == "got 200"


def test_the_policy_names_the_digest_of_each_inline_script_and_of_nothing_else():
    from textbook.csp import digests, policy

    html = (
        '<script>var a = 1</script><script src="x.js"></script>'
        '<script id="__config" type="application/json">{"base": ".."}</script><script>var a = 1</script>'
    )
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(b"var a = 1").digest()).decode() + "'"  # as a browser computes it
    assert digests(html) == {expected}
    text = policy(digests(html))
    assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in text and "'unsafe-eval'" not in text
