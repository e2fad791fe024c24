"""The validator's own English is recognised by shape: each violation below comes back as the
same text, now a Message whose template the catalogue translates."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from gateway.core.i18n import Message
from gateway.core.schema_text import marked

_CASES = [
    ({"type": "object", "required": ["id"]}, {}, "{name} is a required property"),
    ({"type": "string"}, 5, "{value} is not of type {types}"),
    ({"pattern": "^a+$"}, "b", "{value} does not match {pattern}"),
    ({"exclusiveMinimum": 0}, 0, "{value} is less than or equal to the minimum of {limit}"),
    ({"maximum": 3}, 4, "{value} is greater than the maximum of {limit}"),
    ({"enum": ["kg", "t"]}, "g", "{value} is not one of {choices}"),
    ({"const": "x"}, "y", "{value} was expected"),
    ({"format": "date"}, "tomorrow", "{value} is not a {format}"),
    ({"minItems": 2}, [1], "{value} is too short"),
    ({"uniqueItems": True}, [1, 1], "{value} has non-unique elements"),
    ({"additionalProperties": False}, {"a": 1}, "Additional properties are not allowed ({names} was unexpected)"),
    ({"additionalProperties": False}, {"a": 1, "b": 2}, "Additional properties are not allowed ({names} were unexpected)"),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, 1.5, "{value} is not valid under any of the given schemas"),
]


@pytest.mark.parametrize(("schema", "instance", "template"), _CASES)
def test_a_violation_of_a_known_shape_is_marked(schema, instance, template) -> None:
    (error,) = Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(instance)
    text = marked(error.message)
    assert isinstance(text, Message)
    assert (text, text.template) == (error.message, template)


def test_a_message_of_another_shape_stays_as_it_is() -> None:
    text = marked("something the validator never said")
    assert not isinstance(text, Message) and text == "something the validator never said"
