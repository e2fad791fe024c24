"""JSON Schema's own messages, marked for the catalogue.

The validator (``jsonschema``) words every schema violation in English. :func:`marked` keeps
that English text exactly and, where it has one of the shapes below, makes it a
:class:`~gateway.core.i18n.Message` whose parts are the validator's (the value and the rule as
it printed them), so that the CLI shows it in the operator's language. A message of another
shape (a keyword listed nowhere here, another jsonschema release's wording) stays as it is.
"""

from __future__ import annotations

import re
from string import Formatter

from .i18n import N_, Message

# The validator's wording (jsonschema 4), one template per message shape; the pattern that
# recognises a shape is made from its template, each placeholder a group of that name.
_TEMPLATES = (
    N_("{name} is a required property"),
    N_("{value} is not of type {types}"),
    N_("{value} does not match {pattern}"),
    N_("{value} is less than or equal to the minimum of {limit}"),
    N_("{value} is greater than or equal to the maximum of {limit}"),
    N_("{value} is less than the minimum of {limit}"),
    N_("{value} is greater than the maximum of {limit}"),
    N_("{value} is not one of {choices}"),
    N_("{value} was expected"),
    N_("{value} is not a {format}"),
    N_("{value} is too short"),
    N_("{value} is too long"),
    N_("{value} should be non-empty"),
    N_("{value} has non-unique elements"),
    N_("Additional properties are not allowed ({names} was unexpected)"),
    N_("Additional properties are not allowed ({names} were unexpected)"),
    N_("{value} is not valid under any of the given schemas"),
)


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("".join(re.escape(text) + (f"(?P<{name}>.+)" if name else "")
                              for text, name, _, _ in Formatter().parse(template)), re.S)


_SHAPES = tuple((_pattern(template), template) for template in _TEMPLATES)


def marked(message: str) -> str:
    """``message`` (a validator's) as a :class:`Message` when its shape is known, else as it is."""
    for pattern, template in _SHAPES:
        match = pattern.fullmatch(message)
        if match:
            text = Message(template.template, match.groupdict())
            if text == message:
                return text
    return message
