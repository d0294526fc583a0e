"""Platform server: a modular monolith, one package per domain."""

__version__ = "0.1.0"
