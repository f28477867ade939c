"""Errors that reach the user as one clear line (the CLI shows a traceback only with --debug)."""


class WijkprofielError(Exception):
    """A problem the user can fix: bad input, a missing file, a changed CBS table."""


class SourceError(WijkprofielError):
    """A source (CBS, PDOK, a file) could not be read or did not look as expected."""


class MemoryLimitError(WijkprofielError):
    """A build or load needed more memory than DuckDB's memory_limit allows; the message names the setting."""
