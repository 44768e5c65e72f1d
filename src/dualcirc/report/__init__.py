"""The report: sections registered with :func:`section`, written as one HTML page and one xlsx workbook.

``write_report(table, out, economy=..., lang='en'|'zh')`` is what ``dualcirc report`` runs.
"""
from .build import MANIFEST, ReportFiles, build_report, check_out_folder, is_previous_report, write_report
from .framework import Block, ReportContext, registered_sections, resolve_economy, section

__all__ = ["MANIFEST", "Block", "ReportContext", "ReportFiles", "build_report", "check_out_folder",
           "is_previous_report", "registered_sections", "resolve_economy", "section", "write_report"]
