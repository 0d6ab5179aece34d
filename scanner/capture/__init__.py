"""The capture stage: what the browser did while rendering one page."""
