"""JSON Schema's own messages, marked for the catalogue.

The validator (``jsonschema``) words every schema violation in English. :func:`marked` keeps
that English text exactly and, where it has one of the shapes below, makes it a
:class:`~gateway.core.i18n.Message` whose parts are the validator's (the value and the rule as
it printed them), so that the CLI shows it in the operator's language. A message of another
shape (a keyword listed nowhere here, another jsonschema release's wording) stays as it is.
"""

from __future__ import annotations

import re

from .i18n import N_, Message

# The validator's wording (jsonschema 4), one pattern per keyword, and the same words as a
# template: a violation's English is the template filled with the pattern's groups.
_SHAPES = tuple((re.compile(pattern, re.S), template) for pattern, template in (
    (r"(?P<name>.+) is a required property", N_("{name} is a required property")),
    (r"(?P<value>.+) is not of type (?P<types>.+)", N_("{value} is not of type {types}")),
    (r"(?P<value>.+) does not match (?P<pattern>.+)", N_("{value} does not match {pattern}")),
    (r"(?P<value>.+) is less than or equal to the minimum of (?P<limit>.+)",
     N_("{value} is less than or equal to the minimum of {limit}")),
    (r"(?P<value>.+) is greater than or equal to the maximum of (?P<limit>.+)",
     N_("{value} is greater than or equal to the maximum of {limit}")),
    (r"(?P<value>.+) is less than the minimum of (?P<limit>.+)", N_("{value} is less than the minimum of {limit}")),
    (r"(?P<value>.+) is greater than the maximum of (?P<limit>.+)",
     N_("{value} is greater than the maximum of {limit}")),
    (r"(?P<value>.+) is not one of (?P<choices>.+)", N_("{value} is not one of {choices}")),
    (r"(?P<value>.+) was expected", N_("{value} was expected")),
    (r"(?P<value>.+) is not a (?P<format>'[^']*')", N_("{value} is not a {format}")),
    (r"(?P<value>.+) is too short", N_("{value} is too short")),
    (r"(?P<value>.+) is too long", N_("{value} is too long")),
    (r"(?P<value>.+) should be non-empty", N_("{value} should be non-empty")),
    (r"(?P<value>.+) has non-unique elements", N_("{value} has non-unique elements")),
    (r"Additional properties are not allowed \((?P<names>.+) was unexpected\)",
     N_("Additional properties are not allowed ({names} was unexpected)")),
    (r"Additional properties are not allowed \((?P<names>.+) were unexpected\)",
     N_("Additional properties are not allowed ({names} were unexpected)")),
    (r"(?P<value>.+) is not valid under any of the given schemas",
     N_("{value} is not valid under any of the given schemas")),
))


def marked(message: str) -> str:
    """``message`` (a validator's) as a :class:`Message` when its shape is known, else as it is."""
    for pattern, template in _SHAPES:
        match = pattern.fullmatch(message)
        if match:
            text = Message(template.template, match.groupdict())
            if text == message:
                return text
    return message
