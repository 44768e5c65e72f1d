"""Reader for the Long-run World Input-Output Database (LR-WIOD; Woltjer, Gouma & Timmer 2021).

Layout ``lrwiod``: world tables 1965-2000 in million USD, 26 regions (25 economies and xROW, read as ROW) x 23
ISIC Rev. 3 sectors, stacked over years in one Parquet or CSV table (PROVENANCE.md section 1c): columns
``WIOT_Year, IndustryCode_isic3, IndustryDescription, Country, Year``, then ``CCC_sector`` intermediate use,
``CCC_xCONS_h, CCC_xCONS_g, CCC_xGFCF, CCC_xINV`` final use and the memo columns ``xTOT_xX, xTOT_xM,
xTOT_xMRG_int, xTOT_xGO``. Each year has the country-sector rows and eight ``xTOT`` rows (xII, xVA, xTXSP, xSD,
xPURNR, xPURR, xMRG_int, xGO). Value added is the xVA row; taxes, the statistical discrepancy, purchases and
margins are further primary-input rows, so that columns close at xGO (METHODS.md 0.2 and 0.6).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import labels
from ..errors import ReaderError
from ..tables.model import IOTable
from .base import Layout, label_of, numbers, register, require_columns
from .files import frame_columns, read_frame
from .grids import cell_labels
from .wiod import WorldParts, region_code, region_notes, table_meta

CITATION = ("Woltjer, P., Gouma, R. and Timmer, M. P. (2021), Long-run World Input-Output Database: Version 1.0 "
            "Sources and Methods, GGDC Research Memorandum 190, University of Groningen")
#: final-use codes -> canonical categories (LR-WIOD has no separate NPISH column)
FD_CODES = {"xCONS_h": "HFCE", "xCONS_g": "GGFC", "xGFCF": "GFCF", "xINV": "INVNT"}
#: primary-input rows (code in the file -> code in the table: English, Chinese)
PRIMARY_INPUTS = {
    "xVA": ("VA", "Total value added", "增加值合计"),
    "xTXSP": ("TXSP", "Taxes less subsidies on products", "产品税减补贴"),
    "xSD": ("SD", "Statistical discrepancy", "统计误差"),
    "xPURNR": ("PURNR", "Purchases on the domestic territory by non-residents", "非居民在国内的购买"),
    "xPURR": ("PURR", "Direct purchases abroad by residents", "居民在国外的直接购买"),
    "xMRG_int": ("MRG_int", "International trade and transport margins", "国际贸易和运输费用"),
}
LABEL_COLUMNS = ("WIOT_Year", "IndustryCode_isic3", "IndustryDescription", "Country")
TOTAL_ROWS = "xTOT"
GROSS_OUTPUT = "xTOT_xGO"

labels.register({f"lrwiod.{code}": (en, zh) for code, en, zh in PRIMARY_INPUTS.values()})


def read_lrwiod(path, year: int | None = None):
    """The LR-WIOD world table of ``year`` (an IOTable), or ``{year: IOTable}`` for every year when None.

    Woltjer, Gouma & Timmer (2021); METHODS.md 0.2 and 0.6.
    """
    path = Path(path)
    file = str(path)
    frame, first_row = read_frame(path)
    require_columns(frame, [*LABEL_COLUMNS, GROSS_OUTPUT], file=file)
    years = sorted(int(y) for y in pd.unique(frame["WIOT_Year"].dropna()))
    if year is None:
        return {y: _table(frame, y, path, first_row) for y in years}
    if int(year) not in years:
        raise ReaderError(f"unknown year {year}; the file holds {years}", file=file, column="WIOT_Year")
    return _table(frame, int(year), path, first_row)


def _table(frame: pd.DataFrame, year: int, path: Path, first_row: int) -> IOTable:
    file = str(path)
    rows = frame[frame["WIOT_Year"] == year]
    is_total = rows["Country"].map(label_of) == TOTAL_ROWS
    cells, totals = rows[~is_total], rows[is_total]
    top = int(cells.index[0]) + first_row if len(cells) else first_row
    regions_raw, sectors = cell_labels(cells["Country"], cells["IndustryCode_isic3"], file=file, first_row=top,
                                       columns=("Country", "IndustryCode_isic3"))
    intermediate = [f"{r}_{s}" for r in regions_raw for s in sectors]
    final = [f"{r}_{code}" for r in regions_raw for code in FD_CODES]
    require_columns(frame, intermediate + final, file=file)
    n, G = len(intermediate), len(regions_raw)
    values = numbers(cells[intermediate + final + [GROSS_OUTPUT]], file=file, first_row=top,
                     what=f"country-sector rows of {year}")
    total_codes = totals["IndustryCode_isic3"].map(label_of)
    missing = [code for code in PRIMARY_INPUTS if code not in set(total_codes)]
    if missing:
        raise ReaderError(f"expected the {TOTAL_ROWS} row(s) {missing} for {year} (value added, taxes, "
                          "discrepancy, purchases, margins)", file=file, column="IndustryCode_isic3")
    primary = [totals[total_codes == code].iloc[:1] for code in PRIMARY_INPUTS]
    W = np.vstack([numbers(row[intermediate], file=file, first_row=int(row.index[0]) + first_row,
                           what=f"row {code} of {year}") for code, row in zip(PRIMARY_INPUTS, primary)])
    on_final_use = sum(numbers(row[final], file=file, first_row=int(row.index[0]) + first_row,
                               what=f"row {code} of {year}").sum() for code, row in zip(PRIMARY_INPUTS, primary))
    Y = values[:, n:n + len(final)].reshape(n, G, len(FD_CODES))
    parts = WorldParts(tuple(region_code(r) for r in regions_raw), sectors, values[:, :n], Y, values[:, -1], W,
                       tuple(code for code, _, _ in PRIMARY_INPUTS.values()), tuple(FD_CODES.values()))
    notes = ["memo columns xTOT_xX, xTOT_xM and xTOT_xMRG_int (row totals) are not read", *region_notes(regions_raw)]
    if on_final_use:
        notes.append(f"taxes, discrepancy, purchases and margins on final use ({on_final_use:,.1f} million USD "
                     "in all) lie outside the model")
    meta = table_meta("version 1.0", year, path, notes, source="LR-WIOD", citation=CITATION)
    return parts.table(classification="lrwiod", meta=meta, file=file)


def _detect_lrwiod(path: Path) -> bool:
    return {"WIOT_Year", "IndustryCode_isic3", GROSS_OUTPUT} <= set(frame_columns(path))


register(Layout("lrwiod", "Long-run WIOD world tables 1965-2000 (stacked Parquet/CSV, 26 regions x 23 sectors)",
                _detect_lrwiod, read_lrwiod))
