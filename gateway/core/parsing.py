"""Hardened parsers for untrusted bytes: size and depth limits, no entities, no DTDs, no network.

Every format's ``parse`` goes through here, so a hostile input is refused the same way
whichever format it claims to be. Two rules hold for every document, JSON or XML, strict or
lenient, read for translation or for signing (``signing.jcs.loads`` applies them too):

* **Text**: no lone surrogate and no Unicode noncharacter (U+FDD0..U+FDEF, U+nFFFE,
  U+nFFFF) in any value, key, element text or attribute (:func:`check_text`), refused as
  ``FORBIDDEN_CHARACTER`` with the path.
* **Numbers** (:func:`read_number`), checked on the literal before any arithmetic, never
  expanded: at most ``MAX_SIGNIFICANT_DIGITS`` (34, decimal128) significant digits and a
  decimal exponent (of the leading digit) within ±``MAX_DECIMAL_EXPONENT`` (400, which holds
  every IEEE double), else ``NUMBER_OUT_OF_RANGE``. Then the I-JSON rule exactly as the
  signer applies it (RFC 7493; ``NOT_I_JSON``): an integer beyond ±(2^53−1), a number that
  overflows a double, or one whose double is an integer beyond ±(2^53−1) below 1e21 (which
  RFC 8785 would print as an ambiguous integer literal). Decimals carried as strings, as
  PACT writes them, are text, not numbers: the mapping that reads them applies the digit and
  exponent bounds through :func:`read_number` with ``ijson=False``.
"""

from __future__ import annotations

import json
import re
import threading
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
import orjson
from lxml import etree

from gateway.core.encoding import as_utf8
from gateway.core.errors import (
    DocumentTooLarge,
    DuplicateKey,
    ForbiddenCharacter,
    GatewayError,
    HostileDocument,
    MalformedDocument,
    NotIJson,
    NumberOutOfRange,
)
from gateway.core.i18n import N_

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_SIGNIFICANT_DIGITS = 34
MAX_DECIMAL_EXPONENT = 400
MAX_SAFE_INTEGER = 2**53 - 1
# No literal longer than this can meet the bounds (sign, "0.", 399 zeros, 34 digits, and
# room for an exponent written with leading zeros): refused before Decimal sees it.
MAX_NUMBER_CHARS = 512
_IJSON_INTEGRAL_LIMIT = 1e21
_XINCLUDE = "{http://www.w3.org/2001/XInclude}"
FORBIDDEN_TEXT = _FORBIDDEN = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)


def pointer(parent: str, token: str | int) -> str:
    """JSON Pointer (RFC 6901) of a member or item; a forbidden character is written as an
    escape so the path itself can always be printed."""
    text = str(token).replace("~", "~0").replace("/", "~1")
    text = _FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return f"{parent.rstrip('/')}/{text}"


def check_text(value: str, path: str = "/") -> None:
    """Refuse a lone surrogate or a noncharacter, naming where it is and which it is."""
    if value.isascii():  # O(1) in CPython; no forbidden character is ASCII
        return
    found = _FORBIDDEN.search(value)
    if found is None:
        return
    code = ord(found.group())
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a noncharacter"
    raise ForbiddenCharacter(
        N_("text holds {kind} U+{code:04X} at character {value}", kind=kind, code=code, value=found.start()), path=path, character=f"U+{code:04X}"
    )


def read_number(literal: str, path: str = "/", *, ijson: bool = True) -> int | Decimal:
    """The number rule (module doc) on a number's text: ``int`` for an integer literal,
    ``Decimal`` otherwise, or a refusal naming the path. ``ijson=False`` skips the I-JSON
    part, for decimals carried as strings."""
    if len(literal) > MAX_NUMBER_CHARS:
        raise NumberOutOfRange(
            N_("number of {count} characters is outside the bounds "
            "({max_significant_digits} significant digits, exponent within ±{max_decimal_exponent})", count=len(literal), max_significant_digits=MAX_SIGNIFICANT_DIGITS, max_decimal_exponent=MAX_DECIMAL_EXPONENT),
            path=path, limit=MAX_NUMBER_CHARS,
        )
    try:
        value = Decimal(literal)
    except InvalidOperation:
        raise MalformedDocument(N_("{value!r} is not a number", value=literal[:40]), path=path) from None
    if not value.is_finite():
        raise MalformedDocument(N_("{value!r} is not a finite number", value=literal[:40]), path=path)
    # A literal this short holds no more digits than the bound: only the exponent needs a look.
    if len(literal) > MAX_SIGNIFICANT_DIGITS or not -MAX_DECIMAL_EXPONENT <= value.adjusted() <= MAX_DECIMAL_EXPONENT:
        check_decimal_bounds(value, path)
    integer = literal.lstrip("+-").isdigit()
    if ijson:
        check_ijson_number(value, integer, path)
    return int(value) if integer else value


