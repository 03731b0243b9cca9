"""Document kit: one declaration per business document type → pages, print, export and API.

See docs/adding-a-module.md ("Document kit") and erp/inventory/kit.py for declarations."""
