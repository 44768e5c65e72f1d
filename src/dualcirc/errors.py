"""The one error hierarchy of dualcirc.

Every message says *what was expected* and *where* (file, sheet, row, column or table cell), so that the CLI
can print it without a traceback and a user can fix the input.  Warnings about the input (small imbalances,
negative flows) are ``TableWarning`` so that callers can filter or escalate them.
"""

from __future__ import annotations


class DualcircError(Exception):
    """Base class of every error raised on purpose by dualcirc."""


class InputError(DualcircError, ValueError):
    """The user's input (a table, a file, an option) is not what the method needs."""


class ReaderError(InputError):
    """A file could not be read as the layout it claims to be.

    ``file``, ``sheet``, ``row`` and ``column`` locate the problem; they are folded into the message.
    """

    def __init__(self, message: str, *, file=None, sheet=None, row=None, column=None):
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        where = []
        if file is not None:
            where.append(f"file {file}")
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class BalanceError(InputError):
    """Accounting identities of the table fail beyond repair (e.g. a zero-output cell that sells)."""


class SingularLeontiefError(InputError):
    """I - A is singular or the table is not productive (spectral radius of A >= 1)."""


class OptionError(InputError):
    """An option has a value the method does not accept."""


class TableWarning(UserWarning):
    """Something in a table is unusual but was handled by the documented policy (METHODS.md section 0.6)."""
