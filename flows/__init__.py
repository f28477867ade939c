"""Prefect flows of wijkprofiel. They only orchestrate; the work is in wijkprofiel's stage modules."""
