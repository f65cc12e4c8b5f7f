"""Shipped competency models (YAML data, read with importlib.resources)."""
