"""Schools together: cooperations across jurisdictions, their agreements, obligations and activities."""
