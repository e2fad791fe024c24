"""The one XML parser configuration used for anything that is hashed or signed.

It is :func:`gateway.core.parsing.load_xml` (no DTDs, no entities, no network, size and depth
limits) with comments and processing instructions kept, so that canonicalisation sees
exactly what was signed.
"""

from __future__ import annotations

from lxml import etree

from gateway.core.errors import MalformedDocument
from gateway.core.i18n import N_
from gateway.core.parsing import load_xml

__all__ = ["parse_xml"]


def parse_xml(data: bytes) -> etree._ElementTree:
    """Parse ``data`` with the project's hardened parser, keeping processing instructions."""
    if not isinstance(data, (bytes, bytearray)):
        raise MalformedDocument(N_("XML must be given as bytes"))
    return etree.ElementTree(load_xml(bytes(data), keep_processing_instructions=True))
