"""Readers for the databases as their publishers ship them; each returns an IOTable (see base.py).

Importing the package imports every reader module, and each registers its layout for :func:`read_table` and
:func:`detect_layout`: a new reader module gets one import line here.  Detection tries the layouts in the order
of these lines, so the generic layout comes after the publishers' layouts its detection would also accept.
"""
from .base import Layout, detect_layout, layouts, read_table, register
from .cache import read_cache
from .wiod import read_wiod2013, read_wiod2016, read_wiod2016_niot
from .lrwiod import read_lrwiod
from .oecd_icio import read_oecd_icio
from .adb import read_adb_mrio
from .eora import read_eora26
from .exiobase import read_exiobase3
from .generic import read_generic
from .nbs import attach_employment, read_nbs
from .oecd_iot import read_oecd_iot
from .bea import read_bea_summary
from .ceads import read_ceads
from .macro_sources import read_macro_file, read_nbs_export, read_wdi

__all__ = ["Layout", "attach_employment", "detect_layout", "layouts", "read_adb_mrio", "read_bea_summary",
           "read_cache", "read_ceads", "read_eora26", "read_exiobase3", "read_generic", "read_lrwiod",
           "read_macro_file", "read_nbs", "read_nbs_export", "read_oecd_icio", "read_oecd_iot", "read_table",
           "read_wdi", "read_wiod2013", "read_wiod2016", "read_wiod2016_niot", "register"]
