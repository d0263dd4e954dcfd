"""Safeguarding Hub: one system for the agencies that protect children in England."""

__version__ = "0.1.0"
