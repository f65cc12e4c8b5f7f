"""Version of the interview scoring engine; bump it whenever the same input could score differently."""

ENGINE_VERSION = "1.4.0"
