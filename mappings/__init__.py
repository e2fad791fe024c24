"""Format families (codec + mapping + schema + code lists as data), registered by id."""

from mappings.base import Format, JsonFormat, TranslateOptions, XmlFormat
from mappings.registry import FORMATS, available, detect_format, get_format

__all__ = [
    "FORMATS", "Format", "JsonFormat", "TranslateOptions", "XmlFormat", "available", "detect_format", "get_format",
]
