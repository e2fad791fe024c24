"""Page tokens: round trip, bound to their filter, and never crash on garbage."""

from __future__ import annotations

from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.core.errors import InvalidRequest
from gateway.store import DeclarationFilter
from gateway.store.paging import decode_token, encode_token

filters = st.builds(
    DeclarationFilter,
    region=st.sampled_from(["", "110000", "120000", "130000"]),
    sector=st.sampled_from(["", "steel", "battery"]),
    product_id=st.text(max_size=12),
    received_after=st.none() | st.datetimes(timezones=st.just(UTC)),
)


@given(st.integers(min_value=0, max_value=2**62), filters)
def test_tokens_round_trip(cursor: int, wanted: DeclarationFilter) -> None:
    assert decode_token(encode_token(cursor, wanted), wanted) == cursor


@given(st.integers(min_value=0, max_value=2**62), filters, filters)
def test_tokens_only_work_with_their_filter(cursor: int, issued: DeclarationFilter, used: DeclarationFilter) -> None:
    token = encode_token(cursor, issued)
    if used == issued:
        assert decode_token(token, used) == cursor
    else:
        with pytest.raises(InvalidRequest):
            decode_token(token, used)


@given(st.text(min_size=1, max_size=80))
def test_garbage_is_an_invalid_request(token: str) -> None:
    try:
        decode_token(token, DeclarationFilter())
    except InvalidRequest as error:
        assert error.violations[0].path == "page_token"
