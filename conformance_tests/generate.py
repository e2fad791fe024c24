"""Regenerate the suite's generated parts (committed output): run after changing gateway/examples/,
the keys, or a ``made`` spec in a case file.

    python -m conformance_tests.generate

1. copies gateway/examples/ into ``documents/examples/`` (so the suite is self-contained);
2. writes the translation group from the examples (see translation_cases.py);
3. re-signs the suite's trust list at its sequence number (see trust_lists.py);
4. makes every input file that a case describes: ``made`` documents and attestations,
   policy documents and supplied trust lists (see materialise.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gateway import examples
from gateway.core.parsing import dump_json

from .materialise import Materialiser
from .suite import GROUPS, OPTIONAL, SUITES
from .translation_cases import translation_files
from .keyring import SuiteKeys
from .trust_lists import resign_suite_list

EXAMPLES = examples.folder()


def generate(version: str = "v1", root: Path | None = None) -> dict[str, int]:
    """Write the generated parts into the suite (or into ``root``, a copy of it); {file: cases}."""
    root = root or SUITES / version
    copies = root / "documents" / "examples"
    copies.mkdir(parents=True, exist_ok=True)
    for path in sorted(EXAMPLES.glob("*.json")) + sorted(EXAMPLES.glob("*.xml")):
        shutil.copyfile(path, copies / path.name)
    folder = root / "translation"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.rmtree(root / "documents" / "translation", ignore_errors=True)
    counts = {}
    for name, cases in translation_files(EXAMPLES, root).items():
        (folder / name).write_bytes(dump_json(cases))
        counts[f"translation/{name}"] = len(cases)
    resign_suite_list(SuiteKeys(root / "keys"))
    made = Materialiser(root)
    for group in (*GROUPS, OPTIONAL):
        for path in sorted((root / group).glob("*.json")):
            if group == "translation" or path.name.endswith("schema.json"):
                continue
            cases = json.loads(path.read_bytes())
            for case in cases:
                made.case(case)
            counts[f"{group}/{path.name}"] = len(cases)
    return counts


if __name__ == "__main__":
    for name, count in generate().items():
        print(f"{count:4d}  {name}")