def check_decimal_bounds(value: Decimal, path: str = "/") -> None:
    """The digit and exponent bounds alone, for a value already a finite ``Decimal``."""
    # Trailing zeros of the coefficient are not significant: the plain notation of the data form
    # (1.7976931348623157E308 written out) must stay within the bounds the literal met.
    digits = len("".join(map(str, value.as_tuple().digits)).rstrip("0")) or 1
    if digits > MAX_SIGNIFICANT_DIGITS:
        raise NumberOutOfRange(
            N_("number has {digits} significant digits; at most {max_significant_digits} are accepted", digits=digits, max_significant_digits=MAX_SIGNIFICANT_DIGITS),
            path=path, limit=MAX_SIGNIFICANT_DIGITS,
        )
    if not -MAX_DECIMAL_EXPONENT <= value.adjusted() <= MAX_DECIMAL_EXPONENT:
        raise NumberOutOfRange(
            N_("number has decimal exponent {value}; it must be within ±{max_decimal_exponent}", value=value.adjusted(), max_decimal_exponent=MAX_DECIMAL_EXPONENT),
            path=path, limit=MAX_DECIMAL_EXPONENT,
        )


def check_ijson_number(value: Decimal, integer: bool, path: str = "/") -> None:
    """I-JSON (RFC 7493) as the signer reads a number (``signing.jcs``): an integer
    literal within ±(2^53−1); any other number a finite double that RFC 8785 does not print
    as an integer literal beyond ±(2^53−1)."""
    if integer:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise NotIJson(N_("integer {value} is outside ±(2^53−1)", value=value), path=path)
        return
    double = float(value)
    if double in (float("inf"), float("-inf")):
        raise NotIJson(N_("number overflows a double"), path=path)
    if double.is_integer() and MAX_SAFE_INTEGER < abs(double) < _IJSON_INTEGRAL_LIMIT:
        raise NotIJson(N_("number {value} is an integral double beyond ±(2^53−1)", value=value), path=path)


