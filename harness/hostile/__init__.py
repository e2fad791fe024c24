"""The hostile corpus as data (``cases.json`` beside this file), materialised into documents.

Each case names its document, how it is made hostile and what the gateway must answer:
``reason`` (and ``path`` when the refusal names one) or ``translates`` for input that must be
translated rather than crash. :func:`cases` builds the bytes; :mod:`harness.hostile` (``python -m``) sends
them through the CLI, gRPC and the PACT REST API.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gateway import examples
from gateway.translate import translate

CASES_FILE = Path(__file__).with_name("cases.json")
_REPEAT = re.compile(r"@repeat:(.+?):(\d+)")
_SLOT = "\u0000hostile-slot-{}\u0000"
# What gateway.core.parsing.load_json refuses with (a document nested in an event meets them too).
JSON_READER_REASONS = frozenset({"FORBIDDEN_CHARACTER", "NUMBER_OUT_OF_RANGE", "NOT_I_JSON", "DUPLICATE_KEY",
                                 "MALFORMED_DOCUMENT", "DOCUMENT_TOO_LARGE"})


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    format_id: str
    content: bytes
    reason: str | None  # None: the document must be translated
    path: str | None
    past_json_border: bool = False

    @property
    def refused_by_json_reader(self) -> bool:
        """Refused while the JSON is read, before any format looks at it."""
        return self.syntax == "json" and self.reason in JSON_READER_REASONS and not self.past_json_border

    @property
    def syntax(self) -> str:
        return "xml" if self.format_id.endswith("-xml") else "json"


def _expand(text: str) -> str:
    return _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), text)


@cache
def _base(example: str, as_format: str | None) -> tuple[str, bytes]:
    data = examples.example(example).read_bytes()
    native = "cn-jjj-xml" if example.endswith(".xml") else "cn-jjj-json"
    if as_format is None or as_format == native:
        return native, data
    return as_format, translate(data, as_format, source=native).output


def _set(content: bytes, edits: dict[str, str]) -> bytes:
    tree = json.loads(content)
    for i, pointer in enumerate(edits):
        *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
        node: Any = tree
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        key: Any = int(last) if isinstance(node, list) else last
        if isinstance(node, list) or key in node:
            node[key] = _SLOT.format(i)
        else:
            raise KeyError(f"{pointer} is not in the document")
    text = json.dumps(tree, ensure_ascii=False, indent=2)
    for i, raw in enumerate(edits.values()):
        text = text.replace(json.dumps(_SLOT.format(i)), _expand(raw))
    return text.encode("utf-8")


def _replace(content: bytes, edits: list[list[str]]) -> bytes:
    for old, new in edits:
        if old.encode() not in content:
            raise KeyError(f"{old!r} is not in the document")
        content = content.replace(old.encode(), _expand(new).encode("utf-8", "surrogatepass"), 1)
    return content


def _case(raw: dict[str, Any]) -> Case:
    doc = raw["document"]
    if "example" in doc:
        format_id, content = _base(doc["example"], doc.get("as"))
    elif "hex" in doc:
        format_id, content = raw["format_id"], bytes.fromhex(doc["hex"])
    else:
        format_id, content = raw["format_id"], _expand(doc["text"]).encode("utf-8")
    if "set" in raw:
        content = _set(content, raw["set"])
    if "replace" in raw:
        content = _replace(content, raw["replace"])
    expected = raw["expected"]
    return Case(raw["id"], raw["source"], raw.get("format_id", format_id), content, expected.get("reason"),
                expected.get("path"), expected.get("past_json_border", False))


def cases() -> list[Case]:
    """Every case of the corpus, its document built."""
    return [_case(raw) for raw in json.loads(CASES_FILE.read_text("utf-8"))["cases"]]
