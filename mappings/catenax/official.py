"""Validation against the official generated schemas, as the reference validator reads them.

The SAMM-generated schemas are draft-04, where ``format`` (e.g. ``uri`` on companyIds) is an
annotation a validator may ignore: python-jsonschema ignores it unless asked, and documents
partners send are taken as the schema's own rules accept them (lenient at the border). Our
writers still emit URIs there.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs


def validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.validator_for(schema, validate_formats=False)
