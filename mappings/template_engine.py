"""Typed templates: a YAML structure whose string leaves are Jinja2 templates, rendered only in the sandbox.

A string that is exactly one ``{{ expression }}`` yields the expression's own value (a number stays a number,
a list stays a list); any other string containing template markup renders to a string. Directives:

- ``{$value: <node>, $type: integer|number|string|boolean|array|object, $nullable: bool}`` coerces strictly;
- ``{$each: <expression>, $as: name, $index: name, $item: <node>, $key: <template>}`` repeats $item per element
  (an array, or an object when $key is given);
- ``$when: <expression>`` on any object leaves that object (or directive) out when the expression is false.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

import jsonerrors

from .filters import FILTERS
from .render_limits import MAX_OUTPUT_CHARS, LimitedSandbox, TemplateLimitExceeded, limit_filter

SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expression>(?:(?!\}\}|\{\{).)*)\}\}\s*$", re.DOTALL)
TEMPLATE_MARKUP = ("{{", "{%", "{#")
DIRECTIVES = {"$value", "$type", "$nullable", "$each", "$as", "$index", "$item", "$key", "$when"}


class TemplateFailure(Exception):
    """A template could not be compiled or rendered; pointer says where, message what was expected.

    `source` is the pointer of the template in the mapping file when known (its line is reported).
    """

    def __init__(self, message: str, pointer: str, source: str | None = None):
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        self.source = source


class _Omit:
    """Marker for a node left out by $when."""


OMIT = _Omit()


def make_environment(max_output_chars: int = MAX_OUTPUT_CHARS) -> ImmutableSandboxedEnvironment:
    """The only environment templates run in: sandboxed, immutable, strict about undefined names, size-limited."""
    environment = LimitedSandbox(undefined=StrictUndefined, autoescape=False, max_output_chars=max_output_chars)
    environment.filters.update(FILTERS)
    environment.filters = {
        name: limit_filter(function, max_output_chars) for name, function in environment.filters.items()
    }
    return environment


def _describe_failure(error: Exception) -> str:
    if isinstance(error, TemplateLimitExceeded):
        return f"template limit: {error}"
    if isinstance(error, RecursionError):
        return "template limit: nested too deeply"
    if isinstance(error, SecurityError):
        return f"blocked by the template sandbox ({error}); templates may only read the document"
    if isinstance(error, TemplateError) and type(error).__name__ == "UndefinedError":
        return f"undefined value: {error}; expected the document to provide it (or use | default(...))"
    if isinstance(error, TemplateError):
        return f"template error: {error}"
    return f"{error}" if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"


def _strip_braces(source: str) -> str:
    match = SINGLE_EXPRESSION.match(source)
    return match.group("expression") if match else source


Renderer = Callable[[dict[str, Any], list], Any]


class TemplateCompiler:
    """Compiles a YAML structure once into renderers; rendering is then a pure function of the variables."""

    def __init__(self, environment: ImmutableSandboxedEnvironment | None = None):
        self.environment = environment or make_environment()

    def compile(self, node: Any, path: list | None = None) -> Renderer:
        """Compile a node; raises TemplateFailure with the pointer into the source structure."""
        path = path or []
        if isinstance(node, str):
            return self._compile_string(node, path)
        if isinstance(node, dict):
            return self._compile_object(node, path)
        if isinstance(node, list):
            items = [self.compile(item, path + [index]) for index, item in enumerate(node)]
            return lambda variables, out: _render_list(items, variables, out)
        return lambda variables, out: node

    def _expression(self, source: Any, path: list) -> Callable[[dict[str, Any]], Any]:
        if not isinstance(source, str):
            raise TemplateFailure("expected an expression string", jsonerrors.pointer(path))
        try:
            compiled = self.environment.compile_expression(_strip_braces(source), undefined_to_none=False)
        except (TemplateError, TemplateLimitExceeded, RecursionError) as error:
            raise TemplateFailure(
                _describe_failure(error), jsonerrors.pointer(path), jsonerrors.pointer(path)
            ) from error

        def evaluate(variables: dict[str, Any]) -> Any:
            value = compiled(**variables)
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()  # raises the undefined/security error it carries
            return value

        return evaluate

    def _compile_string(self, source: str, path: list) -> Renderer:
        if not any(marker in source for marker in TEMPLATE_MARKUP):
            return lambda variables, out: source
        where = jsonerrors.pointer(path)
        if SINGLE_EXPRESSION.match(source):
            evaluate = self._expression(source, path)
            return lambda variables, out: _guarded(lambda: evaluate(variables), out, where)
        try:
            template = self.environment.from_string(source)
        except (TemplateError, TemplateLimitExceeded, RecursionError) as error:
            raise TemplateFailure(_describe_failure(error), where, where) from error
        limit = getattr(self.environment, "max_output_chars", MAX_OUTPUT_CHARS)
        return lambda variables, out: _guarded(lambda: _render_limited(template, variables, limit), out, where)

    def _compile_object(self, node: dict, path: list) -> Renderer:
        unknown = [key for key in node if isinstance(key, str) and key.startswith("$") and key not in DIRECTIVES]
        if unknown:
            raise TemplateFailure(
                f"unknown directive {unknown[0]!r}; expected one of {', '.join(sorted(DIRECTIVES))}",
                jsonerrors.pointer(path + [unknown[0]]),
            )
        when = self._expression(node["$when"], path + ["$when"]) if "$when" in node else None
        if "$each" in node:
            body = self._compile_each(node, path)
        elif "$value" in node:
            body = self._compile_typed(node, path)
        else:
            stray = [key for key in node if key in DIRECTIVES and key != "$when"]
            if stray:
                raise TemplateFailure(
                    f"{stray[0]} needs $value or $each beside it", jsonerrors.pointer(path + [stray[0]])
                )
            fields = {key: self.compile(value, path + [key]) for key, value in node.items() if key != "$when"}
            body = lambda variables, out: _render_object(fields, variables, out)  # noqa: E731
        if when is None:
            return body

        def conditional(variables: dict[str, Any], out: list) -> Any:
            return body(variables, out) if _guarded(lambda: when(variables), out) else OMIT

        return conditional

    def _compile_typed(self, node: dict, path: list) -> Renderer:
        value = self.compile(node["$value"], path + ["$value"])
        wanted = node.get("$type")
        if wanted is not None and wanted not in COERCIONS:
            raise TemplateFailure(
                f"unknown $type {wanted!r}; expected one of {', '.join(COERCIONS)}",
                jsonerrors.pointer(path + ["$type"]),
            )
        nullable = bool(node.get("$nullable", False))

        def render(variables: dict[str, Any], out: list) -> Any:
            result = value(variables, out)
            if wanted is None or (result is None and nullable):
                return result
            try:
                return COERCIONS[wanted](result)
            except (TypeError, ValueError) as error:
                raise TemplateFailure(
                    f"expected {wanted}{' or null' if nullable else ''}, got {result!r}"
                    f" ({type(result).__name__}): {error}",
                    jsonerrors.pointer(out),
                ) from error

        return render

    def _compile_each(self, node: dict, path: list) -> Renderer:
        if "$item" not in node:
            raise TemplateFailure("$each needs $item (what to render per element)", jsonerrors.pointer(path))
        items = self._expression(node["$each"], path + ["$each"])
        name = node.get("$as", "item")
        index_name = node.get("$index")
        item = self.compile(node["$item"], path + ["$item"])
        key = self._compile_string(str(node["$key"]), path + ["$key"]) if "$key" in node else None

        def render(variables: dict[str, Any], out: list) -> Any:
            sequence = _guarded(lambda: items(variables), out)
            if isinstance(sequence, dict):
                sequence = [[item_key, item_value] for item_key, item_value in sequence.items()]
            if not isinstance(sequence, (list, tuple)):
                raise TemplateFailure(
                    f"$each expected a list or object, got {sequence!r} ({type(sequence).__name__})",
                    jsonerrors.pointer(out),
                )
            rendered_list: list[Any] = []
            rendered_object: dict[str, Any] = {}
            for position, element in enumerate(sequence):
                scope = {**variables, name: element}
                if index_name:
                    scope[index_name] = position
                if key is None:
                    value = item(scope, out + [len(rendered_list)])
                    if value is not OMIT:
                        rendered_list.append(value)
                else:
                    item_key = str(key(scope, out))
                    value = item(scope, out + [item_key])
                    if value is not OMIT:
                        rendered_object[item_key] = value
            return rendered_list if key is None else rendered_object

        return render


def _render_limited(template, variables: dict[str, Any], limit: int) -> str:
    """Render chunk by chunk, stopping as soon as the output passes `limit` characters."""
    chunks, size = [], 0
    for chunk in template.generate(variables):
        size += len(chunk)
        if size > limit:
            raise TemplateLimitExceeded(f"the output passed the limit of {limit:,} characters")
        chunks.append(chunk)
    return "".join(chunks)


def _guarded(action: Callable[[], Any], out: list, source: str | None = None) -> Any:
    try:
        return action()
    except TemplateFailure:
        raise
    except (
        TemplateError,
        SecurityError,
        ValueError,
        TypeError,
        ArithmeticError,
        LookupError,
        TemplateLimitExceeded,
        RecursionError,
    ) as error:
        raise TemplateFailure(_describe_failure(error), jsonerrors.pointer(out), source) from error


def _render_object(fields: dict[str, Renderer], variables: dict[str, Any], out: list) -> dict:
    rendered = {}
    for key, field in fields.items():
        value = field(variables, out + [key])
        if value is not OMIT:
            rendered[key] = value
    return rendered


def _render_list(items: list[Renderer], variables: dict[str, Any], out: list) -> list:
    rendered: list[Any] = []
    for item in items:
        value = item(variables, out + [len(rendered)])
        if value is not OMIT:
            rendered.append(value)
    return rendered


def _to_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)
    raise ValueError("not a whole number")


def _to_number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return float(value)
    raise ValueError("not a number")


def _to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("expected true or false")


def _to_string(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        raise ValueError("not a scalar")
    return str(value)


def _to_array(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValueError("not an array")


def _to_object(value: Any) -> dict:
    if isinstance(value, dict):
        return dict(value)
    raise ValueError("not an object")


COERCIONS: dict[str, Callable[[Any], Any]] = {
    "integer": _to_integer,
    "number": _to_number,
    "string": _to_string,
    "boolean": _to_boolean,
    "array": _to_array,
    "object": _to_object,
}


def json_copy(value: Any) -> Any:
    """A copy of a rendered value that shares no dict or list with the variables, checked in the same pass as
    `check_json_value` checks; TemplateFailure (with the pointer) where it is not plain JSON."""
    try:
        return _json_copy(value)
    except _NotJson as failure:
        raise TemplateFailure(failure.message, jsonerrors.pointer(failure.path[::-1])) from None


class _NotJson(Exception):
    def __init__(self, message: str):
        self.message = message
        self.path: list[str | int] = []  # the path is collected on the way out, innermost first


def _json_copy(value: Any) -> Any:
    if isinstance(value, dict):
        copied = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotJson(f"expected string object keys, got {key!r}")
            try:
                copied[key] = _json_copy(item)
            except _NotJson as failure:
                failure.path.append(key)
                raise
        return copied
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_json_copy(item))
            except _NotJson as failure:
                failure.path.append(index)
                raise
        return items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise _NotJson(
        f"expected a JSON value, got {type(value).__name__} {value!r}; format it with a filter (e.g. | string)"
    )


def check_json_value(value: Any, path: list | None = None) -> None:
    """Raise TemplateFailure where a rendered value is not plain JSON (e.g. a date object left unformatted)."""
    path = path or []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TemplateFailure(f"expected string object keys, got {key!r}", jsonerrors.pointer(path))
            check_json_value(item, path + [key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json_value(item, path + [index])
    elif not (value is None or isinstance(value, (str, int, float, bool))):
        raise TemplateFailure(
            f"expected a JSON value, got {type(value).__name__} {value!r}; format it with a filter (e.g. | string)",
            jsonerrors.pointer(path),
        )
