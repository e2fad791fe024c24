"""What an assessment reads off each attestation is read as the plain rules say."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from signing.claims import CLAIM_KINDS, _camel, _snake
from signing.timeutil import parse_time


@pytest.mark.parametrize("kind", sorted(CLAIM_KINDS))
def test_each_wire_name_is_the_field_snake_case_reads(kind: str) -> None:
    # Claims look their members up by wire name first; that must be what _snake() gives.
    for f in dataclasses.fields(CLAIM_KINDS[kind]):
        assert _snake(_camel(f.name)) == f.name


@pytest.mark.parametrize("text", [
    "2025-08-01T00:00:00Z", "2025-08-01T00:00:00+00:00", "2025-08-01T00:00:00-00:00", "2025-08-01T08:00:00+08:00",
    "2025-08-01T00:00:00.123456789Z", "2025-12-31T23:30:00-05:30", "0001-01-01T00:00:00Z",
])
def test_times_are_utc(text: str) -> None:
    moment = parse_time(text)
    assert moment.tzinfo is timezone.utc
    assert moment == datetime.fromisoformat(text).astimezone(timezone.utc)
