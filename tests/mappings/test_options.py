"""Translation settings and supplied values: parsing, unknown keys, bad values."""

from decimal import Decimal

import pytest

from gateway.core.errors import ConfigurationError
from gateway.core.model import GwpSet
from mappings import TranslateOptions
from mappings.options import OPTION_KEYS, IdentifierChecks, supplied_value


def test_options_from_a_string_map() -> None:
    options = TranslateOptions.from_mapping(
        {"mass_per_piece_kg": "1.85", "gwp_set": "AR6", "allow_defaults": "yes", "study_url": "https://x",
         "identifier_checks": "warn", "precision": "8", "pact_extension": "omit"}
    )
    assert options.mass_per_piece == Decimal("1.85")
    assert options.gwp_set is GwpSet.AR6 and options.allow_defaults
    assert options.identifier_checks is IdentifierChecks.WARN and options.significant_digits == 8
    assert options.fallback == {"links/study_url": "https://x"}  # a data option fills a gap
    assert options.extra == {"pact_extension": "omit"}
    assert TranslateOptions().significant_digits == 6


@pytest.mark.parametrize(
    ("values", "path"),
    [({"mass_per_piece_kg": "heavy"}, "mass_per_piece_kg"), ({"lifetime_energy_kwh": "0"}, "lifetime_energy_kwh"),
     ({"gwp_set": "AR7"}, "gwp_set"), ({"identifier_checks": "lax"}, "identifier_checks"), ({"precision": "0"}, "precision"),
     ({"allow_defaults": "perhaps"}, "allow_defaults")],
)
def test_bad_option_names_its_key(values: dict[str, str], path: str) -> None:
    with pytest.raises(ConfigurationError) as exc:
        TranslateOptions.from_mapping(values)
    assert exc.value.path == path


def test_an_unknown_option_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(ConfigurationError) as exc:
        TranslateOptions.from_mapping({"mass_per_peice_kg": "1.85"})
    assert exc.value.path == "mass_per_peice_kg"
    assert all(key in exc.value.message for key in OPTION_KEYS)


@pytest.mark.parametrize(("text", "value"), [
    ("120000", "120000"), ("1.50", "1.50"), ("abc", "abc"), ('"quoted"', "quoted"), ("true", True),
    ('{"scheme": "uscc", "value": "X", "n": 2.5}', {"scheme": "uscc", "value": "X", "n": "2.5"}),
])
def test_a_set_value_is_json_when_it_parses_else_text(text: str, value: object) -> None:
    assert supplied_value(text) == value
