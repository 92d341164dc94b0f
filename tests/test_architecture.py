"""The runtime's modules import each other without cycles.

The import graph is built from the source, not from ``sys.modules``: every
``import``/``from ... import`` statement of every module of ``runtime/``
(``runtime/core/`` included) is an edge, wherever it stands.  An import
inside a function counts like one at the top: such imports used to be the
way to dodge a cycle (``enumerable.py`` importing ``array.py`` inside
functions while ``array.py`` imported ``enumerable.py`` at the top), and a
dodged cycle is still a cycle for a reader.  ``from .pkg import name`` is an
edge to ``pkg.name`` when that is a module, otherwise to ``pkg``.

Dynamic imports (``importlib``) are not edges: ``runtime.core.boot_core``
imports every module of the core library that way, which is how the ``VM``
façade (``runtime/vm.py``, which imports its parts: ``symbols``, ``heap``,
``values``, ``classes``, ``variables``, ``calls``, ``backtrace``,
``raising``) boots it without the parts ever importing ``vm.py``.

Every strongly connected component of more than one module must sit inside
one of the ``DOCUMENTED`` exceptions, each with the reason it exists and
what would remove it; an exception that no longer holds a cycle fails too,
so the list only shrinks.
"""

from __future__ import annotations

import ast
import functools
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "runtime"

# module sets allowed to hold a cycle, with the reason and the way out
DOCUMENTED = {
    frozenset({"runtime.core.array", "runtime.core.hash", "runtime.core.struct"}):
        "Array, Hash and Struct inspect each other: array.py's inspect_elem calls "
        "hash.hash_inspect_rec and struct.struct_inspect_rec, which call inspect_elem, "
        "inspect_frames and _recur_seen of array.py back (and struct.py borrows values_at); "
        "array.py also uses hash.py's table helpers (h_store, h_lookup). Moving the inspect "
        "helpers to support.py with a per-type table would end it.",
    frozenset({"runtime.core.complex", "runtime.core.conversions", "runtime.core.format",
               "runtime.core.numeric", "runtime.core.range", "runtime.core.string"}):
        "Numbers and their formatting: numeric.py's Integer/Float#to_s of a Complex part calls "
        "complex.py (complex_to_s), complex.py calls format.py (float_to_s) and numeric.py, "
        "format.py calls string.py (str_len_to_integer) and numeric.py (as_int, as_float), "
        "string.py calls range.py (range_beg_len) and numeric.py, range.py calls numeric.py. "
        "A numbers-support module below all of them (as_int, as_float, float_to_s) would end it.",
    frozenset({"runtime.core.method", "runtime.core.proc"}):
        "Proc and Method describe the same parameters: proc.py imports method.py's "
        "FORWARD_PARAMS, method.py imports proc.py's irep_source_location.",
}


def modules(package: str = PACKAGE) -> dict[str, str]:
    """Dotted module name -> file path, for every module of ``package``."""
    out = {}
    base = os.path.join(ROOT, package)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "__"))]
        for fn in filenames:
            if not fn.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, fn), ROOT)[:-3].split(os.sep)
            if rel[-1] == "__init__":
                rel = rel[:-1]
            out[".".join(rel)] = os.path.join(dirpath, fn)
    return out


def _targets(name: str, path: str, node, known) -> list[str]:
    """The modules of ``known`` an import statement of module ``name`` names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        here = name.split(".") if path.endswith("__init__.py") else name.split(".")[:-1]
        base = here[:len(here) - (node.level - 1)]
        pkg = ".".join(base + ([node.module] if node.module else []))
    else:
        pkg = node.module
    out = []
    for a in node.names:
        sub = f"{pkg}.{a.name}"
        out.append(sub if sub in known else pkg)
    return out


@functools.cache
def import_graph(package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (anywhere in it)."""
    mods = modules(package)
    graph = {m: set() for m in mods}
    for name, path in mods.items():
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for t in _targets(name, path, node, mods):
                    # ``import a.b.c`` also imports a and a.b: the deepest known one
                    while t and t not in mods:
                        t = t.rpartition(".")[0]
                    if t and t != name:
                        graph[name].add(t)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's
    algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(frozenset(comp))
    return out


