"""axe-core (the npm registry's package, pinned in js/a11y/package.json and installed by
`npm ci --prefix js/a11y`) run inside a Playwright page: WCAG 2.0/2.1 A and AA rules, and the
violations whose impact is serious or critical."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "js/a11y/node_modules/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def need_axe() -> None:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is missing at {AXE}: .ci/run installs it (npm ci)")
        pytest.skip("axe-core is not installed: npm ci --prefix js/a11y")


def violations(page, include: Sequence[str] = ()) -> list[dict]:
    """axe's violations on the page (only inside the elements matching `include`, CSS
    selectors, when given), each rule with its impact and the nodes that break it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    context = {"include": [[s] for s in include]} if include else "document"
    return page.evaluate(
        "([context, tags]) => axe.run(context === 'document' ? document : context,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,"
        " html: n.html.slice(0, 160), summary: n.failureSummary}))})))",
        [context, TAGS],
    )


def blocking(found: list[dict]) -> dict[str, int]:
    """Nodes per rule among serious and critical violations."""
    counts: dict[str, int] = {}
    for rule in found:
        nodes = [n for n in rule["nodes"] if (n["impact"] or rule["impact"]) in BLOCKING]
        if nodes:
            counts[rule["id"]] = len(nodes)
    return counts


def explain(found: list[dict], limit: int = 3) -> str:
    """A readable failure: each blocking rule, its node count and a few examples."""
    lines = []
    for rule in found:
        nodes = [n for n in rule["nodes"] if (n["impact"] or rule["impact"]) in BLOCKING]
        if not nodes:
            continue
        lines.append(f"{rule['id']} ({rule['impact']}, {len(nodes)} nodes): {rule['help']}")
        lines += [f"    {n['target']}: {n['html']}" for n in nodes[:limit]]
    return "\n".join(lines)
