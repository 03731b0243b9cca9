"""Purchasing (采购)."""
