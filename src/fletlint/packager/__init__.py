"""Packager (its own issue)."""