class _Refused:
    """A number the parser hook could not accept; the tree walk raises it with its path."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


# Whether the document being read on this thread holds a refused number: the walk that gives
# it its path runs only then.
_reading = threading.local()


def _json_number(literal: str) -> Any:
    try:
        return read_number(literal)
    except (NumberOutOfRange, NotIJson, MalformedDocument) as exc:
        _reading.refused = True
        return _Refused(exc)


def _json_int(literal: str) -> Any:
    # At most 15 digits after a sign: within ±(2^53−1), so every bound holds (JSON has no
    # leading zeros or other spellings for int() to read differently from Decimal).
    return int(literal) if len(literal) < 16 else _json_number(literal)


def _json_float(literal: str) -> Any:
    # No exponent, at most 34 characters and at most 15 before the point: within the digit and
    # exponent bounds, and a non-integral double below 1e15 (every I-JSON test passes).
    if len(literal) <= MAX_SIGNIFICANT_DIGITS and literal.find(".") < 16 and "e" not in literal and "E" not in literal:
        return Decimal(literal)
    return _json_number(literal)


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` refusing an object that names a member twice (parsers disagree on it)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(N_("duplicate object key {key!r}", key=key), key=key)
            seen.add(key)
    return out


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise DocumentTooLarge(
            N_("document is {count} bytes; the limit is {max_bytes}", count=len(data), max_bytes=max_bytes), limit=max_bytes, size=len(data)
        )


def _reject_constant(name: str) -> Any:
    raise MalformedDocument(N_("{name} is not a JSON number", name=name))


# One decoder for every call (building one costs more than the numbers of a small document).
_DECODER = json.JSONDecoder(
    parse_float=_json_float, parse_int=_json_int, parse_constant=_reject_constant, object_pairs_hook=no_duplicate_keys
)
# How a forbidden character can be written in UTF-8 JSON text: U+FDD0..U+FDEF begin with the
# bytes EF B7, every U+nFFFE and U+nFFFF ends with BF BE or BF BF, and an escape is that of a
# surrogate (paired or not: the pair may spell an astral noncharacter), U+FDD0..U+FDEF or
# U+FFFE/U+FFFF. A text holding none of these holds no forbidden string; one holding any is walked.
# Each pattern begins with a literal byte, which the regex engine finds far faster than a
# character class or a two-byte ``in``.
_NONCHARACTER_UTF8 = re.compile(rb"\xef\xb7")
_NONCHARACTER_END_UTF8 = re.compile(rb"\xbf[\xbe\xbf]")
_FORBIDDEN_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F]|[fF][dD][dDeE]|[fF][fF][fF][eEfF])")


def load_json(data: bytes | str, *, max_bytes: int = MAX_DOCUMENT_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Strict JSON: UTF-8 (or UTF-16/32 with a BOM, RFC 8259 §8.1), no duplicate keys, no NaN/Infinity, numbers with a fraction or
    exponent as ``Decimal`` (never float), bounded size and nesting, and the text and
    number rules of the module doc (each refusal with its JSON Pointer).

    The numbers are checked on their text as they are parsed; the text rule and the depth are
    decided from the bytes when they can be (no forbidden character can be in them, fewer
    brackets than the depth limit), and the tree is walked (:func:`check_tree`) only when not."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    _check_size(data, max_bytes)
    raw = as_utf8(data)
    fast = _fast_json(raw, max_depth)
    if fast is not _DOUBT:
        return fast
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedDocument(N_("not UTF-8 at byte {start}", start=exc.start)) from None
    _reading.refused = False
    try:
        # json.loads refuses a byte order mark left in the text before it parses (the decoder
        # itself does not): its own words for it.
        value = json.loads(text) if text.startswith("\ufeff") else _DECODER.decode(text)
    except RecursionError:
        raise DocumentTooLarge(N_("JSON nesting deeper than {max_depth}", max_depth=max_depth), limit=max_depth) from None
    except json.JSONDecodeError as exc:
        raise MalformedDocument(
            N_("malformed JSON: {msg} at line {lineno} column {colno}", msg=exc.msg, lineno=exc.lineno, colno=exc.colno),
            line=exc.lineno, column=exc.colno,
        ) from None
    if (
        _reading.refused
        or _may_hold_forbidden(raw)
        or (raw.count(b"{") + raw.count(b"[") > max_depth and _deeper_than(value, max_depth))
    ):
        check_tree(value, max_depth)
    return value


# The fast reading (:func:`_fast_json`): msgspec's C decoder with the same number hook, and its
# encoder to count what the tree holds. It stands aside (``_DOUBT``) for anything it cannot prove
# the standard reading would return unchanged; that reading then decides, with its own errors.
_FAST_DECODER = msgspec.json.Decoder(float_hook=_json_float)
_FAST_ENCODER = msgspec.json.Encoder()
_DOUBT = object()
# The compact encoding with every digit as "0" and "[" as "{": one copy to count containers in
# and to find runs of digits in.
_SHAPE = bytes.maketrans(b"0123456789[", b"0000000000{")
# 16 digits in a row: the shortest integer literal that may exceed ±(2^53−1).
_LONG_RUN = b"0" * 16
_BEFORE_A_NUMBER = frozenset(b":[,")


def _fast_json(raw: bytes, max_depth: int) -> Any:
    """The tree :func:`load_json`'s standard reading would return, or ``_DOUBT``.

    msgspec keeps the last of two members of the same name where the standard reading refuses
    them, and reads integers of any size; the rest it refuses as strictly, UTF-8 included
    (anything it refuses is left to the standard reading, for its words). So the tree is proved
    to have lost no member: each member has one colon outside strings, so the text holds
    (members + colons in strings) colons and the tree's compact encoding (members kept + colons
    in kept strings), and a lost member would make the text's count exceed the encoding's. Only
    an escaped colon (``\\u003a``) could make up for one, and a text with one is left to the
    standard reading. An integer beyond ±(2^53−1) is written in the encoding as 16 or more
    digits after ``:``, ``[`` or ``,`` (with a minus sign between), which no run of digits
    within a string is taken for unless a string spells one out; either way it is left to the
    standard reading. The encoding holds a bracket for every container: no more of them than
    the depth limit, and no container is deeper."""
    if _may_hold_forbidden(raw) or (b"\\" in raw and b"\\u003" in raw):
        return _DOUBT
    _reading.refused = False
    try:
        value = _FAST_DECODER.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return _DOUBT
    if _reading.refused:
        return _DOUBT  # a number out of bounds: the standard reading gives it its path
    encoded = _FAST_ENCODER.encode(value)
    if encoded.count(b":") != raw.count(b":"):
        return _DOUBT
    shape = encoded.translate(_SHAPE)
    if _may_hold_long_integer(encoded, shape) or (shape.count(b"{") > max_depth and _deeper_than(value, max_depth)):
        return _DOUBT
    return value


def _may_hold_long_integer(encoded: bytes, shape: bytes) -> bool:
    """Whether a run of 16 digits or more in the compact encoding ``encoded`` (``shape`` its
    translation by ``_SHAPE``) may be an integer."""
    start = shape.find(_LONG_RUN)
    while start != -1:
        # ``start`` begins a run: the search starts where no digit is, or after a non-digit.
        before = start - 1
        if before >= 0 and encoded[before] == 0x2D:  # "-"
            before -= 1
        if before < 0 or encoded[before] in _BEFORE_A_NUMBER:
            return True
        end = start + len(_LONG_RUN)
        while end < len(shape) and shape[end] == 0x30:
            end += 1
        start = shape.find(_LONG_RUN, end)
    return False


def _may_hold_forbidden(raw: bytes) -> bool:
    return (
        _NONCHARACTER_UTF8.search(raw) is not None
        or _NONCHARACTER_END_UTF8.search(raw) is not None
        or (b"\\" in raw and _FORBIDDEN_ESCAPE.search(raw) is not None)
    )


def _deeper_than(value: Any, max_depth: int) -> bool:
    """Whether a container of the tree lies deeper than ``max_depth`` (the root is at 1)."""
    kind = type(value)
    stack = [(value, 1)] if kind is dict or kind is list else []
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return True
        for child in node.values() if type(node) is dict else node:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
    return False


def check_tree(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Depth, text and number rules over a parsed JSON tree, in one linear walk. Each node
    carries a link to its parent (``(parent link, token)``); the JSON Pointer is spelled out
    only for the node refused, since building one per node was most of a document's cost."""
    stack: list[tuple[Any, int, tuple | None]] = [(value, 1, None)]
    forbidden = _FORBIDDEN.search
    while stack:
        item, depth, link = stack.pop()
        kind = type(item)
        if kind is str:
            if not item.isascii() and forbidden(item) is not None:
                check_text(item, _spell(link))
        elif kind is dict:
            if depth > max_depth:
                raise DocumentTooLarge(N_("JSON nesting deeper than {max_depth}", max_depth=max_depth), limit=max_depth, path=_spell(link))
            for k, v in item.items():
                if not k.isascii() and forbidden(k) is not None:
                    check_text(k, _spell((link, k)))
                stack.append((v, depth + 1, (link, k)))
        elif kind is list:
            if depth > max_depth:
                raise DocumentTooLarge(N_("JSON nesting deeper than {max_depth}", max_depth=max_depth), limit=max_depth, path=_spell(link))
            stack.extend((v, depth + 1, (link, i)) for i, v in enumerate(item))
        elif kind is _Refused:
            exc = item.error
            raise type(exc)(exc.message, path=_spell(link), **exc.metadata) from None


def _spell(link: tuple | None) -> str:
    """The JSON Pointer of a node from its parent links (``/`` for the root)."""
    tokens: list[str | int] = []
    while link is not None:
        link, token = link
        tokens.append(token)
    path = ""
    for token in reversed(tokens):
        path = pointer(path, token)
    return path or "/"


def _xml_parser(keep_processing_instructions: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=not keep_processing_instructions,
    )


def load_xml(
    data: bytes,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
    keep_processing_instructions: bool = False,
) -> etree._Element:
    """Parse XML with entities, DTDs and network access off; a document that declares a
    DOCTYPE at all is refused, since nothing we read needs one and every entity attack does.
    Signature code keeps processing instructions so canonicalisation sees what was signed."""
    if isinstance(data, str):
        raise MalformedDocument(N_("XML must be passed as bytes"))
    _check_size(data, max_bytes)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise HostileDocument(N_("XML with a DOCTYPE or entity declaration is refused"), path="/")
    try:
        root = etree.fromstring(data, parser=_xml_parser(keep_processing_instructions))
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in exc.msg:  # libxml2's own nesting limit, below ours unless huge_tree
            raise DocumentTooLarge(N_("XML nesting too deep: {msg}", msg=exc.msg), limit=max_depth, line=exc.lineno) from None
        raise MalformedDocument(N_("malformed XML: {msg}", msg=exc.msg), line=exc.lineno) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise HostileDocument(N_("XML with a DOCTYPE is refused"), path="/")
    for entity in root.iter(etree.Entity):
        raise HostileDocument(N_("entity reference &{name}; is refused", name=entity.name), path="/")
    depth = 0
    for event, node in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        if depth > max_depth:
            raise DocumentTooLarge(N_("XML nesting deeper than {max_depth}", max_depth=max_depth), limit=max_depth)
        if isinstance(node.tag, str) and node.tag.startswith(_XINCLUDE):
            # Nothing here runs XInclude, but a document asking for it is probing for a parser that does.
            raise HostileDocument(N_("XInclude is refused"), path=xml_path(node))
        _check_xml_text(node)
    if root.tail:
        check_text(root.tail, "/")
    return root


def xml_path(node: etree._Element) -> str:
    """``/child/leaf`` by local names below the root element, the form the XML formats'
    violations use (the root is ``/``)."""
    names = [etree.QName(n).localname for n in (*reversed(list(node.iterancestors())), node) if isinstance(n.tag, str)]
    return "/" + "/".join(names[1:])


def _check_xml_text(node: etree._Element) -> None:
    texts = [node.text, node.tail, *node.attrib.keys(), *node.attrib.values()]
    if not any(t and _FORBIDDEN.search(t) for t in texts):
        return
    path = xml_path(node)
    for t in texts:
        if t:
            check_text(t, path)


def _decimal_fragment(value: Any) -> orjson.Fragment:
    if isinstance(value, Decimal):
        # The common case in one look (it runs per Decimal of every output): below 1e15 in
        # magnitude every I-JSON test passes (an integer within ±(2^53−1), else a finite
        # non-integral double), and a text without an exponent is the plain notation itself
        # (exponent <= 0: the digits "f" writes). Anything else takes the full tests below.
        text = str(value)  # an exponent is "e" under a context with capitals=0
        if "E" not in text and "e" not in text and value.is_finite() and value.adjusted() < 15:
            return orjson.Fragment(text)
        if not value.is_finite():
            raise TypeError(f"{value} cannot be written as a JSON number")
        integral = value == value.to_integral_value()
        check_ijson_number(value, integral and abs(value) <= MAX_SAFE_INTEGER)
        # An integral value beyond ±(2^53−1) keeps its exponent form, which reads back as a
        # double; written out in full it would be an integer literal the signer refuses.
        return orjson.Fragment(format(value, "E" if integral and abs(value) > MAX_SAFE_INTEGER else "f"))
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dump_json(value: Any, *, indent: int | None = 2) -> bytes:
    """UTF-8 JSON in which every ``Decimal`` is written as a JSON number with its own digits
    (an orjson raw fragment), never passing through float. ``indent=None`` is compact; the
    indented form is 2 spaces with a final newline. What it writes obeys the rules
    :func:`load_json` reads by: a number or text that breaks them is refused (``NOT_I_JSON``,
    ``FORBIDDEN_CHARACTER``), never written for a reader to trip over."""
    option = orjson.OPT_STRICT_INTEGER | (orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE if indent is not None else 0)
    try:
        return orjson.dumps(value, default=_decimal_fragment, option=option)
    except orjson.JSONEncodeError as exc:
        message = str(exc)
        if isinstance(exc.__cause__, GatewayError):
            raise exc.__cause__ from None
        if "53-bit" in message:
            raise NotIJson(N_("cannot write JSON: {message}; integers must be within ±(2^53−1)", message=message)) from None
        if "surrogates" in message:
            raise ForbiddenCharacter(N_("cannot write JSON: {message}", message=message)) from None
        raise ValueError(message) from None
