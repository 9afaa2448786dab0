#!/usr/bin/env python3
"""The package's shape, checked: layers, import circles, module and function sizes.

Usage: python scripts/check_architecture.py            (rules; exit 1 on a violation)
       python scripts/check_architecture.py --figures DIR (modules, arrows, floors, circles of any tree)
Reads src/govreport with ``ast`` (nothing is imported). Prints every violation and exits 1 when there is one,
so the rule that "arrows point down the pipeline" is a test (tests/unit/test_architecture.py), not a hope.
A function may pass the size limit when its docstring says why (a line with "long because").
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "govreport"
PKG = "govreport"

# Low to high: a module imports only modules of its own layer or below.
LAYERS = [
    ["errors", "catalog"],
    ["model", "text", "schemas", "paths"],
    ["readers"],
    ["identify"],
    ["extract"],
    ["checks"],
    ["harmonize"],
    ["records"],
    ["store"],
    ["ingestion"],
    ["pipeline"],
    ["sql", "report"],
    ["publish"],
    ["cli", ""],  # "" is the package's own __init__
]
STAGES = {"readers", "identify", "extract", "checks", "harmonize", "records", "ingestion", "pipeline"}
# Extra rules beyond the layers: (importer prefix, forbidden target prefixes, why)
FORBIDDEN = [
    ("readers", ("catalog",), "a reader knows no template or metric and reads no catalog"),
    ("model", tuple(STAGES), "the model imports no stage"),
    ("ingestion.engines", tuple(STAGES - {"ingestion"}), "engines run the function they are handed"),
    ("report", tuple(STAGES), "pages read stored tables; they never parse or re-derive"),
]
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Module:
    name: str  # dotted, without the package prefix ("" for the package)
    path: Path
    is_package: bool


def modules(src: Path = SRC) -> dict[str, Module]:
    found = {}
    for f in sorted(src.rglob("*.py")):
        parts = list(f.relative_to(src).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        found[".".join(parts)] = Module(".".join(parts), f, is_pkg)
    return found


def _resolve(name: str, mods: dict[str, Module]) -> str | None:
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name if name in mods else None


def imports(mod: Module, mods: dict[str, Module]) -> set[str]:
    """Modules of the package that ``mod`` imports (function-local imports included)."""
    base = mod.name.split(".") if mod.is_package else mod.name.split(".")[:-1]
    base = [b for b in base if b]
    out = set()
    for node in ast.walk(ast.parse(mod.path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                root = ".".join([PKG] + base[: len(base) - node.level + 1])
                target = f"{root}.{node.module}" if node.module else root
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names] + [target]
        for n in names:
            if n != PKG and not n.startswith(PKG + "."):
                continue
            r = _resolve(n[len(PKG) + 1:] if n != PKG else "", mods)
            if r is None or r == mod.name or (r == "" and n == PKG and False):
                continue
            if mods[r].is_package and (mod.name.startswith(r + ".") or r == ""):
                continue  # a module importing its own package
            out.add(r)
    return out


def layer_of(name: str) -> int:
    top = name.split(".")[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise KeyError(f"{name}: not in LAYERS (scripts/check_architecture.py)")


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            visit(v)
    return out


def _long_functions(mod: Module, src: Path) -> list[str]:
    tree = ast.parse(mod.path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            doc = ast.get_docstring(node) or ""
            if n > MAX_FUNCTION_LINES and "long because" not in doc:
                out.append(f"{mod.path.relative_to(src.parent)}:{node.lineno} {node.name}() is {n} lines "
                           f"(> {MAX_FUNCTION_LINES}; split it or say why in its docstring: 'long because …')")
    return out


def floors(edges: dict[str, set[str]]) -> int:
    """How many floors the import graph stands on: the longest chain of imports, a circle counted as one module."""
    comp = {m: m for m in edges}
    for c in _circles(edges):
        for m in c:
            comp[m] = c[0]
    graph: dict[str, set[str]] = {}
    for m, targets in edges.items():
        graph.setdefault(comp[m], set()).update(comp[t] for t in targets if comp[t] != comp[m])
    depth: dict[str, int] = {}

    def height(v: str) -> int:
        if v not in depth:
            depth[v] = 1 + max((height(w) for w in graph.get(v, ())), default=0)
        return depth[v]

    return max((height(v) for v in graph), default=0)


def figures(src: Path = SRC) -> dict:
    """Modules, arrows, floors and circles of any tree (no layer rules: usable on an old checkout too)."""
    mods = modules(src)
    edges = {m: imports(mods[m], mods) for m in mods}
    return dict(modules=len(mods), arrows=sum(len(e) for e in edges.values()), floors=floors(edges),
                circles=len(_circles(edges)))


def check(src: Path = SRC) -> tuple[list[str], dict]:
    """Every violation as one line, and the figures (modules, arrows, layers used, circles)."""
    mods = modules(src)
    edges = {m: imports(mods[m], mods) for m in mods}
    problems = []
    for m, targets in edges.items():
        for t in sorted(targets):
            if layer_of(t) > layer_of(m):
                problems.append(f"upward import: {m or PKG} (layer {layer_of(m)}) imports {t} (layer {layer_of(t)})")
            for who, banned, why in FORBIDDEN:
                if (m == who or m.startswith(who + ".")) and any(t == b or t.startswith(b + ".") for b in banned) \
                        and not (t == who or t.startswith(who + ".")):
                    problems.append(f"forbidden import: {m} imports {t} ({why})")
    circles = _circles(edges)
    problems += [f"import circle: {' -> '.join(c)}" for c in circles]
    for m in mods.values():
        lines = sum(1 for _ in m.path.open(encoding="utf-8"))
        if lines > MAX_MODULE_LINES:
            problems.append(f"{m.path.relative_to(src.parent)} has {lines} lines (> {MAX_MODULE_LINES})")
        problems += _long_functions(m, src)
    return problems, dict(modules=len(mods), arrows=sum(len(e) for e in edges.values()), floors=floors(edges),
                          circles=len(circles))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--figures"]:  # e.g. --figures /tmp/old/src/govreport: the figures of another tree
        print(", ".join(f"{v} {k}" for k, v in figures(Path(argv[1]).resolve()).items()))
        return 0
    problems, counts = check()
    for p in problems:
        print(p)
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f"; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
