"""``fpgw formats`` as a table a person reads: every column starts in the same terminal cell."""

from __future__ import annotations

from click.testing import CliRunner

from gateway.cli import main
from gateway.cli.translate import display_width
from mappings import available, get_format


def test_display_width_counts_chinese_as_two_cells() -> None:
    assert display_width("ab") == 2 and display_width("京津冀") == 6


def test_formats_columns_line_up() -> None:
    result = CliRunner().invoke(main, ["formats"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "MEDIA", "TYPE"]
    rows = {fid: get_format(fid).describe() for fid in available()}
    starts = set()
    for line in lines[1:]:
        r = rows.get(line.split()[0])
        if r is None:
            continue
        cells = []
        at = 0
        for value in (r["mediaType"], r["title"], r["specVersion"]):
            at = line.index(value, at)
            cells.append(display_width(line[:at]))
            at += len(value)
        starts.add(tuple(cells))
    assert len(rows) > 5 and len(starts) == 1, starts
