"""Inventory report endpoints (owned by the reports work); they add to the inventory router."""

from erp.inventory.api import router  # noqa: F401
