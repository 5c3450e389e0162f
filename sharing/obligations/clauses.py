"""Clause parameters (declared with defaults and bounds) and sandboxed rendering of clause text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
PARAMETER_TYPES = ("int",)
MAX_CLAUSE = 5000


class ClauseEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, minus the one operator that can make a single expression run for ever."""

    intercepted_binops = frozenset({"**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            raise SecurityError("The power operator is not allowed in clauses.")
        return super().call_binop(context, operator, left, right)


_TEXT = ClauseEnvironment(autoescape=False, undefined=StrictUndefined)
_HTML = ClauseEnvironment(autoescape=True, undefined=StrictUndefined)
# A clause needs its parameters and nothing else: no range(), cycler, lipsum, namespace...
for _env in (_TEXT, _HTML):
    _env.globals.clear()
# Clause texts are few and reused by every agreement, so each is compiled once per process.
_text_template = functools.lru_cache(maxsize=1024)(_TEXT.from_string)
_html_template = functools.lru_cache(maxsize=1024)(_HTML.from_string)


def _get(obligation: Any, name: str) -> Any:
    """Obligations arrive as ORM rows or as entries of the data file."""
    if isinstance(obligation, Mapping):
        return obligation.get(name)
    return getattr(obligation, name)


def _as_list(obligations: Any) -> list[Any]:
    if isinstance(obligations, Mapping) or hasattr(obligations, "clause_template"):
        return [obligations]
    return list(obligations)


def declared(obligations: Any) -> dict[str, dict[str, Any]]:
    """Every parameter the obligations declare, by name (the first declaration wins)."""
    found: dict[str, dict[str, Any]] = {}
    for obligation in _as_list(obligations):
        for spec in _get(obligation, "parameters") or []:
            found.setdefault(spec["name"], spec)
    return found


def default_parameters(obligations: Iterable[Any] | Any) -> dict[str, Any]:
    return {name: spec["default"] for name, spec in declared(obligations).items()}


def check_value(spec: Mapping[str, Any], raw: Any) -> tuple[int | None, str | None]:
    """The value as its declared type within bounds, or the reason it is refused."""
    unit = f" {spec['unit']}" if spec.get("unit") else ""
    try:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except (TypeError, ValueError):
        return None, "Enter a whole number."
    if value < spec["min"] or value > spec["max"]:
        return None, f"Must be between {spec['min']} and {spec['max']}{unit}."
    return value, None


def check_parameters(obligations: Any, values: Mapping[str, Any]) -> tuple[dict, dict]:
    """(clean values, {name: reason}) for the declared parameters; missing ones take defaults.

    Names the obligations do not declare are left out of the clean values.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, spec in declared(obligations).items():
        raw = values.get(name)
        if raw is None or raw == "":
            clean[name] = spec["default"]
            continue
        value, reason = check_value(spec, raw)
        if reason:
            errors[name] = reason
        else:
            clean[name] = value
    return clean, errors


def check_parameter_specs(specs: Any) -> list[str]:
    """Problems with a list of parameter declarations (names, type, bounds, default)."""
    if not isinstance(specs, list):
        return ["Parameters must be a list."]
    problems: list[str] = []
    seen: set[str] = set()
    for spec in specs:
        if not isinstance(spec, dict):
            problems.append("Each parameter must be an object.")
            continue
        name = spec.get("name", "")
        if not isinstance(name, str) or not PARAMETER_NAME.match(name):
            problems.append(f"Parameter name {name!r} must be lower_snake_case.")
            continue
        if name in seen:
            problems.append(f"Parameter {name} is declared twice.")
        seen.add(name)
        if spec.get("type", "int") not in PARAMETER_TYPES:
            problems.append(f"Parameter {name} has an unknown type.")
        if not spec.get("label"):
            problems.append(f"Parameter {name} needs a label.")
        bounds = [spec.get(key) for key in ("min", "default", "max")]
        if not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
            problems.append(f"Parameter {name} needs whole-number min, default and max.")
        elif not bounds[0] <= bounds[1] <= bounds[2]:
            problems.append(f"Parameter {name}: the default must lie between min and max.")
    return problems


def check_clause(template: str, parameter_names: Iterable[str]) -> str | None:
    """Why the clause text cannot be used (syntax, undeclared names), or None."""
    if len(template) > MAX_CLAUSE:
        return f"Keep the clause under {MAX_CLAUSE} characters."
    try:
        parsed = _TEXT.parse(template)
    except TemplateError as error:
        return f"The clause does not parse: {error.message}."
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(parameter_names))
    if unknown:
        return f"The clause uses undeclared parameters: {', '.join(unknown)}."
    return None


def render_clause(obligation: Any, params: Mapping[str, Any]) -> str:
    """The clause as plain text; a missing parameter raises instead of leaving a blank."""
    return _text_template(_get(obligation, "clause_template")).render(dict(params))


def render_clause_html(obligation: Any, params: Mapping[str, Any]) -> Markup:
    """The clause for an HTML preview, with every value escaped."""
    # Safe: the environment autoescapes, so the output is already escaped HTML.
    return Markup(  # noqa: S704
        _html_template(_get(obligation, "clause_template")).render(dict(params))
    )


def check_obligation_text(entry: Mapping[str, Any]) -> dict[str, str]:
    """{field: reason} for an obligation's parameters and clause, checked together."""
    errors: dict[str, str] = {}
    problems = check_parameter_specs(entry.get("parameters"))
    if problems:
        errors["parameters"] = " ".join(problems)
        return errors
    names = [spec["name"] for spec in entry["parameters"]]
    reason = check_clause(entry.get("clause_template") or "", names)
    if reason is None:
        try:
            render_clause(entry, default_parameters([entry]))
        except TemplateError as error:
            reason = f"The clause does not render: {error.message}."
        except (ArithmeticError, TypeError, ValueError) as error:
            reason = f"The clause does not render: {error}."
    if reason:
        errors["clause_template"] = reason
    return errors
