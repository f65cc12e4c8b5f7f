"""The plugin hooks of hris-hub connectors; implement them with `@hookimpl`."""

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("hris_hub")
hookimpl = HookimplMarker("hris_hub")

# ---- connector registration -------------------------------------------------------------------


@hookspec
def hub_connector_types():
    """Return a list of Connector subclasses this plugin provides."""
