"""Catena-X formats: the PCF aspect (io.catenax.pcf 8.0.0 and 9.0.0, CX-0136) and the carbon
footprint of the Catena-X battery passport (io.catenax.battery.battery_pass 6.1.0).

The official generated schemas are shipped beside the code (SOURCES.md) and every document
read or written is validated against them.
"""

from mappings.catenax.battery import FORMAT as BATTERY_CF
from mappings.catenax.battery import CatenaxBatteryCf
from mappings.catenax.pcf import PCF_V8, PCF_V9, CatenaxPcf

__all__ = ["BATTERY_CF", "PCF_V8", "PCF_V9", "CatenaxBatteryCf", "CatenaxPcf"]
