"""Find every message code a body of Python source emits, by reading its syntax tree.

A code is *emitted* where it reaches something that carries a code:

- an argument of a callable (function, method or class) defined in the scanned source whose
  parameter is named ``code`` or ``..._code`` (``InputError("file_not_found")``,
  ``FieldProblem.of(...)``, ``ctx.reason(...)``, ``make_reason(...)``); a class with a field
  ``code`` (``Reason``, ``Flag``) counts, and so does a subclass that inherits its constructor;
- the value of the key ``"code"`` in a dict literal (``{"code": "travel_abroad_too_long"}``);
- the first item of a ``(code, {params})`` pair (``Bad(("answer_missing", {...}))``).

The code written there is followed through conditionals (``"a" if x else "b"``), ``or``,
local and module variables (``code = ...``, ``for code, params in ((...), ...)``); an f-string
becomes a pattern. A code forwarded from a parameter, an attribute (``error.code``) or a call's
result is checked where it is first written. Anything else is reported as unresolved, so a new
way of emitting codes fails loudly instead of being missed.

Where the parameters are written out (a dict literal, or keywords of a ``**params``
callable), they are recorded so a test can check them against the template's fields.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

CODE_PARAMETER = re.compile(r"(?:^|_)code$")
CODE_KEY = "code"
_MAX_DEPTH = 4

Function = ast.FunctionDef | ast.AsyncFunctionDef
Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.Module


@dataclass(frozen=True)
class Signature:
    """Where a callable takes a code: positions (after ``self``), keyword names, and whether
    it takes ``**params``."""

    positions: frozenset[int]
    keywords: frozenset[str]
    names: frozenset[str]
    varkw: bool


@dataclass(frozen=True)
class Emission:
    """One code (or f-string pattern) written where a code is emitted, with its parameters
    when they are written out; ``unresolved`` is the expression the scan could not follow."""

    where: str
    code: str | None = None
    pattern: str | None = None
    params: frozenset[str] | None = None
    unresolved: str | None = None


def _signature(function: Function, method: bool) -> Signature | None:
    positional = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    static = any(
        isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
        for decorator in function.decorator_list
    )
    if method and not static:
        positional = positional[1:]
    names = [*positional, *(arg.arg for arg in function.args.kwonlyargs)]
    keywords = frozenset(name for name in names if CODE_PARAMETER.search(name))
    if not keywords:
        return None
    return Signature(
        frozenset(i for i, name in enumerate(positional) if CODE_PARAMETER.search(name)),
        keywords,
        frozenset(names),
        function.args.kwarg is not None,
    )


def _field_signature(cls: ast.ClassDef) -> Signature | None:
    fields = [
        statement.target.id
        for statement in cls.body
        if isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and "ClassVar" not in ast.unparse(statement.annotation)
    ]
    keywords = frozenset(name for name in fields if CODE_PARAMETER.search(name))
    if not keywords:
        return None
    positions = frozenset(i for i, name in enumerate(fields) if CODE_PARAMETER.search(name))
    return Signature(positions, keywords, frozenset(fields), False)


def _base_name(base: ast.expr) -> str | None:
    if isinstance(base, ast.Name):
        return base.id
    if isinstance(base, ast.Attribute):
        return base.attr
    return None


class Sinks:
    """Every callable in the source that takes a code, by the name it is called with."""

    def __init__(self, trees: Iterable[ast.Module]) -> None:
        self.functions: dict[str, list[Signature]] = {}
        self.methods: dict[str, list[Signature]] = {}
        self.classes: dict[str, Signature] = {}
        self.class_names: set[str] = set()
        inheriting: dict[str, list[str]] = {}
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    self._class(node, inheriting)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    signature = _signature(node, method=False)
                    if signature:
                        self.functions.setdefault(node.name, []).append(signature)
        changed = True
        while changed:
            changed = False
            for name, bases in list(inheriting.items()):
                inherited = next((self.classes[b] for b in bases if b in self.classes), None)
                if inherited:
                    self.classes[name] = inherited
                    del inheriting[name]
                    changed = True

    def _class(self, node: ast.ClassDef, inheriting: dict[str, list[str]]) -> None:
        self.class_names.add(node.name)
        constructor: Signature | None = None
        defines_constructor = False
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                signature = _signature(item, method=True)
                if item.name == "__init__":
                    defines_constructor = True
                    constructor = signature
                elif signature:
                    self.methods.setdefault(item.name, []).append(signature)
                    self.methods.setdefault(f"{node.name}.{item.name}", []).append(signature)
        if not defines_constructor:
            constructor = _field_signature(node)
            defines_constructor = constructor is not None
        if constructor:
            self.classes[node.name] = constructor
        elif not defines_constructor:
            inheriting[node.name] = [b for b in map(_base_name, node.bases) if b]

    def of(self, call: ast.Call) -> list[Signature]:
        """The signatures ``call`` may be calling that take a code."""
        func = call.func
        if isinstance(func, ast.Name):
            found = list(self.functions.get(func.id, []))
            if func.id in self.classes:
                found.append(self.classes[func.id])
            return found
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name) and func.value.id in self.class_names:
                return self.methods.get(f"{func.value.id}.{func.attr}", [])
            return self.methods.get(func.attr, [])
        return []


def _dict_keys(node: ast.Dict, skip: str | None = None) -> frozenset[str] | None:
    """The constant keys of a dict literal; None when it unpacks another mapping."""
    keys = set()
    for key in node.keys:
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        if key.value != skip:
            keys.add(key.value)
    return frozenset(keys)


def _is_params(node: ast.expr) -> bool:
    return isinstance(node, ast.Dict) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict"
    )


def _call_params(call: ast.Call, signature: Signature) -> frozenset[str] | None:
    """The parameter names written out at ``call``; None when they are not all visible."""
    if any(keyword.arg is None for keyword in call.keywords):
        return None
    params: set[str] = set()
    written = False
    for value in (*call.args, *(keyword.value for keyword in call.keywords)):
        if isinstance(value, ast.Dict):
            keys = _dict_keys(value)
            if keys is None:
                return None
            params |= keys
            written = True
    if signature.varkw:
        params |= {k.arg for k in call.keywords if k.arg and k.arg not in signature.names}
        written = True
    return frozenset(params) if written else None


def _code_arguments(call: ast.Call, signature: Signature) -> Iterator[ast.expr]:
    for keyword in call.keywords:
        if keyword.arg in signature.keywords:
            yield keyword.value
    for index in sorted(signature.positions):
        before = call.args[: index + 1]
        if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in before):
            yield call.args[index]


def _elements(iterable: ast.expr) -> list[ast.expr]:
    if isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
        return list(iterable.elts)
    if isinstance(iterable, ast.Dict):
        return [key for key in iterable.keys if key is not None]
    return [iterable]


def _bound(target: ast.expr, value: ast.expr, name: str) -> Iterator[ast.expr]:
    if isinstance(target, ast.Name):
        if target.id == name:
            yield value
    elif isinstance(target, (ast.Tuple, ast.List)):
        split = isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts)
        for index, part in enumerate(target.elts):
            if split:
                assert isinstance(value, (ast.Tuple, ast.List))
                yield from _bound(part, value.elts[index], name)
            elif any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(part)):
                yield value  # cannot be split: reported unless it is a call or an attribute


class _Module:
    def __init__(self, path: str, tree: ast.Module, sinks: Sinks) -> None:
        self.path, self.tree, self.sinks = path, tree, sinks
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def emissions(self) -> Iterator[Emission]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                for signature in self.sinks.of(node):
                    params = _call_params(node, signature)
                    for argument in _code_arguments(node, signature):
                        yield from self._codes(argument, params, 0)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == CODE_KEY:
                        yield from self._codes(value, _dict_keys(node, skip=CODE_KEY), 0)
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
                first, second = node.elts
                if (
                    isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and _is_params(second)
                ):
                    keys = _dict_keys(second) if isinstance(second, ast.Dict) else None
                    yield from self._codes(first, keys, 0)

    def _where(self, node: ast.AST) -> str:
        return f"{self.path}:{getattr(node, 'lineno', '?')}"

    def _codes(
        self, expr: ast.expr, params: frozenset[str] | None, depth: int
    ) -> Iterator[Emission]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            yield Emission(self._where(expr), code=expr.value, params=params)
        elif isinstance(expr, ast.IfExp):
            yield from self._codes(expr.body, params, depth)
            yield from self._codes(expr.orelse, params, depth)
        elif isinstance(expr, ast.BoolOp):
            for value in expr.values:
                yield from self._codes(value, params, depth)
        elif isinstance(expr, ast.JoinedStr):
            yield Emission(self._where(expr), pattern=fstring_pattern(expr), params=params)
        elif isinstance(expr, ast.Name) and depth < _MAX_DEPTH:
            yield from self._name(expr, params, depth)
        elif isinstance(expr, (ast.Attribute, ast.Call)):
            return  # forwarded from another object or computed by a call: checked where written
        else:
            yield Emission(self._where(expr), unresolved=ast.unparse(expr))

    def _scopes(self, node: ast.AST) -> Iterator[Scope]:
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield current
            current = self.parents.get(current)
        yield self.tree

    def _name(
        self, expr: ast.Name, params: frozenset[str] | None, depth: int
    ) -> Iterator[Emission]:
        for scope in self._scopes(expr):
            if not isinstance(scope, ast.Module):
                a = scope.args
                declared = (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg)
                if expr.id in {arg.arg for arg in declared if arg is not None}:
                    return  # a parameter: the code is checked where the caller writes it
            values = list(self._bindings(scope, expr.id))
            if values:
                for value in values:
                    yield from self._codes(value, params, depth + 1)
                return
        yield Emission(self._where(expr), unresolved=expr.id)

    def _bindings(self, scope: Scope, name: str, loops: bool = True) -> Iterator[ast.expr]:
        nodes = ast.walk(scope) if not isinstance(scope, ast.Module) else iter(scope.body)
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    yield from _bound(target, node.value, name)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                yield from _bound(node.target, node.value, name)
            elif loops and isinstance(node, (ast.For, ast.comprehension)):
                for element in _elements(self._value_of(node.iter)):
                    yield from _bound(node.target, element, name)

    def _value_of(self, expr: ast.expr) -> ast.expr:
        """What a variable holds when it is bound once to a literal (a table of codes)."""
        for _ in range(_MAX_DEPTH):
            if not isinstance(expr, ast.Name):
                break
            scope = next(self._scopes(expr))
            values = [
                value
                for candidate in (scope, self.tree)
                for value in self._bindings(candidate, expr.id, loops=False)
            ]
            if len(values) != 1:
                break
            expr = values[0]
        return expr


def fstring_pattern(node: ast.JoinedStr) -> str:
    """A regular expression matching every text the f-string can produce."""
    return "".join(
        re.escape(str(part.value)) if isinstance(part, ast.Constant) else ".+"
        for part in node.values
    )


def parse(files: Iterable[Path], root: Path | None = None) -> dict[str, ast.Module]:
    """Each file's syntax tree by its path (relative to ``root`` when given)."""
    trees = {}
    for path in files:
        name = str(path.relative_to(root)) if root else str(path)
        trees[name] = ast.parse(path.read_text(encoding="utf-8"), name)
    return trees


def emissions(trees: dict[str, ast.Module], scanned: Iterable[str] | None = None) -> list[Emission]:
    """Every emission in the trees named by ``scanned`` (all when left out); the callables
    that take a code are learnt from every tree."""
    sinks = Sinks(trees.values())
    names = trees if scanned is None else scanned
    return [found for name in names for found in _Module(name, trees[name], sinks).emissions()]


def fstring_patterns(trees: Iterable[ast.Module]) -> list[str]:
    """The pattern of every f-string that starts with text (codes looked up by a computed
    name, such as ``messages.get(f"deferred_to_{stage}")``)."""
    return [
        fstring_pattern(node)
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        and node.values
        and isinstance(node.values[0], ast.Constant)
    ]
