"""Inventory pages of their own (stock count entry, lot status); document pages come from the
document kit (erp/inventory/kit.py)."""
