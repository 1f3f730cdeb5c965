"""axe-core in the browser tests, and a watch for Content-Security-Policy violations.

axe's source (tools/axe, installed by `make test` with npm ci) is evaluated through the DevTools
protocol, which the page's CSP does not govern; the page itself runs under the policy it was sent,
so any inline script or style of ours is refused and recorded by the watch.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "tools/axe/node_modules/axe-core/axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Off by default in axe (experimental), on here: a control's accessible name must contain its
# visible text (WCAG 2.5.3), which the notification bell with its count broke.
# No preload: axe would fetch the style sheets and parse them in <style> elements of its own (for
# css-orientation-lock), which the page's CSP refuses and the watch would report as the page's.
OPTIONS = {"rules": {"label-content-name-mismatch": {"enabled": True}}, "preload": False}

# Run before any of the page's own scripts: records each securitypolicyviolation event.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + (e.sourceFile || document.location.pathname) + ":" + e.lineNumber);
}, true);
"""


@cache
def axe_source() -> str:
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE}: run `make test` (npm ci in tools/axe)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def watch_csp(context) -> list[str]:
    """Record CSP violations in every page of the context: the events and the console's reports."""
    seen: list[str] = []
    context.add_init_script(CSP_WATCH)

    def on_console(message):
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    context.on("console", on_console)
    return seen


def csp_violations(page, console: list[str]) -> list[str]:
    return list(console) + page.evaluate("window.__cspViolations || []")


def violations(page, options=None) -> list[str]:
    """axe's violations on the page as it is now, one line per rule with its first elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found = page.evaluate(
        """async (options) => {
          const result = await axe.run(document, options);
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, count: v.nodes.length,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.failureSummary)
          }));
        }""",
        options or OPTIONS,
    )
    return [f"{v['id']} ({v['impact']}, {v['count']}): " + " | ".join(v["nodes"]) for v in found]


def rule_result(page, rule: str, selector: str | None = None) -> dict:
    """One rule's outcome: how many elements pass, fail and need review."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(
        """async ([rule, selector]) => {
          const r = await axe.run(selector || document, {runOnly: {type: "rule", values: [rule]},
                                  rules: {[rule]: {enabled: true}}});
          return {passes: r.passes.reduce((n, x) => n + x.nodes.length, 0),
                  violations: r.violations.reduce((n, x) => n + x.nodes.length, 0),
                  incomplete: r.incomplete.reduce((n, x) => n + x.nodes.length, 0)};
        }""",
        [rule, selector],
    )
