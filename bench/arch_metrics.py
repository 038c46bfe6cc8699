"""Architecture figures for checker/ (issue #17): radon grades, import cycles
counting imports inside functions, private names imported across packages,
and lines.  ``python bench/arch_metrics.py [--json]``.

Import graph: one node per module of ``checker``; an edge for every
``import``/``from ... import`` anywhere in the file (module level or inside a
function), resolved to the module it names (``from .x import y`` names module
``x``, or ``x.y`` when that is a module).  A cycle is a strongly connected
component of more than one module.

Private import: ``from M import _name`` (or ``M._name`` attribute use after
``import M`` is not counted) where M is in another *package* than the
importing file (sibling modules of one package may share private helpers).
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "checker"


def modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _resolve(mod: str, is_pkg: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(mods: dict[str, Path]):
    """Yield (importer, imported module, imported names) for every import."""
    for mod, path in mods.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("checker"):
                        yield mod, a.name, ()
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(mod, is_pkg, node)
                if not target.startswith("checker"):
                    continue
                names = tuple(a.name for a in node.names)
                subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in mods]
                for s in subs:
                    yield mod, s, ()
                rest = tuple(n for n in names if f"{target}.{n}" not in mods)
                if rest or not subs:
                    yield mod, target, rest


def package(mod: str, mods: dict[str, Path]) -> str:
    return mod if mods[mod].name == "__init__.py" else mod.rpartition(".")[0]


def measure() -> dict:
    mods = modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    private = []
    for a, b, names in imports(mods):
        if b not in mods:
            continue
        if a != b:
            g.add_edge(a, b)
        for n in names:
            if n.startswith("_") and not n.startswith("__") and package(a, mods) != package(b, mods):
                private.append(f"{a} imports {b}.{n}")
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    cc = subprocess.run([sys.executable, "-m", "radon", "cc", "-s", "-n", "E", "-j", str(PKG)],
                        capture_output=True, text=True)
    if cc.returncode != 0:
        sys.exit("bench/arch_metrics.py needs radon: pip install -e '.[dev]' (" + cc.stderr.strip()[-200:] + ")")
    grades = {"E": [], "F": []}
    if cc.stdout.strip():
        for f, blocks in json.loads(cc.stdout).items():
            for b in blocks:
                if b.get("rank") in grades:
                    grades[b["rank"]].append(f"{Path(f).relative_to(ROOT)}:{b['lineno']} {b['name']} ({b['complexity']})")
    lines = sum(len(p.read_text().splitlines()) for p in mods.values())
    return {"modules": len(mods), "lines": lines, "radon_F": grades["F"], "radon_E": grades["E"],
            "cycles": cycles, "private_imports": sorted(set(private))}


def main() -> None:
    m = measure()
    if "--json" in sys.argv:
        print(json.dumps(m, indent=2))
        return
    print(f"modules {m['modules']}, lines {m['lines']}")
    print(f"radon F: {len(m['radon_F'])}, E: {len(m['radon_E'])}")
    for x in m["radon_F"] + m["radon_E"]:
        print("   ", x)
    print(f"import cycles (imports inside functions counted): {len(m['cycles'])}")
    for c in m["cycles"]:
        print(f"    {len(c)} modules: {', '.join(c)}")
    print(f"private names imported across packages: {len(m['private_imports'])}")
    for x in m["private_imports"]:
        print("   ", x)


if __name__ == "__main__":
    main()
