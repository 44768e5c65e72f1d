"""The command line: ``dualcirc info | convert | report`` (see app.py)."""
