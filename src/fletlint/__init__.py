"""fletlint: find what keeps a Flet app's Python dependencies off Android and iOS."""

__version__ = "0.1.0"
