"""Quality (质量)."""
