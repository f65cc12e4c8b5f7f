"""The plugin hooks of hris-hub connectors; implement them with `@hookimpl`."""

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("hris_hub")
hookimpl = HookimplMarker("hris_hub")

# ---- connector registration -------------------------------------------------------------------


@hookspec
def hub_connector_types():
    """Return a list of Connector subclasses this plugin provides."""


# ---- outcomes (the way back) ----------------------------------------------------------------------


@hookspec(firstresult=True)
def hub_fetch_outcomes(connector, kinds, since, settings):
    """Read outcome records (reviews, attendance summaries) from the connector's target; None if not this plugin's."""


# ---- erasure (candidates' right to erasure) -------------------------------------------------------------------


@hookspec(firstresult=True)
def hub_erase(connector, subject, settings):
    """Delete a candidate at the connector's target; None if this plugin cannot delete there (not its type, or the
    mapping names no delete). Return the list of DeliveryResult of the requests sent; raise a DeliveryError when the
    target refused or could not be reached."""
