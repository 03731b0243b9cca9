"""Production (生产)."""
