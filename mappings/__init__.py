"""Format families (codec + mapping + schema + code lists as data), registered by id."""

from mappings.base import FamilyMapping, Format, JsonFormat, TranslateOptions, XmlFormat
from mappings.registry import FORMATS, Registration, available, detect_format, get_format, registered, unavailable

__all__ = [
    "FORMATS", "FamilyMapping", "Format", "JsonFormat", "Registration", "TranslateOptions", "XmlFormat", "available",
    "detect_format", "get_format", "registered", "unavailable",
]
