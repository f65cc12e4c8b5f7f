"""Shipped coding tasks (YAML data, read with importlib.resources)."""
