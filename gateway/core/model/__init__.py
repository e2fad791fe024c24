"""The canonical product carbon footprint model (DESIGN §4)."""

from gateway.core.model.checks import CARBON_UNIT, EMISSION_UNIT, check_declaration
from gateway.core.model.declaration import (
    Accreditation,
    AssuranceLevel,
    Boundary,
    CarbonLabel,
    Classification,
    DataQuality,
    Declaration,
    DeclaredUnit,
    ExcludedStage,
    FactorSource,
    GasAmount,
    GwpSet,
    Identifier,
    Links,
    Method,
    Organisation,
    Period,
    Product,
    ProductRule,
    Quantity,
    Results,
    Site,
    StageResult,
    Standard,
    Status,
    Text,
    Verification,
)
from gateway.core.model.recharacterise import recharacterise
from gateway.core.model.serde import declaration_from_data, declaration_to_data, from_data, to_data

__all__ = [
    "Accreditation", "AssuranceLevel", "Boundary", "CARBON_UNIT", "CarbonLabel", "Classification",
    "DataQuality", "Declaration", "DeclaredUnit", "EMISSION_UNIT", "ExcludedStage", "FactorSource",
    "GasAmount", "GwpSet", "Identifier", "Links", "Method", "Organisation", "Period", "Product",
    "ProductRule", "Quantity", "Results", "Site", "StageResult", "Standard", "Status", "Text",
    "Verification", "check_declaration", "declaration_from_data", "declaration_to_data", "from_data",
    "recharacterise", "to_data",
]
