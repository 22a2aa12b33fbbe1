"""Static screening of graded functions for delegation (run in the trusted parent, with ``ast``).

A graded function must compute its result itself. One that reaches a module of
:data:`actlab.exercises.FORBIDDEN_MODULES` (``actlab``, ``scipy``, ``torch``, ``jax``, ...) - directly, through a module-level alias (``from actlab import sigmoid as s``,
``f = torch.sigmoid``), through a helper function or class of the notebook that does, or through
dynamic imports (``__import__``, ``importlib`` and other loaders under any alias, so also a module
loaded by path from a copy of a forbidden package; ``sys.modules``, ``exec``/``eval``, a string that
names one of those modules) - scores 0 for that function.

This is the first of two fences: the child also refuses those modules at run time (a stand-in
that raises when called, and as root the files themselves are hidden), and a case whose call hit
the fence is reported as delegation too.
"""
from __future__ import annotations

import ast
import builtins

from ..exercises import FORBIDDEN_MODULES as FORBIDDEN  # one list: check cells, screen and child
# Modules that load code by path or by bytes: with them a copy of a forbidden package (a build/
# folder, another environment) loads under a name no import guard knows. A graded function, or a
# notebook-level name it uses, that reaches one of them (under any alias) is dynamic loading.
LOADERS = ("importlib", "runpy", "pkgutil", "zipimport", "imp", "marshal", "pickle")
DYNAMIC_NAMES = {"__import__", "importlib", "import_module", "exec", "eval", "compile", "__builtins__",
                 "__loader__", "__spec__"}
# Attributes that reach modules or code without naming them: sys.modules, a function's globals, and
# the class-hierarchy walk (().__class__.__base__.__subclasses__() finds the import machinery).
DYNAMIC_ATTRS = {"modules", "__import__", "import_module", "__builtins__", "__dict__", "__globals__",
                 "__subclasses__", "__base__", "__bases__", "__mro__", "__self__", "__code__", "__closure__",
                 "__getattribute__", "__loader__", "__spec__"}
_BUILTINS = set(dir(builtins))


def forbidden(dotted: str) -> str | None:
    """The forbidden module ``dotted`` belongs to, if any ("scipy.special.expit" -> "scipy")."""
    for mod in FORBIDDEN:
        if dotted == mod or dotted.startswith(mod + "."):
            return mod
    return None


def loader(dotted: str) -> str | None:
    """The code-loading module ``dotted`` belongs to, if any ("importlib.util.spec_from_file_location")."""
    root = dotted.split(".")[0]
    return root if root in LOADERS else None


def _chain(node) -> list[str] | None:
    """``a.b.c`` -> ["a", "b", "c"] (None if the base is not a plain name)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


class _Module:
    """What the notebook's top level binds: import aliases and the definitions of each name."""

    def __init__(self):
        self.aliases = {"actlab": "actlab"}  # the setup cell imports actlab
        self.defs: dict[str, list] = {}
        self.star: str | None = None

    def bind_import(self, node):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    self.aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name == "*":
                    if forbidden(node.module):
                        self.star = node.module
                else:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def visit_top(self, stmts):
        for node in stmts:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.bind_import(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defs.setdefault(node.name, []).append(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name):
                            if node.value is not None:
                                self.defs.setdefault(sub.id, []).append(node.value)
            # statements nested at top level (if/for/while/try/with) bind at top level too
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self.visit_top([n for n in inner if isinstance(n, ast.AST)])


def _locals(node) -> set[str]:
    """Names a function binds itself (parameters and assignments): not references to globals."""
    names = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = node.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
            if arg is not None:
                names.add(arg.arg)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
    return names


def _direct(node, mod: _Module, known: set[str]):
    """(reason or None, global names referenced) for one definition."""
    local = _locals(node)
    refs = set()
    # docstrings and bare string statements may mention a module ("like torch.sigmoid")
    prose = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in sub.names] if isinstance(sub, ast.Import) else [sub.module or ""]
            if isinstance(sub, ast.ImportFrom) and sub.module:
                names += [f"{sub.module}.{a.name}" for a in sub.names]
            for name in names:
                if forbidden(name):
                    return ("module", forbidden(name) or name, sub), refs
                if name.split(".")[0] in ("sys", "builtins") or loader(name):
                    return ("dynamic", name, sub), refs
        elif isinstance(sub, ast.Attribute):
            chain = _chain(sub)
            if chain and chain[0] not in local and chain[0] in mod.aliases:
                full = ".".join([mod.aliases[chain[0]], *chain[1:]])
                if forbidden(full):
                    return ("module", full, sub), refs
                if loader(full):
                    return ("dynamic", full, sub), refs
            if sub.attr in DYNAMIC_ATTRS:
                return ("dynamic", sub.attr, sub), refs
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in local:
            if sub.id in mod.aliases and forbidden(mod.aliases[sub.id]):
                return ("module", mod.aliases[sub.id], sub), refs
            if sub.id in mod.aliases and loader(mod.aliases[sub.id]):
                return ("dynamic", mod.aliases[sub.id], sub), refs
            if sub.id in DYNAMIC_NAMES or sub.id in ("globals", "vars", "getattr") and _dynamic_getattr(sub, node):
                return ("dynamic", sub.id, sub), refs
            if mod.star and sub.id not in known and sub.id not in _BUILTINS and sub.id not in mod.aliases:
                return ("module", f"{mod.star}.{sub.id}", sub), refs
            refs.add(sub.id)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and id(sub) not in prose:
            lowered = sub.value.lower()
            for word in FORBIDDEN:
                if word in lowered:
                    return ("dynamic", repr(sub.value[:40]), sub), refs
    return None, refs


def _dynamic_getattr(name_node, root) -> bool:
    """``globals()`` / ``vars()`` are dynamic lookups; ``getattr(x, "name")`` with a constant is not."""
    if name_node.id in ("globals", "vars"):
        return True
    for sub in ast.walk(root):
        if isinstance(sub, ast.Call) and sub.func is name_node:
            return len(sub.args) >= 2 and not isinstance(sub.args[1], ast.Constant)
    return False


def screen(cells: list[tuple[int, str]], functions: tuple[str, ...]) -> dict[str, tuple]:
    """``{function: (kind, what, cell, line, via)}`` for each graded function that delegates.

    ``cells`` are (cell number, Python source) pairs (cells that do not parse are skipped: the child reports them);
    ``kind`` is "module" (names a forbidden module) or "dynamic" (imports or looks names up
    dynamically, which could hide one); ``via`` is the notebook-level name where it was found (the
    function itself, or a helper it uses).
    """
    mod = _Module()
    for cell, source in cells:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if hasattr(node, "lineno"):
                node.cell = cell
        mod.visit_top(tree.body)
    known = set(mod.defs) | set(mod.aliases)
    direct, refs = {}, {}
    for name, nodes in mod.defs.items():
        reason, names = None, set()
        for node in nodes:
            r, n = _direct(node, mod, known)
            reason = reason or r
            names |= n
        direct[name], refs[name] = reason, names & set(mod.defs)
    found = {}
    for fn in functions:
        seen, stack = set(), [fn]
        while stack:  # the function itself, then every notebook-level name it reaches
            name = stack.pop()
            if name in seen or name not in direct:
                continue
            seen.add(name)
            if direct[name]:
                kind, what, node = direct[name]
                found[fn] = (kind, what, getattr(node, "cell", None), getattr(node, "lineno", None), name)
                break
            stack.extend(sorted(refs[name]))
    return found
