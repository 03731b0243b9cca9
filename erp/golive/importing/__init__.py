"""The generic spreadsheet import engine: declare an `ImportSpec` in `erp/<app>/imports.py`,
and the golive app gives it a template, an export in template layout, an upload with a dry run
and preview, and an all-or-nothing apply. See spec.py for the declaration."""
