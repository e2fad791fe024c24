"""RFC 8785 JSON Canonicalization Scheme (JCS) and a strict I-JSON parser.

Every signature and digest over JSON in the gateway goes through :func:`canonicalize`, so it
is written for speed with a proof of correctness:

* the **fast path** is orjson with sorted keys and 53-bit integers enforced. Its output is
  returned as is unless it contains a byte pattern where orjson and JCS can differ (see
  ``_orjson_output_is_jcs``): orjson escapes strings exactly as JCS does, prints ints identically, prints
  non-integral floats in [1e-5, 1e16) with the same shortest round-trip digits in plain
  decimal, and sorts keys by code point, which equals UTF-16 order unless a key holds a
  character in U+E000..U+FFFF. Everything else — integral floats, exponent forms, possible
  NaN written as ``null``, high-BMP keys, anything orjson refuses — goes through
  ``_prepare``, one walk that validates and rewrites integral floats as ints (``56.0`` →
  ``56``, as ES6 prints it) before orjson, or, when a float outside [1e-5, 1e16) or a
  high-BMP key remains, to the reference path;
* the **reference path** (:func:`canonicalize_reference`) is a direct transcription of the
  RFC (ES6 number serialisation, UTF-16 key order) and handles everything else.

``tests/signing/test_jcs.py`` checks both paths against the official JCS test data and, with
hypothesis, against the independent ``rfc8785`` implementation.

Integral doubles beyond ±(2^53−1) that ES6 would print as integer literals (2^53 … 1e21)
are refused like such integers, so every canonical form reads back through :func:`loads`.

Decimal is refused: a JSON number in JCS is an IEEE double, and a Decimal that is not exactly
a double would be silently rounded. Callers holding the canonical model emit their format's
JSON text first and canonicalise what :func:`loads` reads back, which is what a verifier on
the other side will do too.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from enum import Enum
from typing import Any

import orjson

from gateway.core.errors import DocumentTooLarge, MalformedDocument, NotIJson
from gateway.core.i18n import N_
from gateway.core.parsing import FORBIDDEN_TEXT, check_text, no_duplicate_keys, read_number

__all__ = ["canonicalize", "canonicalize_reference", "canonicalize_strings", "loads", "MAX_SAFE_INTEGER"]

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64  # for parsing untrusted text
CANONICAL_MAX_DEPTH = 254  # orjson's own nesting limit (3.10+), so both paths refuse alike
MAX_BYTES = 16 * 1024 * 1024

_FAST_FLOAT_MIN = 1e-5
_FAST_FLOAT_MAX = 1e16
# A key with a character in U+E000..U+FFFF sorts after a supplementary character by code
# point but before it by UTF-16 code unit; only such keys need the reference path.
_HIGH_BMP = re.compile("[\ue000-\uffff]")
# Passthrough makes orjson refuse datetimes, dataclasses and subclasses of str/int/dict/list
# instead of converting them; the walk then names the type. orjson still converts two
# non-JSON types natively — uuid.UUID (to its string) and Enum members (to their value) —
# and both other paths do the same, so every path agrees on every input.
_ORJSON_OPTS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_STRICT_INTEGER
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)
# orjson's output is JCS unless it contains one of the patterns below; each may also occur
# inside a string, which only costs the slower path. ``null`` may be a NaN/Infinity orjson
# wrote as null; ``.0`` before a delimiter is an integral float (ES6 writes 56, orjson
# 56.0); an exponent form before a delimiter may differ too (orjson 1e+16 and 9.9e-6, ES6
# 10000000000000000 and 0.0000099). orjson always writes the exponent's sign
# (``tests/signing/test_jcs.py`` holds it to that). Every test below costs a pass over the
# output, so each is the cheapest that decides: a single byte is a memchr ('+' is rare), a
# byte written as its int (``0x2B in out``: a bytes needle is first tried as an int, and the
# TypeError that attempt raises and clears costs five times the memchr), a compiled expression with a literal prefix scans faster than ``in`` with a longer needle
# (which CPython 3.11 searches with a bloom-filtered skip loop), and an ``in`` test before an
# expression only pays when the byte it looks for is rare ('e-' is in every hyphenated word
# and every UUID, so the expression scans alone).
_NULL = re.compile(rb"null")
_INTEGRAL_FLOAT = re.compile(rb"\.0[,\]}]")
_EXPONENT_PLUS = re.compile(rb"e\+\d+[,\]}]")
_EXPONENT_MINUS = re.compile(rb"e-\d+[,\]}]")
_DIGITS = b"0123456789"
# Key order differs only between a U+E000..U+FFFF character (UTF-8 lead byte EE/EF) and a
# supplementary one (lead byte F0..F4); without both in the output, no key pair can differ.
# UTF-8 of the noncharacters (U+FDD0..U+FDEF, U+nFFFE, U+nFFFF), which orjson writes and
# I-JSON forbids: output holding one goes through the walk, which refuses it. Without a
# supplementary lead byte only the BMP ones (EF B7 / EF BF) can occur.
_BMP_NONCHARACTER_UTF8 = re.compile(rb"\xef(?:\xb7[\x90-\xaf]|\xbf[\xbe\xbf])")
_NONCHARACTER_UTF8 = re.compile(rb"\xef\xb7[\x90-\xaf]|\xef\xbf[\xbe\xbf]|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]")
# Chinese text puts EF in the output with every fullwidth comma or bracket (U+FF0C, EF BC
# 8C), so the BMP test runs on most of our documents. The expression steps a byte at a time
# (about 5 instructions a byte, a whole pass); memchr jumps from one EF to the next, and the
# two bytes after each are looked at in Python. Past this many EFs the expression finishes.
_EF_LOOKS = 8


def _holds_bmp_noncharacter(out: bytes) -> bool:
    """Whether UTF-8 ``out`` holds U+FDD0..U+FDEF, U+FFFE or U+FFFF (EF B7 90..AF, EF BF BE/BF).
    Each EF of valid UTF-8 has two continuation bytes after it."""
    at = out.find(b"\xef")
    for _ in range(_EF_LOOKS):
        if at < 0:
            return False
        second = out[at + 1]
        if second == 0xB7 and 0x90 <= out[at + 2] <= 0xAF or second == 0xBF and out[at + 2] >= 0xBE:
            return True
        at = out.find(b"\xef", at + 3)
    return at >= 0 and _BMP_NONCHARACTER_UTF8.search(out, at) is not None


def _orjson_output_as_jcs(out: bytes) -> bytes | None:
    """orjson's output as JCS (its integral floats rewritten), or None when the walk must
    decide. ASCII output (one word-at-a-time test) holds no key-order difference and no
    noncharacter; without a supplementary character only a BMP noncharacter (UTF-8 EF B7 or
    EF BF …) can be present, and no key order can differ."""
    if _NULL.search(out) or _EXPONENT_MINUS.search(out) or 0x2B in out and _EXPONENT_PLUS.search(out):  # "+"
        return None
    if not out.isascii():
        if 0xF0 in out or 0xF1 in out or 0xF2 in out or 0xF3 in out or 0xF4 in out:
            if 0xEE in out or 0xEF in out or _NONCHARACTER_UTF8.search(out):
                return None
        elif _holds_bmp_noncharacter(out):
            return None
    candidate = _INTEGRAL_FLOAT.search(out)
    return out if candidate is None else _without_integral_floats(out, candidate.start())


def _without_integral_floats(out: bytes, first: int) -> bytes | None:
    """orjson's output with each integral float written as ES6 does (``56.0`` → ``56``,
    ``-0.0`` → ``0``), or None when that takes the walk: a backslash in the output (an escaped
    quote would make the quote count below wrong) or an integral float of 16 digits (beyond
    2^53−1 it is refused, which the walk does with its reason). ``first`` is where the first
    candidate was found, so the text before it is not scanned again.

    A candidate lies inside a string exactly when an odd number of quotes precede it, since
    without backslashes every quote opens or closes a string; the count runs once over the text."""
    if 0x5C in out:  # a backslash
        return None
    pieces, last, counted, quotes = [], 0, 0, 0
    for m in _INTEGRAL_FLOAT.finditer(out, first):
        point = m.start()
        quotes += out.count(b'"', counted, point)
        counted = point
        if quotes % 2:
            continue
        # The integer digits before ".0": 16 bytes back is enough to see one too many.
        before = out[max(0, point - 16):point]
        length = len(before) - len(before.rstrip(_DIGITS))
        if not length or length >= 16:
            return None
        start = point - length
        if start and out[start - 1] == 45:  # "-"
            start -= 1
        pieces += [out[last:start], b"0" if length == 1 and out[point - 1] == 48 else out[start:point]]
        last = point + 2
    pieces.append(out[last:])
    return b"".join(pieces)


class _NeedsReference(Exception):
    """Raised inside the fast path when orjson's output could differ from JCS."""


