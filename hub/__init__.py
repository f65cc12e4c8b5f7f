"""hris-hub: scored interviews to HR systems, durably and auditably."""

__version__ = "0.1.0"


def create_app(test_config=None):
    """Build the Flask app (see hub.web.app.create_app)."""
    from hub.web.app import create_app as _create_app

    return _create_app(test_config)
