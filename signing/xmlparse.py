"""The one XML parser configuration used for anything that is hashed or signed.

No DTDs, no entity expansion, no network, no huge trees; a document that declares a DTD at
all is refused (XXE and billion-laughs attacks start there). Comments and processing
instructions are kept so that canonicalisation sees exactly what was signed.
"""

from __future__ import annotations

from lxml import etree

from gateway.errors import DocumentTooLarge, HostileDocument, MalformedDocument

__all__ = ["parse_xml", "MAX_XML_BYTES"]

MAX_XML_BYTES = 16 * 1024 * 1024


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
    )


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._ElementTree:
    """Parse ``data`` with the hardened parser; refuse DTDs and entity declarations."""
    if not isinstance(data, (bytes, bytearray)):
        raise MalformedDocument("XML must be given as bytes")
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"XML larger than {max_bytes} bytes")
    try:
        tree = etree.ElementTree(etree.fromstring(bytes(data), _parser()))
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(f"not well-formed XML: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        raise HostileDocument("XML with a DTD or entity declarations is refused")
    for node in tree.iter(etree.Entity):
        raise HostileDocument(f"XML entity reference &{node.name}; is refused")
    return tree
