"""Filled in by its own issue; the app exists from the foundation on."""
