"""dualcirc: dual circulation, value chains, chain security and industrial transfer from input-output tables.

The layers (see docs/architecture.md): ``tables`` and ``readers`` (data model), ``engine`` (linear algebra),
``measures`` (one module per family of indicators), then the interfaces ``cli``, ``report`` and ``web``.
"""

from .errors import (BalanceError, DualcircError, InputError, OptionError, ReaderError,
                     SingularLeontiefError, TableWarning)
from .tables.model import IOTable, Satellite, TableMeta

__version__ = "0.1.0"

__all__ = ["IOTable", "Satellite", "TableMeta", "DualcircError", "InputError", "ReaderError", "BalanceError",
           "SingularLeontiefError", "OptionError", "TableWarning", "__version__"]
