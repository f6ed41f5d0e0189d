"""Pure numerical engines (numpy only, never Django) that the platform runs on."""
