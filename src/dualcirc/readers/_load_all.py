"""Import every reader module so that each registers its layout. Add one line per new module."""
from ..tables import store  # noqa: F401  (registers the "dualcirc-cache" layout)
from . import wiod  # noqa: F401
from . import lrwiod  # noqa: F401
from . import oecd_icio  # noqa: F401
from . import adb  # noqa: F401
from . import eora  # noqa: F401
from . import exiobase  # noqa: F401
from . import generic  # noqa: F401
from . import nbs  # noqa: F401
from . import oecd_iot  # noqa: F401
from . import bea  # noqa: F401
from . import ceads  # noqa: F401
