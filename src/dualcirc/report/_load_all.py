"""Import every section module so that each registers its sections. Add one line per new module."""
from .sections import core  # noqa: F401
from .sections import circulation  # noqa: F401
from .sections import trade  # noqa: F401
from .sections import macro  # noqa: F401
from .sections import risk  # noqa: F401
from .sections import gvc  # noqa: F401
from .sections import transfer  # noqa: F401
