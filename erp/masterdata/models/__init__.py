from .facilities import Location, ProductionLine, ProductionLineStep, Warehouse, WorkCenter
from .material import Material, MaterialCategory
from .partners import (
    Customer,
    CustomerAddress,
    CustomerContact,
    PaymentTerm,
    Supplier,
    SupplierContact,
    SupplierMaterial,
)
from .units import Unit, UnitConversion

__all__ = [
    "Customer",
    "CustomerAddress",
    "CustomerContact",
    "Location",
    "Material",
    "MaterialCategory",
    "PaymentTerm",
    "ProductionLine",
    "ProductionLineStep",
    "Supplier",
    "SupplierContact",
    "SupplierMaterial",
    "Unit",
    "UnitConversion",
    "Warehouse",
    "WorkCenter",
]
