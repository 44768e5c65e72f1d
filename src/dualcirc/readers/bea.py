"""Reader for the US BEA summary input-output accounts (make, use and import matrices), million USD.

Layout ``bea_sut``: the three tables of the summary accounts (2017 schema: 71 industries, 73 commodities = the 71
plus ``Used`` and ``Other``; before redefinitions, producers' prices) as CSV with columns ``Year, row`` and the BEA
codes, several years stacked -- the form in which USEPA/useeior ships them (``Summary_Use_YYYY_PRO_BeforeRedef``,
``Summary_Make_YYYY_BeforeRedef``, ``Summary_Import_YYYY_BeforeRedef``).  Pass the folder, or any of the three
files (the others are found beside it by the words ``use``, ``make`` and ``import`` in their names).

The symmetric industry-by-industry table follows the industry-technology assumption (Miller & Blair 2009,
ch. 5.3): market shares ``D = V q^-1`` from the make table ``V`` and commodity output ``q = V'u``, then ``Z = D U^D``
and final demand ``D F^D`` from the domestic use ``U^D = U - M`` (``M`` the import matrix), exports ``D e``.  The
imports become the non-competitive blocks ``Zm = D M_int`` and ``Ym = D M_F``, each imported commodity placed with
the industries that make it at home; so columns close (``Z'u + Zm'u + va = x``) and ``v'L + a^M'L = u'``.
The import matrix values imports at domestic port value, the use table's import column at foreign port value; the
difference (freight, insurance and duties on imports) stays on the domestic side as the final-use category ``ITA``
(international trade adjustment), as in useeior's ``generateInternationalTradeAdjustmentVector``.

Final-use codes map to HFCE (F010, personal consumption, which includes NPISHs), GFCF (private F02S/E/N/R and
government F06-F10 S/E/N investment), GGFC (F06C, F07C, F10C) and INVNT (F030); ``final_demand="bea"`` keeps the
BEA codes.  F040 gives ``exports``; F050 (imports) is replaced by the import matrix.  Value-added rows: COMP
(V001), TOPI (V002, taxes on production and imports less subsidies) and GOS (V003).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import labels
from ..errors import OptionError, ReaderError
from ..tables.model import IOTable, TableMeta
from .base import Layout, label_of, numbers_at, register, require_columns
from .files import frame_columns, read_frame
from .sectors import sector_names

UNIT = "million USD"
CITATION = ("U.S. Bureau of Economic Analysis, Input-Output Accounts: summary make, use (producers' prices) and "
            "import matrices before redefinitions; symmetric table per Miller, R. E. and Blair, P. D. (2009), "
            "Input-Output Analysis: Foundations and Extensions, 2nd ed., ch. 5")
CLASSIFICATION = "bea_summary"
EXPORTS, IMPORTS = "F040", "F050"
ITA = "ITA"
#: BEA final-use codes -> canonical categories
FINAL_USE = {
    "F010": "HFCE", "F02S": "GFCF", "F02E": "GFCF", "F02N": "GFCF", "F02R": "GFCF", "F030": "INVNT",
    **{f"F{g}C": "GGFC" for g in ("06", "07", "10")},
    **{f"F{g}{k}": "GFCF" for g in ("06", "07", "10") for k in "SEN"},
}
CATEGORY_ORDER = ("HFCE", "GGFC", "GFCF", "INVNT")
VA_ROWS = {"V001": "COMP", "V002": "TOPI", "V003": "GOS"}
TOTAL_INTERMEDIATE, TOTAL_USE_COLUMN, INDUSTRY_OUTPUT = (
    "Total Intermediate", "Total Final Uses (GDP)", "Total Industry Output")
#: from_arrays' relative row tolerance: entries are whole millions, so rows close to a few millions; the worst
#: relative gap over 2012-2023 is 3e-4 (a small commodity)
TOL_BALANCE = 1e-3
_WORDS = re.compile(r"[^a-z]+")

labels.register({
    "bea.ITA": ("International trade adjustment (imports at domestic less foreign port value)",
                "国际贸易调整（进口的国内口岸价与国外口岸价之差）"),
    "bea.COMP": ("Compensation of employees", "雇员报酬"),
    "bea.TOPI": ("Taxes on production and imports, less subsidies", "生产和进口税减补贴"),
    "bea.GOS": ("Gross operating surplus", "总营业盈余"),
})


def read_bea_summary(path, year: int | None = None, *, make=None, imports=None, final_demand: str = "canonical"):
    """The symmetric industry-by-industry table(s) of the BEA summary accounts (see the module docstring).

    Returns one :class:`IOTable` for ``year``, or ``{year: IOTable}`` for every year in the files.
    """
    if final_demand not in ("canonical", "bea"):
        raise OptionError(f"final_demand must be 'canonical' or 'bea', not {final_demand!r}")
    paths = _locate(Path(path), make, imports)
    frames = {part: read_frame(p, text_columns=("row",)) for part, p in paths.items()}
    years = None
    for part, (frame, _) in frames.items():
        require_columns(frame, ["Year", "row"], file=str(paths[part]))
        found = set(pd.to_numeric(frame["Year"], errors="coerce").dropna().astype(int))
        years = found if years is None else years & found
    years = sorted(years)
    if not years:
        raise ReaderError("the use, make and import tables share no year", file=str(paths["use"]))
    if year is not None and int(year) not in years:
        raise ReaderError(f"unknown year {year}: the tables cover {years[0]}-{years[-1]}", file=str(paths["use"]))
    build = lambda y: _symmetric(frames, paths, int(y), final_demand)  # noqa: E731
    return build(year) if year is not None else {y: build(y) for y in years}


# ---------------------------------------------------------------------------------------------- files
def _locate(path: Path, make, imports) -> dict[str, Path]:
    """The use, make and import files: given explicitly, or found in the folder (of the file) by name."""
    if not path.exists():
        raise ReaderError("no such file or directory", file=str(path))
    folder = path if path.is_dir() else path.parent
    candidates = [p for p in sorted(folder.iterdir()) if p.name.lower().endswith((".csv", ".csv.gz"))]
    found = {}
    for part, given in (("use", None if path.is_dir() else path), ("make", make), ("import", imports)):
        if given is not None and not (part == "use" and _part(Path(given)) not in (None, "use")):
            found[part] = Path(given)
            continue
        matches = [p for p in candidates if _part(p) == part]
        if len(matches) != 1:
            raise ReaderError(f"expected one {part} table (a CSV with '{part}' in its name) in the folder; found "
                              f"{[p.name for p in matches] or 'none'}", file=str(folder))
        found[part] = matches[0]
    return {"use": found["use"], "make": found["make"], "import": found["import"]}


def _part(path: Path) -> str | None:
    words = set(_WORDS.split(path.name.lower()))
    hits = [w for w in ("use", "make", "import") if w in words]
    return hits[0] if len(hits) == 1 else None


# ---------------------------------------------------------------------------------------------- table
def _symmetric(frames, paths, year: int, final_demand: str) -> IOTable:
    use, use_file = _year_block(frames["use"], year), str(paths["use"])
    make, make_file = _year_block(frames["make"], year), str(paths["make"])
    imp, imp_file = _year_block(frames["import"], year), str(paths["import"])
    columns = list(use[0].columns)
    for name in (TOTAL_INTERMEDIATE, TOTAL_USE_COLUMN):
        if name not in columns:
            raise ReaderError(f"expected column {name!r} in the use table", file=use_file)
    industries = columns[:columns.index(TOTAL_INTERMEDIATE)]
    fd_codes = columns[columns.index(TOTAL_INTERMEDIATE) + 1:columns.index(TOTAL_USE_COLUMN)]
    rows = list(use[0].index)
    if TOTAL_INTERMEDIATE not in rows:
        raise ReaderError(f"expected row {TOTAL_INTERMEDIATE!r} in the use table", file=use_file, column="row")
    commodities = rows[:rows.index(TOTAL_INTERMEDIATE)]
    unknown = [c for c in fd_codes if c not in FINAL_USE and c not in (EXPORTS, IMPORTS)]
    if unknown or EXPORTS not in fd_codes or IMPORTS not in fd_codes:
        raise ReaderError(f"final-use columns: expected BEA codes F010 ... F10N with exports {EXPORTS} and imports "
                          f"{IMPORTS}; unknown {unknown}", file=use_file, column=(unknown or [None])[0])

    U = _cells(use, commodities, industries, use_file, year, "use table")
    F = _cells(use, commodities, fd_codes, use_file, year, "use table")
    W = _cells(use, list(VA_ROWS), industries, use_file, year, "use table")
    x = _cells(use, [INDUSTRY_OUTPUT], industries, use_file, year, "use table")[0]
    V = _cells(make, industries, commodities, make_file, year, "make table")
    q = V.sum(0)                                             # commodity output, so that D's columns sum to 1
    M_int = _cells(imp, commodities, industries, imp_file, year, "import matrix")
    M_fd = _cells(imp, commodities, fd_codes, imp_file, year, "import matrix")

    unmade = [c for c, out, used in zip(commodities, q, U.sum(1) + np.abs(F).sum(1)) if out <= 0 and used != 0]
    if unmade:
        raise ReaderError(f"{year}: commodity {unmade[0]!r} is used but has no output in the make table; the "
                          "industry-technology assumption cannot place it", file=make_file, column=unmade[0])
    D = V * np.divide(1.0, q, out=np.zeros_like(q), where=q > 0)[None, :]       # market shares (Miller-Blair 5.3)
    col = {c: k for k, c in enumerate(fd_codes)}
    groups = ({c: [c] for c in fd_codes if c in FINAL_USE} if final_demand == "bea"
              else {cat: [c for c in fd_codes if FINAL_USE.get(c) == cat] for cat in CATEGORY_ORDER})
    groups = {cat: codes for cat, codes in groups.items() if codes}

    def by_category(block: np.ndarray) -> np.ndarray:
        return np.stack([block[:, [col[c] for c in codes]].sum(1) for codes in groups.values()], axis=1)

    Fd = by_category(F - M_fd)
    Fm = by_category(M_fd)
    ita = F[:, col[IMPORTS]] - M_fd[:, col[IMPORTS]]        # foreign-port less domestic-port value of imports
    Y = np.column_stack([D @ Fd, D @ ita])
    Ym = np.column_stack([D @ Fm, np.zeros(len(industries))])
    exports = D @ (F[:, col[EXPORTS]] - M_fd[:, col[EXPORTS]])
    english, chinese = sector_names(CLASSIFICATION, industries, file=use_file)
    meta = TableMeta(
        source="US BEA", edition="summary IO accounts, industry by industry", year=year, unit=UNIT,
        citation=CITATION, file=use_file,
        notes=("symmetric industry-by-industry table under the industry-technology assumption: D = V q^-1, "
               "Z = D (U - M), Y = D (F - M_F) (Miller & Blair 2009, ch. 5)",
               "imports from the import matrix: Zm = D M, Ym = D M_F (imported commodities placed with the "
               "industries that make them at home)",
               f"{ITA}: use-table imports (foreign port value) less import-matrix imports (domestic port value), "
               f"{float(ita.sum()):,.0f} {UNIT}, kept as domestic final use (useeior convention)"))
    return IOTable.from_arrays(
        D @ (U - M_int), Y[:, None, :], x, regions=("USA",), sectors=industries, fd_categories=(*groups, ITA),
        va=W, va_rows=tuple(VA_ROWS.values()), exports=exports, Zm=D @ M_int, Ym=Ym[:, None, :], meta=meta,
        sector_names=english, sector_names_zh=chinese, tol_balance=TOL_BALANCE)


def _year_block(part: tuple[pd.DataFrame, int], year: int) -> tuple[pd.DataFrame, int]:
    """The rows of one year indexed by the ``row`` label, and the file row of its first row."""
    frame, first_row = part
    rows = frame[pd.to_numeric(frame["Year"], errors="coerce") == year]
    block = rows.drop(columns=["Year"]).assign(row=rows["row"].map(label_of)).set_index("row")
    return block, first_row + int(rows.index[0])


def _cells(part: tuple[pd.DataFrame, int], rows: list[str], columns: list[str], file: str, year: int,
           what: str) -> np.ndarray:
    """Values of the named rows and columns; a missing label or a non-numeric cell is a ReaderError."""
    block, first_row = part
    missing_rows = [r for r in rows if r not in block.index]
    missing_cols = [c for c in columns if c not in block.columns]
    if missing_rows or missing_cols:
        raise ReaderError(f"{year}: the {what} lacks rows {missing_rows[:6]} / columns {missing_cols[:6]}",
                          file=file, column=(missing_cols or [None])[0])
    positions = [block.index.get_loc(r) for r in rows]
    return numbers_at(block.iloc[positions][columns], [first_row + p for p in positions], file=file, what=what)


def _detect(path: Path) -> bool:
    if path.is_dir():
        return all(any(_part(p) == part and p.name.lower().endswith((".csv", ".csv.gz")) for p in path.iterdir())
                   for part in ("use", "make", "import"))
    return (path.name.lower().endswith((".csv", ".csv.gz")) and _part(path) is not None
            and {"Year", "row", "111CA"} <= set(frame_columns(path)))


register(Layout("bea_sut", "US BEA summary make/use/import tables (useeior CSV: Year, row, BEA codes), as a symmetric "
                "industry-by-industry table under the industry-technology assumption", _detect, read_bea_summary))
