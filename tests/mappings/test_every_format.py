"""What holds for every registered format, run once over the registry so a new format is
covered without copying tests: hostile XML refused, shipped XSDs current, install hints for
formats that cannot be imported, and the one mapping surface."""

from __future__ import annotations

import inspect

import pytest
from lxml import etree

from gateway.core.errors import DocumentTooLarge, FormatUnavailable, HostileDocument, UnknownFormat
from gateway.translate import read
from mappings import FORMATS, Registration, XmlFormat, available, detect_format, get_format, registry, unavailable
from mappings.base import FamilyMapping, Format
from mappings.xmlcodec import XmlRendering

XML_FORMATS = [fid for fid in available() if isinstance(get_format(fid), XmlFormat)]
RENDERINGS = [fid for fid in XML_FORMATS if isinstance(get_format(fid), XmlRendering)]


def _hostile(fmt: XmlFormat) -> dict[str, str]:
    root, ns = fmt.root, fmt.namespace
    return {
        "xxe": f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><{root} xmlns="{ns}">&x;</{root}>',
        "billion-laughs": f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                          f'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><{root} xmlns="{ns}">&c;</{root}>',
        "external-dtd": f'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd"><{root} xmlns="{ns}"/>',
    }


def test_the_registry_has_xml_formats() -> None:
    assert XML_FORMATS and RENDERINGS


@pytest.mark.parametrize("attack", ["xxe", "billion-laughs", "external-dtd"])
@pytest.mark.parametrize("format_id", XML_FORMATS)
def test_hostile_xml_is_refused(format_id: str, attack: str) -> None:
    with pytest.raises(HostileDocument):
        read(_hostile(get_format(format_id))[attack].encode(), format_id)


@pytest.mark.parametrize("format_id", XML_FORMATS)
def test_huge_attribute_is_refused(format_id: str) -> None:
    fmt = get_format(format_id)
    with pytest.raises(DocumentTooLarge):
        read(f'<{fmt.root} xmlns="{fmt.namespace}" a="{"x" * 1_000_000}"/>'.encode(), format_id)


@pytest.mark.parametrize("format_id", RENDERINGS)
def test_shipped_xsd_is_generated_from_the_json_schema(format_id: str) -> None:
    fmt = get_format(format_id)
    assert fmt.xsd_is_current(), "regenerate with: python -m mappings.xmlcodec"
    assert fmt.xml_schema is not None
    assert etree.parse(str(fmt.xsd_path())).getroot().get("targetNamespace") == fmt.namespace


@pytest.mark.parametrize("format_id", available())
def test_every_format_has_one_mapping_surface(format_id: str) -> None:
    """The family mapping has exactly the signatures of FamilyMapping, and the format's two
    mapping steps are the base class's (an XML rendering delegates to its JSON twin's)."""
    fmt = get_format(format_id)
    mapping = fmt.json_format.mapping if isinstance(fmt, XmlRendering) else fmt.mapping
    for step in ("to_canonical", "from_canonical"):
        want = list(inspect.signature(getattr(FamilyMapping, step)).parameters)[1:]
        assert list(inspect.signature(getattr(mapping, step)).parameters) == want, f"{format_id} {step}"
    if not isinstance(fmt, XmlRendering):
        assert type(fmt).to_canonical is Format.to_canonical
        assert type(fmt).from_canonical is Format.from_canonical


@pytest.fixture
def missing_dependency(monkeypatch: pytest.MonkeyPatch):
    """A format registered next to the real ones whose optional dependency is absent."""
    registry._load.cache_clear()
    monkeypatch.setitem(FORMATS, "test-needs-extra", Registration("tests.mappings.needs_absent_module:FORMAT", extra="test-extra"))
    yield "test-needs-extra"
    registry._load.cache_clear()


def test_a_format_whose_dependency_is_missing_fails_with_an_install_hint(missing_dependency: str) -> None:
    assert missing_dependency not in available()
    assert "pip install 'jjj-footprint-gateway[test-extra]'" in unavailable()[missing_dependency]
    assert "a_module_that_is_not_installed" in unavailable()[missing_dependency]
    with pytest.raises(FormatUnavailable) as exc:
        get_format(missing_dependency)
    assert exc.value.reason == "FORMAT_UNAVAILABLE"
    assert "pip install 'jjj-footprint-gateway[test-extra]'" in exc.value.message
    with pytest.raises(UnknownFormat) as undetected:
        detect_format(b"{}")
    assert missing_dependency in undetected.value.message


def test_an_unregistered_id_is_unknown_not_unavailable() -> None:
    with pytest.raises(UnknownFormat) as exc:
        get_format("no-such-format")
    assert type(exc.value) is UnknownFormat
