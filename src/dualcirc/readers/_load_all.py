"""Import every reader module so that each registers its layout. Add one line per new module."""
