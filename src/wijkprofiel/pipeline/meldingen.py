"""Log lines for people, not for debuggers: without --debug an exception is logged as its one-line message.

Prefect logs a failed task or flow run with the full traceback (hundreds of lines for one missing file), and so
would any logger of ours given `exc_info`. A data team reads the one line that says what failed; `--debug` gives
the traceback back. Only the formatting of terminal handlers changes: the records themselves keep their exception,
so Prefect's API handler still sends the whole traceback to the run's logs in the UI.
"""

from __future__ import annotations

import logging


class _ZonderTraceback(logging.Formatter):
    """Formats a record with the wrapped formatter, leaving out its exception and stack text."""

    def __init__(self, binnen: logging.Formatter):
        super().__init__()
        self.binnen = binnen

    def format(self, record: logging.LogRecord) -> str:
        # Cleared for this handler only and put back: the next handler sees the record unchanged.
        bewaard = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return self.binnen.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = bewaard


def een_regel_per_fout(debug: bool = False) -> None:
    """Every terminal log handler now in this process prints exceptions as one line, unless `debug`."""
    if debug:
        return
    loggers = [logging.getLogger()]
    loggers += [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    for logger in loggers:
        for handler in logger.handlers:
            # A log file keeps its tracebacks: only what a person watches in the terminal is shortened.
            terminal = isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
            if terminal and not isinstance(handler.formatter, _ZonderTraceback):
                handler.setFormatter(_ZonderTraceback(handler.formatter or logging.Formatter()))
