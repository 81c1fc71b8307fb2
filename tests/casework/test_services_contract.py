"""Every public function of a `casework/<app>/services.py` module is a service: it runs in one
transaction (`@transaction.atomic`) and takes the person acting as a keyword-only `actor`.

The modules are found by walking the `casework` package, so a new app's services are covered without
editing this test. The decorator is read from the source (the module's syntax tree), not from the
function object: `transaction.atomic` leaves no reliable mark on what it wraps, and the source is what
the reviewer reads. Only a decorator written `@transaction.atomic` or `@atomic` counts, with or without
arguments.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import casework

# Genuine read helpers that still live in services modules: they write nothing, so they need neither a
# transaction nor an actor. Each says why it is here rather than in a selectors module. Nothing that
# writes belongs on this list.
READ_HELPERS = {
    # Permission predicates (who may do what), read by views to show or hide actions; the layering work
    # gathers role predicates into one policy module.
    "casework.accounts.services.can_administer_staff",
    "casework.contacts.services.can_record_contact",
    "casework.returns.services.can_use_returns",
    "casework.risk.services.can_rate",
    # Pure functions of their arguments (no database): the field-by-field diff kept in audit events.
    "casework.audit.services.diff",
}


def services_modules() -> Iterator[ModuleType]:
    for app in pkgutil.iter_modules(casework.__path__):
        if app.ispkg and (Path(casework.__path__[0]) / app.name / "services.py").exists():
            yield importlib.import_module(f"casework.{app.name}.services")


def public_functions(module: ModuleType) -> Iterator[tuple[str, ast.FunctionDef]]:
    """(dotted name, syntax node) of each public function the module itself defines."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield f"{module.__name__}.{node.name}", node


# `atomic_reads` (casework.core.replica) is transaction.atomic on the connection the reads go to: the
# replica inside a view that reads from it, the primary otherwise.
ATOMIC_DECORATORS = {"transaction.atomic", "atomic", "atomic_reads"}


def is_atomic(node: ast.FunctionDef) -> bool:
    """Decorated `@transaction.atomic` or `@atomic`, bare or called (`@transaction.atomic(...)`)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in ATOMIC_DECORATORS:
            return True
    return False


def takes_actor(node: ast.FunctionDef) -> bool:
    return "actor" in [a.arg for a in node.args.kwonlyargs]


def test_the_services_modules_are_found():
    names = {m.__name__ for m in services_modules()}
    assert {"casework.contacts.services", "casework.safeguarding.services", "casework.risk.services"} <= names
    assert len(names) >= 10


def test_every_public_service_is_atomic_and_takes_a_keyword_only_actor():
    problems = []
    seen = set()
    for module in services_modules():
        for name, node in public_functions(module):
            seen.add(name)
            if name in READ_HELPERS:
                continue
            if not is_atomic(node):
                problems.append(f"{name} is not decorated with @transaction.atomic")
            if not takes_actor(node):
                problems.append(f"{name} does not take a keyword-only actor")
    assert not problems, "\n".join(problems)
    assert READ_HELPERS <= seen, f"allowed helpers that no longer exist: {sorted(READ_HELPERS - seen)}"


def test_the_checks_tell_a_service_from_one_that_is_not():
    tree = ast.parse(
        "@transaction.atomic\ndef good(*, actor, child): ...\n"
        "def bare(*, actor): ...\n"
        "@transaction.atomic\ndef positional(actor, child): ...\n"
        "@other.atomic_ish\ndef lookalike(*, actor): ...\n"
        "@transaction.atomic(savepoint=False)\ndef called(*, actor): ...\n"
    )
    nodes = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert is_atomic(nodes["good"])
    assert takes_actor(nodes["good"])
    assert not is_atomic(nodes["bare"])
    assert not takes_actor(nodes["positional"])
    assert not is_atomic(nodes["lookalike"])
    assert is_atomic(nodes["called"])
