"""Xietong (协同): software for running neighbouring jurisdictions' schools as one system."""

__version__ = "0.1.0"
