from decimal import Decimal

import pytest

from gateway.core.errors import ConfigurationError
from gateway.core.model import GwpSet
from mappings import TranslateOptions


def test_options_from_a_string_map() -> None:
    options = TranslateOptions.from_mapping(
        {"mass_per_piece_kg": "1.85", "gwp_set": "AR6", "allow_defaults": "yes", "study_url": "https://x"}
    )
    assert options.mass_per_piece == Decimal("1.85")
    assert options.gwp_set is GwpSet.AR6 and options.allow_defaults
    assert options.extra == {"study_url": "https://x"}


@pytest.mark.parametrize(
    ("values", "path"),
    [({"mass_per_piece_kg": "heavy"}, "mass_per_piece_kg"), ({"lifetime_energy_kwh": "0"}, "lifetime_energy_kwh"),
     ({"gwp_set": "AR7"}, "gwp_set")],
)
def test_bad_option_names_its_key(values: dict[str, str], path: str) -> None:
    with pytest.raises(ConfigurationError) as exc:
        TranslateOptions.from_mapping(values)
    assert exc.value.path == path