def canonicalize(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    Accepts dict (str keys), list/tuple, str, int, float, bool and None. Raises
    :class:`NotIJson` for integers beyond ±(2^53−1), NaN/Infinity, lone surrogates and any
    other type (Decimal included), :class:`DocumentTooLarge` beyond ``CANONICAL_MAX_DEPTH``.
    """
    if type(value) is not float:
        try:
            out = orjson.dumps(value, option=_ORJSON_OPTS)
        except orjson.JSONEncodeError:
            out = None  # the walk below names the reason
        if out is not None:
            fixed = _orjson_output_as_jcs(out)
            if fixed is not None:
                return fixed
    try:
        prepared = _prepare(value, 0)
    except _NeedsReference:
        return canonicalize_reference(value)
    try:
        return orjson.dumps(prepared, option=_ORJSON_OPTS)
    except orjson.JSONEncodeError as exc:
        if "Recursion" in str(exc):
            raise DocumentTooLarge(N_("JSON nested deeper than {canonical_max_depth}", canonical_max_depth=CANONICAL_MAX_DEPTH)) from None
        # The walk has checked types and ranges; what is left is a lone surrogate.
        raise NotIJson(N_("not I-JSON: {exc}", exc=exc)) from None


def canonicalize_strings(value: dict[str, Any]) -> bytes:
    """:func:`canonicalize` of an object, quicker when every member is a string (a proof
    configuration, hashed with every signature and verification). orjson's sorted output of
    such an object is JCS as it is once it is ASCII: no number or literal to rewrite, no key
    order (ASCII code point order is UTF-16 order) and no noncharacter in question, and orjson
    refuses lone surrogates; so no output check runs. Anything else goes to canonicalize."""
    for member in value.values():
        if type(member) is not str:
            return canonicalize(value)
    try:
        out = orjson.dumps(value, option=_ORJSON_OPTS)
    except orjson.JSONEncodeError:  # a key that is not a str, a lone surrogate
        return canonicalize(value)
    return out if out.isascii() else canonicalize(value)


def _prepare(value: Any, depth: int) -> Any:
    t = type(value)
    if t is str:
        check_text(value)
        return value
    if value is None or t is bool:
        return value
    if t is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
        raise NotIJson(N_("integer {value} is outside ±(2^53−1); JCS cannot tell it from its neighbours", value=value))
    if t is float:
        if value.is_integer():
            if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
                return int(value)
            _refuse_big_integral(value)
            raise _NeedsReference
        if _FAST_FLOAT_MIN <= abs(value) < _FAST_FLOAT_MAX:
            return value
        if not math.isfinite(value):
            raise NotIJson(N_("{value} is not a JSON number", value=value))
        raise _NeedsReference
    if depth >= CANONICAL_MAX_DEPTH:
        raise DocumentTooLarge(N_("JSON nested deeper than {canonical_max_depth}", canonical_max_depth=CANONICAL_MAX_DEPTH))
    if t is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise NotIJson(N_("object key {k!r} is not a string", k=k))
            check_text(k)
            if _HIGH_BMP.search(k):
                raise _NeedsReference
            out[k] = _prepare(v, depth + 1)
        return out
    if t is list or t is tuple:
        return [_prepare(v, depth + 1) for v in value]
    if isinstance(value, Enum):
        return _prepare(value.value, depth)
    if t is uuid.UUID:
        return str(value)
    raise NotIJson(N_("{name} is not a JSON value; pass JSON text through signing.jcs.loads", name=t.__name__))


def _refuse_big_integral(value: float) -> None:
    # ES6 prints integral doubles below 1e21 as integer literals; beyond 2^53-1 such a
    # literal no longer names one double unambiguously and our own parser refuses it, so
    # canonicalize refuses it too and every canonical form reads back.
    if abs(value) < 1e21:
        raise NotIJson(N_("number {value!r} would serialise as an integer beyond ±(2^53−1)", value=value))


# --- reference path: RFC 8785 as written -----------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile('[\\x00-\\x1f"\\\\]')
_SURROGATE = FORBIDDEN_TEXT


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return _ESCAPES.get(c) or f"\\u{ord(c):04x}"


def _string(s: str) -> str:
    if _SURROGATE.search(s):
        check_text(s)
    return '"' + _NEEDS_ESCAPE.sub(_escape, s) + '"'


def es6_number(x: float) -> str:
    """ECMAScript Number.prototype.toString for a finite double (RFC 8785 §3.2.2.3)."""
    if not math.isfinite(x):
        raise NotIJson(N_("{x} is not a JSON number", x=x))
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    mantissa, _, exp_text = repr(abs(x)).partition("e")
    exponent = int(exp_text) if exp_text else 0
    int_part, _, frac = mantissa.partition(".")
    if int_part == "0":
        stripped = frac.lstrip("0")
        n = exponent - (len(frac) - len(stripped))
        digits = stripped
    else:
        n = len(int_part) + exponent
        digits = (int_part + frac).lstrip("0")
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + ("e+" if e >= 0 else "e-") + str(abs(e))
    return sign + text


def _serialize(value: Any, out: list[str], depth: int) -> None:
    t = type(value)
    if value is None:
        out.append("null")
    elif t is bool:
        out.append("true" if value else "false")
    elif t is str:
        out.append(_string(value))
    elif t is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise NotIJson(N_("integer {value} is outside ±(2^53−1)", value=value))
        out.append(str(value))
    elif t is float:
        if value.is_integer() and abs(value) > MAX_SAFE_INTEGER:
            _refuse_big_integral(value)
        out.append(es6_number(value))
    elif depth >= CANONICAL_MAX_DEPTH:
        raise DocumentTooLarge(N_("JSON nested deeper than {canonical_max_depth}", canonical_max_depth=CANONICAL_MAX_DEPTH))
    elif t is dict:
        for k in value:
            if type(k) is not str:
                raise NotIJson(N_("object key {k!r} is not a string", k=k))
        out.append("{")
        for i, k in enumerate(sorted(value, key=lambda s: s.encode("utf-16-be", "surrogatepass"))):
            if i:
                out.append(",")
            out.append(_string(k))
            out.append(":")
            _serialize(value[k], out, depth + 1)
        out.append("}")
    elif t is list or t is tuple:
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(",")
            _serialize(v, out, depth + 1)
        out.append("]")
    elif isinstance(value, Enum):
        _serialize(value.value, out, depth)
    elif t is uuid.UUID:
        out.append(_string(str(value)))
    else:
        raise NotIJson(N_("{name} is not a JSON value; pass JSON text through signing.jcs.loads", name=t.__name__))


def canonicalize_reference(value: Any) -> bytes:
    """RFC 8785 written out plainly; slower, total over I-JSON. Same contract as canonicalize."""
    out: list[str] = []
    _serialize(value, out, 0)
    return "".join(out).encode("utf-8")


# --- strict parsing ----------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise NotIJson(N_("{name} is not a JSON number", name=name))


def _number(literal: str) -> int | float:
    # The project's one number rule (gateway.core.parsing.read_number) before the double.
    value = read_number(literal)
    return value if type(value) is int else float(value)


_DECODER = json.JSONDecoder(
    object_pairs_hook=no_duplicate_keys, parse_constant=_refuse_constant, parse_float=_number, parse_int=_number
)


def loads(data: bytes | str, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse JSON strictly: UTF-8 only, no duplicate keys, I-JSON numbers and strings.

    Numbers come back as int or float (I-JSON: every number is a double), each checked by
    the border's number rule first (:func:`gateway.core.parsing.read_number`), so the
    signer and the border refuse the same bytes. Raises :class:`MalformedDocument`,
    :class:`DuplicateKey`, :class:`NotIJson` (:class:`ForbiddenCharacter` among them),
    :class:`NumberOutOfRange` or :class:`DocumentTooLarge`.
    """
    if len(data) > max_bytes:
        raise DocumentTooLarge(N_("JSON larger than {max_bytes} bytes", max_bytes=max_bytes))
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedDocument(N_("JSON is not UTF-8: {exc}", exc=exc)) from None
    else:
        text = data
    if text.startswith("\ufeff"):
        raise MalformedDocument(N_("JSON must not start with a byte order mark"))
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise MalformedDocument(N_("not well-formed JSON: {exc}", exc=exc)) from None
    except RecursionError:
        raise DocumentTooLarge(N_("JSON nested too deeply")) from None
    _check(value, 0)
    return value


def _check(value: Any, depth: int) -> None:
    t = type(value)
    if t is str:
        check_text(value)
    elif t is dict or t is list:
        if depth >= MAX_DEPTH:
            raise DocumentTooLarge(N_("JSON nested deeper than {max_depth}", max_depth=MAX_DEPTH))
        if t is dict:
            for k, v in value.items():
                check_text(k)
                _check(v, depth + 1)
        else:
            for v in value:
                _check(v, depth + 1)