def _describe(comp, graph) -> str:
    edges = [f"    {a} -> {b}" for a in sorted(comp) for b in sorted(graph[a] & comp)]
    return "\n".join([", ".join(sorted(comp))] + edges)


def test_runtime_has_no_undocumented_import_cycle():
    graph = import_graph()
    bad = [c for c in cycles(graph) if not any(c <= d for d in DOCUMENTED)]
    assert not bad, "import cycles among runtime modules:\n" + \
        "\n".join(_describe(c, graph) for c in bad)


def test_documented_cycles_still_exist():
    found = cycles(import_graph())
    stale = [d for d in DOCUMENTED if not any(c <= d for c in found)]
    assert not stale, "no cycle left in " + "; ".join(", ".join(sorted(d)) for d in stale) + \
        ": remove it from DOCUMENTED"


def test_vm_parts_do_not_import_the_facade():
    """runtime/vm.py imports its parts; no module of runtime imports vm.py
    but the tools above the package (main.py runs programs, nothing else)."""
    graph = import_graph()
    importers = sorted(m for m, deps in graph.items() if "runtime.vm" in deps)
    assert importers == ["runtime.main"], importers


def test_graph_sees_function_level_and_relative_imports():
    """The checker itself: a cycle closed by an import inside a function is found."""
    graph = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": {"p.a"}}
    assert cycles(graph) == [frozenset({"p.a", "p.b", "p.c"})]
    mods = modules()
    kernel = "runtime.core.kernel"
    node = ast.parse("def f():\n    from .. import abi\n    from . import hash\n").body[0]
    got = [t for n in ast.walk(node) if isinstance(n, ast.ImportFrom)
           for t in _targets(kernel, mods[kernel], n, mods)]
    assert got == ["runtime.abi", "runtime.core.hash"]


def test_generated_ffi_module_is_up_to_date():
    """runtime/_cdecls_ffi.py is cffi's out-of-line module of the declarations
    in runtime/cdecls.py: regenerate it (scripts/build_ffi.py) after a change."""
    import importlib.util
    script = os.path.join(ROOT, "scripts", "build_ffi.py")
    spec = importlib.util.spec_from_file_location("build_ffi", script)
    build_ffi = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_ffi)
    with open(os.path.join(ROOT, "runtime", "_cdecls_ffi.py")) as f:
        generated = f.read()
    assert generated == build_ffi.generated_source(), "run scripts/build_ffi.py"


def test_start_up_imports_only_what_a_run_needs():
    """A program that translates nothing parses no C (pycparser) and loads no
    assembler or disassembler (iced-x86, capstone): those cost ~150 ms.
    Nor does a run import construct's debugger (pdb), dataclasses, inspect,
    pkgutil, pathlib, typing or shutil (riteload/record.py, riteload.cli's
    _without_construct_debug and _Formatter): together about 45 ms of
    every start."""
    import subprocess
    import sys

    def imported(*args):
        p = subprocess.run([sys.executable, "-X", "importtime", *args],
                           capture_output=True, text=True, cwd=ROOT)
        assert p.returncode == 0, p.stderr[-2000:]
        return {line.rsplit("|", 1)[-1].strip() for line in p.stderr.splitlines()
                if line.startswith("import time:")}
    # what the interpreter's own start-up imports (site, .pth files) is not the run's
    run = imported("-m", "riteload", "run", os.path.join(ROOT, "fixtures", "mrb", "001_hello.mrb"))
    run -= imported("-c", "pass")
    assert "runtime.vm" in run and "runtime.native" in run
    for heavy in ("pycparser", "iced_x86", "capstone", "translate.asm", "pdb", "dataclasses",
                  "inspect", "pkgutil", "pathlib", "typing", "shutil"):
        assert heavy not in run, heavy
