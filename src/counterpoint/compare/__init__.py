"""Comparing coverage across outlets: alignment, stance, findings."""
