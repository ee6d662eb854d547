"""House rules the code itself keeps (issue #14): no import cycle, no private name used
across modules, no module over the size one reads top to bottom. Each test reads the real
tree (grimp's import graph, the modules' syntax), so a change that breaks a rule fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 500
# cycles in files another change owns; each is listed with why it is still here
KNOWN_CYCLES = {
    ("huibian.ingest", "huibian.workers"),  # ingest() builds the local runner, which runs ingest.work
    ("huibian.workers", "huibian.ingest"),
}


def test_no_import_cycle() -> None:
    """No module imports one that (through any chain) imports it back; imports inside functions count."""
    graph = grimp.build_graph("huibian", exclude_type_checking_imports=True)
    edges = [(a, b) for a in sorted(graph.modules) for b in sorted(graph.find_modules_directly_imported_by(a))]
    assert len(edges) > 100  # the package was read
    cyclic = {(a, b) for a, b in edges if graph.chain_exists(importer=b, imported=a)}
    assert cyclic <= KNOWN_CYCLES, sorted(cyclic - KNOWN_CYCLES)


def _sources() -> list[Path]:
    return sorted(p for d in ("huibian", "benchmarks", "scripts", "tests") for p in (ROOT / d).rglob("*.py"))


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def test_no_private_name_is_used_across_modules() -> None:
    """`from huibian.x import _y`, and `x._y` where x is an imported huibian module, anywhere in the tree."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}  # local name → the huibian module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("huibian"):
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {node.module} import {a.name}")
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("huibian"):  # import huibian.x as y → y; import huibian.x → huibian
                        aliases[a.asname or "huibian"] = a.name if a.asname else "huibian"
        own = _module_name(path)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and aliases[node.value.id] != own
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not found, found


def test_no_module_is_too_long_to_read_top_to_bottom() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "huibian").rglob("*.py")}
    assert max(sizes.values()) > 100  # the tree was read
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}
