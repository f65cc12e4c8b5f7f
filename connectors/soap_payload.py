"""Checking a plain-dict SOAP payload against the operation's XSD types and shaping it for zeep."""

from __future__ import annotations

from typing import Any

from zeep.xsd import AnySimpleType, ComplexType, Element
from zeep.xsd.types.builtins import Boolean

import jsonerrors

_BOOLEAN_LEXICAL = ("true", "false", "1", "0")


class PayloadMismatch(ValueError):
    """The payload does not fit the operation's types; `.problems` lists (pointer, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{pointer or '/'}: {message}" for pointer, message in problems))


def operation_arguments(body_element: Element, body: dict, base_path: tuple = ("body",)) -> dict:
    """Keyword arguments for the operation whose input body is `body_element`, checked and shaped.

    Unknown fields and values that are not of the XSD type are collected (all of them) into PayloadMismatch.
    A plain list given where the XSD wants an array wrapper (a complex type whose only child repeats, as
    spyne's Array and many .NET services generate) is wrapped in that child.
    """
    problems: list[tuple[str, str]] = []
    shaped = _complex_value(body_element.type, body, list(base_path), problems)
    if problems:
        raise PayloadMismatch(problems)
    return shaped


def _child_elements(complex_type: ComplexType) -> dict[str, Element]:
    return {name: element for name, element in complex_type.elements if isinstance(element, Element)}


def _attribute_names(complex_type: ComplexType) -> set[str]:
    return {name for name, _attribute in complex_type.attributes}


def _complex_value(complex_type: ComplexType, value: Any, path: list, problems: list) -> Any:
    if not isinstance(value, dict):
        problems.append(
            (jsonerrors.pointer(path), f"expected an object for {_type_name(complex_type)}, got {type(value).__name__}")
        )
        return value
    children = _child_elements(complex_type)
    allowed = set(children) | _attribute_names(complex_type)
    shaped = {}
    for name, item in value.items():
        if name.startswith("_value_"):
            shaped[name] = item  # zeep's names for simple content and xsd:any
        elif name not in allowed:
            expected = ", ".join(sorted(allowed)) or "no fields"
            problems.append(
                (
                    jsonerrors.pointer(path + [name]),
                    f"field {name!r} does not exist in {_type_name(complex_type)}; expected: {expected}",
                )
            )
        elif name in children:
            shaped[name] = _element_value(children[name], item, path + [name], problems)
        else:
            shaped[name] = item
    return shaped


def _element_value(element: Element, value: Any, path: list, problems: list) -> Any:
    if value is None:
        return None
    if element.accepts_multiple:
        items = value if isinstance(value, list) else [value]
        return [_type_value(element.type, item, path + [index], problems) for index, item in enumerate(items)]
    if isinstance(value, list):
        wrapper = _array_wrapper_child(element.type)
        if wrapper is None:
            problems.append((jsonerrors.pointer(path), f"a list is not allowed here ({_type_name(element.type)})"))
            return value
        name, child = wrapper
        return {name: [_type_value(child.type, item, path + [index], problems) for index, item in enumerate(value)]}
    return _type_value(element.type, value, path, problems)


def _array_wrapper_child(xsd_type) -> tuple[str, Element] | None:
    """The repeating child of an array-wrapper complex type, or None when the type is not one."""
    if not isinstance(xsd_type, ComplexType) or xsd_type.attributes:
        return None
    children = list(_child_elements(xsd_type).items())
    if len(children) == 1 and children[0][1].accepts_multiple:
        return children[0]
    return None


def _type_value(xsd_type, value: Any, path: list, problems: list) -> Any:
    if value is None:
        return None
    if isinstance(xsd_type, ComplexType):
        if not xsd_type.elements and not xsd_type.attributes:
            return value  # complex type without declared content (e.g. anyType-like): zeep takes it as is
        return _complex_value(xsd_type, value, path, problems)
    if isinstance(xsd_type, AnySimpleType) and type(xsd_type) is not AnySimpleType:
        return _simple_value(xsd_type, value, path, problems)
    return value  # xsd:anyType / anySimpleType accept anything zeep can render


def _simple_value(xsd_type, value: Any, path: list, problems: list) -> Any:
    if isinstance(value, (dict, list)):
        problems.append(
            (jsonerrors.pointer(path), f"expected a single {_type_name(xsd_type)} value, got {type(value).__name__}")
        )
        return value
    if isinstance(xsd_type, Boolean):
        if isinstance(value, bool) or str(value).lower() in _BOOLEAN_LEXICAL:
            return value
        problems.append((jsonerrors.pointer(path), f"{value!r} is not a valid boolean"))
        return value
    try:
        # What zeep would write, read back as the XSD type: catches 'abc' for a float, True for an int.
        xsd_type.pythonvalue(xsd_type.xmlvalue(value))
    except Exception as exception:  # noqa: BLE001 - each XSD type raises its own kind of parse error
        problems.append(
            (jsonerrors.pointer(path), f"{value!r} is not a valid {_type_name(xsd_type)} ({type(exception).__name__})")
        )
    return value


def _type_name(xsd_type) -> str:
    qname = getattr(xsd_type, "qname", None)
    if qname is not None:
        return qname.localname
    return getattr(xsd_type, "name", None) or type(xsd_type).__name__
