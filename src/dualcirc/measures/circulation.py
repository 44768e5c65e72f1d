"""Dual-circulation accounts (METHODS.md section 4): one accounting framework, and the published indicators
mapped onto it as named presets.

* :func:`absorption` - the demand view (4.1): GDP = DD + DF, FE = DD + FD, by economy, by origin sector or by the
  final-demand category that absorbs the value added (v̂ L Y^full); ``inventories='exclude_from_shares'`` (0.6-4);
* :func:`production` - the production view and its reconciliation with absorption (4.2): GDP = V_D + V_RT +
  V_GVC_S + REX + REF from the WWYZ (2017a) decomposition (:func:`dualcirc.measures.gvc.wwyz_participation`) and
  Borin-Mancini (2019) REF/REX country totals (:func:`dualcirc.measures.vat.borin_mancini`), with the backward
  analogue;
* :func:`nested` - region within nation within world (4.3): (a) absorption own region / other regions of the
  nation / abroad, (b) the border-crossing split C1 + C2 + C3 with L^P and L^N, (c) the supply side of regional
  final demand, including the import content and imported final goods of national MRIOs;
* :func:`trade_dependence` - gross (EX + IM)/GDP beside VAX/GDP, (VAX + VAM)/GDP and the gap ratio (4.4), over
  tables (years) and economies; :func:`peak_years`;
* :func:`run_preset` / :data:`PRESETS` - the indicators of the Chinese literature (4.6), with their options and
  verification status recorded in the result's ``attrs``;
* :func:`wiod_series` - the built-in 1995-2011 series derived from WIOD 2013 by
  ``scripts/build_circulation_series.py`` with :func:`series_levels`.

The VA absorption of inter-country tables comes from :func:`dualcirc.measures.vat.va_absorption`; tables with an
open foreign sector (national tables and national MRIOs: ``exports``, ``Zm``, ``Ym``), which the trade
decompositions do not take, use solves with the table's one LU factorisation.  An *economy* is a region
(``perimeter='region'``) or a nation made of the regions that ``table.nations`` assigns to it
(``perimeter='nation'``: e.g. CHN = CN1 + CN2 in an OECD ICIO with split countries); nation units are passed to the
decompositions as country groups (0.6-6).  Every result is a tidy table (columns region, sector, category, term,
value, unit) with provenance in ``attrs``; levels are in the table's unit, shares are ratios, and levels are always
reported beside shares because negative inventories can push shares out of [0, 1].
Citations: Johnson & Noguera (2012); Wang, Wei, Yu & Zhu (2017a); Borin & Mancini (2019); Meng, Wang & Koopman
(2013); the Chinese studies of METHODS.md 4.6.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import labels
from ..engine.leontief import Engine, safe_divide
from ..errors import InputError, OptionError
from ..tables.model import IOTable
from . import gvc, vat
from .core import _engine
from .result import tidy

RATIO = vat.RATIO_UNIT
PERIMETERS = ("region", "nation")
BREAKDOWNS = ("total", "sector", "category")
INVENTORY_OPTIONS = ("keep", "exclude_from_shares")
DOMESTIC_OPTIONS = ("absorbed", "pure")
RETURNED_OPTIONS = ("domestic", "international", "separate")
#: the final-demand category of inventory changes (METHODS.md 0.6-4)
INVNT = "INVNT"
#: pseudo-category of ``by='category'`` results: exports outside the table (a destination, not a table category)
EXPORTS_OUTSIDE = "EXP"
#: pseudo-category of ``by='category'`` results: all final demand
ALL = "ALL"
COLUMNS = ["region", "sector", "category", "term", "value", "unit"]
#: the built-in series (package data) and the script that derives it
SERIES_FILE = "circulation_wiod2013.csv"
SERIES_SCRIPT = "scripts/build_circulation_series.py"
#: the levels of :func:`series_levels`, in file order
SERIES_LEVELS = ("GDP", "FE", "DD", "DF", "FD", "EX", "IM", "V_D", "V_RT", "V_GVC_S", "REX", "REF")

labels.register({
    # absorption (4.1)
    "circ.GDP": ("GDP (value added produced)", "增加值（GDP）"),
    "circ.FE": ("Final expenditure (FE)", "最终支出（FE）"),
    "circ.DD": ("Own value added absorbed at home (DD)", "本地吸收的本地增加值（DD）"),
    "circ.DF": ("Own value added absorbed abroad (DF = VAX)", "外部吸收的本地增加值（DF=VAX）"),
    "circ.DF_OUTSIDE": ("of which: in exports outside the table", "其中：经表外出口吸收"),
    "circ.FD": ("Foreign value added absorbed at home (FD = VAM)", "本地吸收的外部增加值（FD=VAM）"),
    "circ.FD_IMPORT_CONTENT": ("of which: import content of home-produced final goods", "其中：本地最终产品的进口含量"),
    "circ.FD_IMPORTED_FINAL": ("of which: imported final goods", "其中：直接进口的最终产品"),
    "circ.EX": ("Gross exports (from the table)", "总出口（投入产出表）"),
    "circ.IM": ("Gross imports (from the table)", "总进口（投入产出表）"),
    "circ.DD_GDP": ("Domestic-circulation share of GDP (DD/GDP)", "国内循环占GDP比重（DD/GDP）"),
    "circ.DF_GDP": ("International-circulation share of GDP (DF/GDP)", "国际循环占GDP比重（DF/GDP）"),
    "circ.DD_FE": ("Own value-added share of final expenditure (DD/FE)", "最终支出的本地增加值满足率（DD/FE）"),
    "circ.FD_FE": ("Foreign value-added share of final expenditure (FD/FE)", "最终支出的外部增加值依赖度（FD/FE）"),
    "circ.INVNT_DD": ("DD induced by inventory changes (excluded from shares)", "存货变动引致的DD（不计入比重）"),
    "circ.INVNT_GDP": ("GDP induced by inventory changes (excluded from shares)", "存货变动引致的增加值（不计入比重）"),
    "circ.INVNT_FE": ("Inventory changes in final expenditure (excluded from shares)",
                      "最终支出中的存货变动（不计入比重）"),
    "circ.category.EXP": ("Exports outside the table", "表外出口"),
    "circ.category.ALL": ("All final demand", "全部最终需求"),
    # production (4.2)
    "circ.V_D": ("Pure domestic production (V_D)", "纯国内生产（V_D）"),
    "circ.V_RT": ("Traditional final-goods trade (V_RT)", "传统最终品贸易（V_RT）"),
    "circ.V_GVC_S": ("Simple GVC, absorbed by the direct importer (V_GVC_S)", "简单全球价值链（V_GVC_S）"),
    "circ.V_GVC_C": ("Complex GVC (V_GVC_C = REX + REF)", "复杂全球价值链（V_GVC_C=REX+REF）"),
    "circ.REX": ("Complex GVC, absorbed abroad (REX)", "复杂全球价值链，国外吸收（REX）"),
    "circ.REF": ("Complex GVC, returning home (REF)", "复杂全球价值链，返回国内（REF）"),
    "circ.DOMESTIC": ("Domestic circulation", "国内循环"),
    "circ.INTERNATIONAL": ("International circulation", "国际循环"),
    "circ.RETURNED": ("Returned value added (REF), counted separately", "返回的增加值（REF，单列）"),
    "circ.DOMESTIC_SHARE": ("Domestic-circulation share of GDP", "国内循环占GDP比重"),
    "circ.INTERNATIONAL_SHARE": ("International-circulation share of GDP", "国际循环占GDP比重"),
    "circ.RETURNED_SHARE": ("Returned value added, share of GDP", "返回增加值占GDP比重"),
    "circ.F_PURE_DOMESTIC": ("Pure domestic share of GDP, forward (V_D/GDP)", "纯国内增加值占比，前向（V_D/GDP）"),
    "circ.F_GVCPT": ("Forward GVC participation ((V_GVC_S + V_GVC_C)/GDP)", "前向全球价值链参与度"),
    "circ.Y_FINAL": ("Final output of the economy's producers (y)", "本地生产的最终产品（y）"),
    "circ.Y_D": ("Final output from pure domestic production", "纯国内生产的最终产品"),
    "circ.Y_RT": ("Final output, traditional trade (foreign VA in final-goods imports)", "最终产品：传统贸易"),
    "circ.Y_GVC_S": ("Final output, simple GVC", "最终产品：简单全球价值链"),
    "circ.Y_GVC_C": ("Final output, complex GVC", "最终产品：复杂全球价值链"),
    "circ.B_PURE_DOMESTIC": ("Pure domestic share of final output, backward (Y_D/y)", "纯国内生产占比，后向（Y_D/y）"),
    "circ.B_GVCPT": ("Backward GVC participation ((Y_GVC_S + Y_GVC_C)/y)", "后向全球价值链参与度"),
    # nested (4.3)
    "circ.A_OWN": ("(a) Own VA absorbed in the own region", "(a) 本地区吸收的本地区增加值"),
    "circ.A_OTHER_REGIONS": ("(a) Own VA absorbed in other regions of the nation", "(a) 国内其他地区吸收的本地区增加值"),
    "circ.A_ABROAD": ("(a) Own VA absorbed abroad", "(a) 国外吸收的本地区增加值"),
    "circ.A_OWN_SHARE": ("(a) Own-region circulation, share of GDP", "(a) 本地区循环占GDP比重"),
    "circ.A_OTHER_REGIONS_SHARE": ("(a) Domestic inter-regional circulation, share of GDP",
                                  "(a) 国内省际循环占GDP比重"),
    "circ.A_ABROAD_SHARE": ("(a) International circulation, share of GDP", "(a) 国际循环占GDP比重"),
    "circ.C1": ("(b) C1: produced and absorbed without crossing a regional border", "(b) C1：不跨地区边界"),
    "circ.C2": ("(b) C2: crosses regional but not national borders (NVC)", "(b) C2：跨地区但不跨国界（国内价值链）"),
    "circ.C3": ("(b) C3: crosses a national border (GVC)", "(b) C3：跨越国界（全球价值链）"),
    "circ.C1_SHARE": ("(b) Intra-regional share of GDP (C1/GDP)", "(b) 地区内部生产占比（C1/GDP）"),
    "circ.C2_SHARE": ("(b) NVC participation (C2/GDP)", "(b) 国内价值链参与度（C2/GDP）"),
    "circ.C3_SHARE": ("(b) GVC participation (C3/GDP)", "(b) 全球价值链参与度（C3/GDP）"),
    "circ.S_OWN": ("(c) Final expenditure met by own-region VA", "(c) 由本地区增加值满足的最终支出"),
    "circ.S_OTHER_REGIONS": ("(c) Final expenditure met by other regions' VA", "(c) 由国内其他地区增加值满足的最终支出"),
    "circ.S_ABROAD": ("(c) Final expenditure met by foreign VA", "(c) 由国外增加值满足的最终支出"),
    "circ.S_IMPORT_CONTENT": ("(c) of which: import content (a^M' L Y)", "(c) 其中：进口含量（a^M' L Y）"),
    "circ.S_IMPORTED_FINAL": ("(c) of which: imported final goods", "(c) 其中：直接进口的最终产品"),
    "circ.S_OWN_SHARE": ("(c) Own-region VA share of final expenditure", "(c) 最终支出中本地区增加值比重"),
    "circ.S_OTHER_REGIONS_SHARE": ("(c) Other regions' VA share of final expenditure",
                                  "(c) 最终支出中国内其他地区增加值比重"),
    "circ.S_ABROAD_SHARE": ("(c) Foreign VA share of final expenditure", "(c) 最终支出中国外增加值比重"),
    # trade dependence (4.4)
    "circ.VAX": ("Value-added exports (VAX)", "增加值出口（VAX）"),
    "circ.VAM": ("Value-added imports (VAM)", "增加值进口（VAM）"),
    "circ.TD": ("Trade dependence, gross ((EX+IM)/GDP)", "外贸依存度，总值（(EX+IM)/GDP）"),
    "circ.EX_GDP": ("Export dependence, gross (EX/GDP)", "出口依存度，总值（EX/GDP）"),
    "circ.IM_GDP": ("Import dependence, gross (IM/GDP)", "进口依存度，总值（IM/GDP）"),
    "circ.TD_VA": ("Trade dependence, value added ((VAX+VAM)/GDP)", "外贸依存度，增加值（(VAX+VAM)/GDP）"),
    "circ.VAX_GDP": ("Export dependence, value added (VAX/GDP)", "出口依存度，增加值（VAX/GDP）"),
    "circ.VAM_GDP": ("Import dependence, value added (VAM/GDP)", "进口依存度，增加值（VAM/GDP）"),
    "circ.GAP_RATIO": ("Gap ratio (value-added / gross trade dependence)", "差距比（增加值/总值外贸依存度）"),
    "circ.peak_year": ("Peak year", "峰值年份"),
})


# ===================================================================================================== economies
@dataclass(frozen=True)
class Units:
    """The economies of an account: every region, or every nation as the sum of its regions (METHODS.md 4.3).

    ``of_region[g]`` is the unit of region g; ``U`` the G x G' region-to-unit indicator.
    """

    table: IOTable
    perimeter: str
    names: tuple[str, ...]
    of_region: np.ndarray = field(repr=False)

    @property
    def U(self) -> np.ndarray:
        U = np.zeros((self.table.G, len(self.names)))
        U[np.arange(self.table.G), self.of_region] = 1.0
        return U

    @property
    def groups(self) -> dict[str, list[str]] | None:
        """Units that are not one region of the same name, as country groups for the decompositions (0.6-6)."""
        out = {}
        for u, name in enumerate(self.names):
            members = [r for r, unit in zip(self.table.regions, self.of_region) if unit == u]
            if members != [name]:
                out[name] = members
        return out or None

    def select(self, economies: str | Sequence[str] | None) -> np.ndarray:
        """Positions of the requested economies (all when None); InputError names what exists."""
        if economies is None:
            return np.arange(len(self.names))
        wanted = [economies] if isinstance(economies, str) else list(economies)
        out = []
        for name in wanted:
            if name not in self.names:
                hint = ""
                if self.perimeter == "region" and self.table.nations and name in self.table.nations.values():
                    hint = f" ({name!r} is a nation of this table: use perimeter='nation')"
                raise InputError(f"unknown economy {name!r}{hint}; the {self.perimeter}s of {self.table!r} are "
                                 f"{list(self.names)}")
            out.append(self.names.index(name))
        return np.array(out, dtype=int)


def economy_units(table: IOTable, perimeter: str = "region") -> Units:
    """The economies of ``table`` on ``perimeter`` ('region', or 'nation' from ``table.nations``)."""
    vat.check_choice("perimeter", perimeter, PERIMETERS)
    if perimeter == "region":
        return Units(table, perimeter, table.regions, np.arange(table.G))
    if table.nations is None:
        raise OptionError(f"perimeter='nation' needs a table whose regions are assigned to nations "
                          f"(table.nations); {table!r} has none, so each region is already an economy")
    names = tuple(dict.fromkeys(table.nations[r] for r in table.regions))
    return Units(table, perimeter, names, np.array([names.index(table.nations[r]) for r in table.regions]))


# ===================================================================================================== gross trade
def gross_trade(table: IOTable, perimeter: str = "region") -> tuple[np.ndarray, np.ndarray]:
    """Gross exports and imports of each economy, in the table's unit (METHODS.md 0.4, 4.4).

    E = (Z D + Y) o (1 - D) with D the cell-to-economy indicator, so flows inside an economy (between the regions
    of a nation) are not trade; tables with an open foreign sector add the export vector to EX and the imported
    intermediates and final goods (Zm, Ym) to IM.  The source of EX and IM is the table itself (decision D15).
    """
    units = economy_units(table, perimeter)
    G, N, n = table.G, table.N, table.n
    U = units.U
    own = np.repeat(units.of_region, N)
    E = (table.Z.reshape(n, G, N).sum(2) + table.Y2) @ U
    E[np.arange(n), own] = 0.0
    exports = E.sum(1).reshape(G, N).sum(1) @ U
    imports = E.sum(0)
    if table.exports is not None:
        exports = exports + table.exports.reshape(G, N).sum(1) @ U
    if table.Zm is not None:
        imports = imports + table.Zm.sum(0).reshape(G, N).sum(1) @ U
    if table.Ym is not None:
        imports = imports + table.Ym.sum((0, 2)) @ U
    return exports, imports


# ===================================================================================================== absorption
@dataclass(frozen=True)
class _Cube:
    """VA absorption by origin economy x origin sector x destination economy x k (METHODS.md 2.1, 4.1, 4.3).

    ``inside`` (G', N, G', k): v̂ L Y summed over the cells of each economy; ``outside`` (G', N): VA absorbed by the
    exports outside the table, v ⊙ L ex (exports have no final-demand category); ``import_content`` and
    ``imported_final`` (N, G', k): foreign VA absorbed by each economy by imported product, a^M' L Y and Y^M;
    ``fe`` (G', k): final expenditure (home-produced and imported final goods).
    k = 1 (all categories summed) or the final-demand categories of the table.
    """

    inside: np.ndarray
    outside: np.ndarray
    import_content: np.ndarray
    imported_final: np.ndarray
    fe: np.ndarray

    @property
    def own(self) -> np.ndarray:
        """(G', N, k): VA of each economy's sectors absorbed by its own final demand."""
        G = self.inside.shape[0]
        return self.inside[np.arange(G), :, np.arange(G), :]


def _vat_absorption(table: IOTable, units: Units) -> np.ndarray:
    """(G', N, G', 1) from the cell-level VA absorption of :func:`vat.va_absorption` (inter-country tables)."""
    long = vat.va_absorption(table, level="cell", groups=units.groups)
    names = pd.Index(units.names)
    origin = names.get_indexer(long["exporter"].cat.categories)[long["exporter"].cat.codes.to_numpy()]
    destination = names.get_indexer(long["importer"].cat.categories)[long["importer"].cat.codes.to_numpy()]
    inside = np.zeros((len(names), table.N, len(names), 1))
    inside[origin, long["sector"].cat.codes.to_numpy(), destination, 0] = long["value"].to_numpy()
    return inside


def _solved_absorption(table: IOTable, units: Units, engine: Engine, Y: np.ndarray,
                       Ym: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """inside, import content and imported final goods for final demand Y (n, G, k): one solve L Y."""
    G, N, n = table.G, table.N, table.n
    k = Y.shape[2]
    U = units.U
    LY = engine.solve(Y.reshape(n, G * k))
    cells = (engine.v[:, None] * LY).reshape(G, N, G, k)
    inside = np.einsum("gu,gihk,hv->uivk", U, cells, U, optimize=True)
    import_content = np.zeros((N, len(units.names), k))
    if engine.Am is not None:
        import_content = np.einsum("igk,gu->iuk", (engine.Am @ LY).reshape(N, G, k), U)
    imported_final = np.zeros_like(import_content) if Ym is None else np.einsum("igk,gu->iuk", Ym, U)
    return inside, import_content, imported_final


def _absorption_cube(table: IOTable, units: Units, engine: Engine, *, by_category: bool = False,
                     categories: Sequence[int] | None = None) -> _Cube:
    """The absorption cube summed over final-demand categories, or by category (all, or the given ones).

    Inter-country tables summed over categories take the VA absorption of :func:`vat.va_absorption`; by category,
    and for tables with an open foreign sector, one multi-right-hand-side solve L Y^full.
    """
    U, Gu, N = units.U, len(units.names), table.N
    if by_category or categories is not None:
        keep = list(range(len(table.fd_categories))) if categories is None else list(categories)
        Y, Ym = table.Y[:, :, keep], None if table.Ym is None else table.Ym[:, :, keep]
    else:
        Y, Ym = table.Y2[:, :, None], None if table.Ym is None else table.Ym.sum(2)[:, :, None]
    fe = np.einsum("gk,gu->uk", Y.sum(0), U)
    if Ym is not None:
        fe += np.einsum("gk,gu->uk", Ym.sum(0), U)
    outside = np.zeros((Gu, N))
    if categories is None and table.exports is not None:
        outside = U.T @ (engine.v * engine.solve(table.exports)).reshape(table.G, N)
    if not (by_category or categories is not None or table.has_open_foreign_sector):
        none = np.zeros((N, Gu, 1))
        return _Cube(_vat_absorption(table, units), outside, none, none, fe)
    inside, import_content, imported_final = _solved_absorption(table, units, engine, Y, Ym)
    return _Cube(inside, outside, import_content, imported_final, fe)


def va_absorption_account(table: IOTable, engine: Engine | None = None, *,
                          perimeter: str = "region") -> dict[str, np.ndarray | tuple]:
    """The absorption account of every economy as arrays (METHODS.md 4.1, 4.3(a, c)).

    ``names`` (the economies), ``VAOD`` (G' x G': VA of the row economy absorbed by final demand of the column
    economy, inside the table) and vectors ``gdp``, ``fe``, ``dd``, ``df`` (incl. ``df_outside``, VA absorbed by
    exports outside the table) and ``fd`` (incl. ``fd_import_content`` and ``fd_imported_final`` of tables with
    imports outside the model).  Identities: dd + df = gdp, dd + fd = fe, df - fd = EX - IM.
    """
    units = economy_units(table, perimeter)
    cube = _absorption_cube(table, units, _engine(table, engine))
    vaod = cube.inside.sum((1, 3))
    dd = np.diag(vaod).copy()
    df_outside = cube.outside.sum(1)
    fd_import_content, fd_imported_final = cube.import_content.sum((0, 2)), cube.imported_final.sum((0, 2))
    return {"names": units.names, "VAOD": vaod, "gdp": table.gdp() @ units.U, "fe": cube.fe.sum(1), "dd": dd,
            "df": vaod.sum(1) - dd + df_outside, "df_outside": df_outside,
            "fd": vaod.sum(0) - dd + fd_import_content + fd_imported_final,
            "fd_import_content": fd_import_content, "fd_imported_final": fd_imported_final}


# ----------------------------------------------------------------------------------------------- shares and frames
def _absorption_shares(dd, df, fd, gdp, fe, zero_div: str) -> dict[str, np.ndarray]:
    """DD/GDP, DF/GDP, DD/FE and FD/FE (METHODS.md 4.1)."""
    return {"DD_GDP": safe_divide(dd, gdp, zero_div), "DF_GDP": safe_divide(df, gdp, zero_div),
            "DD_FE": safe_divide(dd, fe, zero_div), "FD_FE": safe_divide(fd, fe, zero_div)}


def _per_gdp(amount, gdp) -> np.ndarray:
    """amount / GDP, NaN where GDP <= 0 (METHODS.md 4.4)."""
    amount, gdp = np.broadcast_arrays(np.asarray(amount, float), np.asarray(gdp, float))
    return np.divide(amount, gdp, out=np.full(amount.shape, np.nan), where=gdp > 0)


def _dependence_ratios(ex, im, vax, vam, gdp) -> dict[str, np.ndarray]:
    """Gross and value-added trade dependence and the gap ratio (METHODS.md 4.4)."""
    td, td_va = _per_gdp(ex + im, gdp), _per_gdp(vax + vam, gdp)
    return {"TD": td, "EX_GDP": _per_gdp(ex, gdp), "IM_GDP": _per_gdp(im, gdp), "TD_VA": td_va,
            "VAX_GDP": _per_gdp(vax, gdp), "VAM_GDP": _per_gdp(vam, gdp), "GAP_RATIO": safe_divide(td_va, td)}


#: the five production components of GDP (METHODS.md 4.2) and their share terms
COMPONENTS = ("V_D", "V_RT", "V_GVC_S", "REX", "REF")
labels.register({f"circ.{c}_GDP": (f"{labels.t(f'circ.{c}', 'en')}, share of GDP",
                                   f"{labels.t(f'circ.{c}', 'zh')}占GDP比重") for c in COMPONENTS})


def _component_shares(levels: Mapping[str, np.ndarray], zero_div: str) -> dict[str, np.ndarray]:
    return {f"{c}_GDP": safe_divide(levels[c], levels["GDP"], zero_div) for c in COMPONENTS}


def _long(table: IOTable, names: Sequence[str], values: Mapping[str, np.ndarray], ratios: Iterable[str], *,
          axis: str | None = None, keys: Sequence[str] = (None,)) -> pd.DataFrame:
    """Long table of arrays shaped (economies,) or (economies, K), K along ``axis`` ('sector' or 'category')
    labelled by ``keys``; rows ordered economy, key, term.  Terms in ``ratios`` get the unit 'ratio'."""
    terms = list(values)
    R, K, T = len(names), len(keys), len(terms)
    stack = np.stack([np.asarray(values[t], float).reshape(R, K) for t in terms], axis=-1)
    ratios = set(ratios)
    key_column = np.tile(np.repeat(np.asarray(keys, dtype=object), T), R)
    none = np.full(R * K * T, None, dtype=object)
    return pd.DataFrame({
        "region": np.repeat(np.asarray(names, dtype=object), K * T),
        "sector": key_column if axis == "sector" else none,
        "category": key_column if axis == "category" else none,
        "term": np.tile(np.asarray(terms, dtype=object), R * K),
        "value": stack.reshape(-1),
        "unit": np.tile([RATIO if t in ratios else table.meta.unit for t in terms], R * K),
    })[COLUMNS]


def _provenance(df: pd.DataFrame, table: IOTable, method: str, options: dict, units: Units) -> pd.DataFrame:
    options = {**options, "perimeter": units.perimeter}
    if units.groups:
        options["nations"] = units.groups
    return tidy(df, method=method, table=table, unit=f"{table.meta.unit}; shares: {RATIO}", options=options)


# ----------------------------------------------------------------------------------------------- 4.1 absorption
def absorption(table: IOTable, *, economies: str | Sequence[str] | None = None, perimeter: str = "region",
               by: str = "total", inventories: str = "keep", engine: Engine | None = None,
               zero_div: str = "nan") -> pd.DataFrame:
    """The value-added circulation account by absorption, the demand view (METHODS.md 4.1; Johnson & Noguera 2012).

    DD = own VA absorbed at home (VAOD_ss), DF = own VA absorbed abroad (VAX_s, including exports outside the
    table), FD = foreign VA absorbed at home (VAM_s, including the import content of home-produced final goods and
    imported final goods in tables with imports outside the model), GDP = DD + DF, FE = DD + FD; the shares DD/GDP,
    DF/GDP, DD/FE and FD/FE; EX and IM from the table (DF - FD = EX - IM).

    ``by='sector'``: DD, DF by origin sector of the economy (rows of v̂ L Y) and FD by foreign origin sector (imported
    product for national tables).  ``by='category'``: DD, DF, FD and FE by the final-demand category that absorbs
    the VA (v̂ L Y^full, e.g. consumption vs investment; 周玲玲 et al. 2021), the pseudo-category ``EXP`` for exports
    outside the table and ``ALL`` for the totals.  ``inventories='exclude_from_shares'`` (0.6-4): levels keep INVNT,
    shares leave out the VA induced by inventory changes from numerators and denominators (so DD/GDP + DF/GDP = 1
    still) and the excluded amounts INVNT_DD, INVNT_GDP, INVNT_FE are reported.
    """
    vat.check_choice("by", by, BREAKDOWNS)
    vat.check_choice("inventories", inventories, INVENTORY_OPTIONS)
    exclude = inventories == "exclude_from_shares"
    if exclude and INVNT not in table.fd_categories:
        raise OptionError(f"inventories='exclude_from_shares' needs an {INVNT} final-demand category; {table!r} has "
                          f"{list(table.fd_categories)}")
    units = economy_units(table, perimeter)
    chosen = units.select(economies)
    eng = _engine(table, engine)
    cube = _absorption_cube(table, units, eng, by_category=by == "category")
    gdp = units.U.T @ table.va.reshape(table.G, table.N)                      # (G', N)
    own = cube.own                                                             # (G', N, k)
    df_inside = cube.inside.sum(2) - own                                       # by origin sector
    fd = cube.inside.sum(0).transpose(1, 0, 2) - own + (cube.import_content + cube.imported_final).transpose(1, 0, 2)
    if exclude and by != "category":                                          # the INVNT column of Y alone
        inv = _absorption_cube(table, units, eng, categories=[table.fd_categories.index(INVNT)])
        inv_dd, inv_df, inv_fe = inv.own[:, :, 0], inv.inside.sum(2)[:, :, 0] - inv.own[:, :, 0], inv.fe[:, 0]
    if by == "total":
        ic, im_final = cube.import_content.sum((0, 2)), cube.imported_final.sum((0, 2))
        values = {"GDP": gdp.sum(1), "FE": cube.fe.sum(1), "DD": own.sum((1, 2)),
                  "DF": df_inside.sum((1, 2)) + cube.outside.sum(1), "FD": fd.sum((1, 2))}
        if table.has_open_foreign_sector:
            values.update({"DF_OUTSIDE": cube.outside.sum(1), "FD_IMPORT_CONTENT": ic, "FD_IMPORTED_FINAL": im_final})
        values["EX"], values["IM"] = gross_trade(table, perimeter)
        net = dict(values)
        if exclude:
            dd_inv, gdp_inv = inv_dd.sum(1), inv_dd.sum(1) + inv_df.sum(1)
            values.update({"INVNT_DD": dd_inv, "INVNT_GDP": gdp_inv, "INVNT_FE": inv_fe})
            net = {"DD": values["DD"] - dd_inv, "DF": values["DF"] - (gdp_inv - dd_inv),
                   "FD": values["FD"] - (inv_fe - dd_inv), "GDP": values["GDP"] - gdp_inv,
                   "FE": values["FE"] - inv_fe}
        shares = _absorption_shares(net["DD"], net["DF"], net["FD"], net["GDP"], net["FE"], zero_div)
        df = _long(table, [units.names[u] for u in chosen], {k: v[chosen] for k, v in {**values, **shares}.items()},
                   shares)
    elif by == "sector":
        values = {"GDP": gdp, "DD": own.sum(2), "DF": df_inside.sum(2) + cube.outside, "FD": fd.sum(2)}
        if table.exports is not None:
            values["DF_OUTSIDE"] = cube.outside
        net = dict(values)
        if exclude:
            values.update({"INVNT_DD": inv_dd, "INVNT_GDP": inv_dd + inv_df})
            net = {"DD": values["DD"] - inv_dd, "DF": values["DF"] - inv_df, "GDP": values["GDP"] - inv_dd - inv_df}
        shares = {"DD_GDP": safe_divide(net["DD"], net["GDP"], zero_div),
                  "DF_GDP": safe_divide(net["DF"], net["GDP"], zero_div)}
        df = _long(table, [units.names[u] for u in chosen], {k: v[chosen] for k, v in {**values, **shares}.items()},
                   shares, axis="sector", keys=table.sectors)
    else:
        df = _by_category(table, units, chosen, cube, gdp.sum(1), own.sum(1), df_inside.sum(1), fd.sum(1),
                          exclude, zero_div)
    return _provenance(df, table, "value-added circulation account by absorption (METHODS.md 4.1)",
                       {"by": by, "inventories": inventories}, units)


def _by_category(table: IOTable, units: Units, chosen: np.ndarray, cube: _Cube, gdp, dd, df, fd, exclude: bool,
                 zero_div: str) -> pd.DataFrame:
    """Rows by absorbing final-demand category, then ``EXP`` (exports outside the table) and ``ALL`` (totals).

    With ``exclude``, shares use GDP and the ``ALL`` amounts net of the INVNT column, and the INVNT rows keep their
    levels only."""
    categories = list(table.fd_categories)
    exported = table.exports is not None
    keys = categories + ([EXPORTS_OUTSIDE] if exported else []) + [ALL]
    outside = cube.outside.sum(1)[:, None]

    def columns(by_category: np.ndarray, in_exports: np.ndarray) -> np.ndarray:
        body = np.hstack([by_category, in_exports]) if exported else by_category
        return np.hstack([body, body.sum(1, keepdims=True)])

    levels = {"FE": columns(cube.fe, 0 * outside), "DD": columns(dd, 0 * outside), "DF": columns(df, outside),
              "FD": columns(fd, 0 * outside)}
    numerators = {name: arr.copy() for name, arr in levels.items()}
    denominator = gdp
    if exclude:
        k = categories.index(INVNT)
        for arr in numerators.values():
            arr[:, -1] -= arr[:, k]
        denominator = gdp - dd[:, k] - df[:, k]
    n = numerators
    shares = {"DD_GDP": safe_divide(n["DD"], denominator[:, None], zero_div),
              "DF_GDP": safe_divide(n["DF"], denominator[:, None], zero_div),
              "DD_FE": safe_divide(n["DD"], n["FE"], zero_div), "FD_FE": safe_divide(n["FD"], n["FE"], zero_div)}
    long = _long(table, [units.names[u] for u in chosen], {k: v[chosen] for k, v in {**levels, **shares}.items()},
                 shares, axis="category", keys=keys)
    if exclude:
        long = long[~((long["category"] == INVNT) & (long["unit"] == RATIO))].reset_index(drop=True)
    return long


# ===================================================================================================== 4.2 production
def _by_economy(result: pd.DataFrame, key: str, names: Sequence[str]) -> dict[str, np.ndarray]:
    """{term: array over ``names``} of a country-level tidy result of vat / gvc."""
    wide = result.pivot_table(index=key, columns="term", values="value", observed=True, aggfunc="sum")
    return {str(term): wide[term].reindex(list(names)).to_numpy(float) for term in wide.columns}


def _assert_reconciled(lhs: np.ndarray, rhs: np.ndarray, identity: str) -> None:
    """The two decompositions must agree (METHODS.md 2.7); a failure is a bug or a numerically unstable table."""
    scale = max(1.0, float(np.abs(rhs).max(initial=0.0)))
    gap = float(np.abs(lhs - rhs).max(initial=0.0))
    if gap > 1e-8 * scale:
        raise AssertionError(f"{identity} fails by {gap:.3e} on a scale of {scale:.3e}")


def _production_options(domestic: str, returned: str | None) -> str:
    vat.check_choice("domestic", domestic, DOMESTIC_OPTIONS)
    if returned is None:
        return "domestic" if domestic == "absorbed" else "international"
    vat.check_choice("returned", returned, RETURNED_OPTIONS)
    if domestic == "absorbed" and returned != "domestic":
        raise OptionError(f"domestic='absorbed' (DD/GDP) counts returned value added as domestic; returned="
                          f"{returned!r} contradicts it: use domestic='pure' to count REF as {returned}")
    if domestic == "pure" and returned == "domestic":
        raise OptionError("domestic='pure' (V_D/GDP) leaves returned value added out of the domestic share; "
                          "returned='domestic' contradicts it: use 'international' or 'separate'")
    return returned


def production(table: IOTable, *, economies: str | Sequence[str] | None = None, perimeter: str = "region",
               domestic: str = "absorbed", returned: str | None = None, zero_div: str = "nan") -> pd.DataFrame:
    """The production-activity view and its reconciliation with absorption (METHODS.md 4.2).

    GDP = V_D + V_RT + V_GVC_S + REX + REF: the WWYZ (2017a) forward terms from :func:`gvc.wwyz_participation`,
    with the complex GVC term split into V_GVC_C = REX + REF by the Borin-Mancini (2019) exporter/source country
    totals of :func:`vat.borin_mancini` (REF, REX = VAX - DAVAX).  The frameworks are asserted to agree: V_RT +
    V_GVC_S = DAVAX and V_GVC_C = REX + REF (METHODS.md 2.7).  Reconciliation with the absorption view: DD = V_D + REF,
    DF = V_RT + V_GVC_S + REX.  Shares of GDP of every component, the forward pure-domestic share and GVC
    participation, and the backward analogue: final output y = Y_D + Y_RT + Y_GVC_S + Y_GVC_C (column sums) with
    its pure-domestic share and backward participation.

    ``domestic='absorbed'`` (default): domestic circulation = DD (REF counted at home, ``returned='domestic'``);
    ``'pure'``: V_D (陈普 & 傅元海 2022), REF counted abroad (``returned='international'``, i.e. 1 - V_D/GDP =
    DVA/GDP) or on its own (``'separate'``).  Needs an inter-country table (REF and REX are not identified when the
    rest of the world lies outside the model).
    """
    returned = _production_options(domestic, returned)
    if table.has_open_foreign_sector:
        raise InputError(f"{table!r} keeps the rest of the world outside the model, so returned (REF) and re-exported "
                         "(REX) value added cannot be identified; the production view (METHODS.md 4.2) needs an "
                         "inter-country table. Use absorption() (DD = V_D there, DF = VA in exports)")
    units = economy_units(table, perimeter)
    chosen = units.select(economies)
    w = _by_economy(gvc.wwyz_participation(table, level="country", groups=units.groups), "region", units.names)
    b = _by_economy(vat.borin_mancini(table, level="country", groups=units.groups), "exporter", units.names)
    v = {"GDP": w["F_VA"], "V_D": w["F_V_D"], "V_RT": w["F_V_RT"], "V_GVC_S": w["F_V_GVC_S"],
         "V_GVC_C": w["F_V_GVC_C"], "REX": b["VAX"] - b["DAVAX"], "REF": b["REF"]}
    _assert_reconciled(v["V_RT"] + v["V_GVC_S"], b["DAVAX"], "V_RT + V_GVC_S = DAVAX")
    _assert_reconciled(v["V_GVC_C"], v["REX"] + v["REF"], "V_GVC_C = REX + REF")
    v["DD"], v["DF"] = v["V_D"] + v["REF"], v["V_RT"] + v["V_GVC_S"] + v["REX"]
    v["DOMESTIC"] = v["V_D"] + (v["REF"] if returned == "domestic" else 0.0)
    v["INTERNATIONAL"] = v["DF"] + (v["REF"] if returned == "international" else 0.0)
    if returned == "separate":
        v["RETURNED"] = v["REF"]
    shares = _component_shares(v, zero_div)
    shares.update({f"{k}_SHARE": safe_divide(v[k], v["GDP"], zero_div)
                   for k in ("DOMESTIC", "INTERNATIONAL", "RETURNED") if k in v})
    shares.update({"F_PURE_DOMESTIC": safe_divide(v["V_D"], v["GDP"], zero_div),
                   "F_GVCPT": safe_divide(v["V_GVC_S"] + v["V_GVC_C"], v["GDP"], zero_div)})
    backward = {"Y_FINAL": w["B_Y"], "Y_D": w["B_V_D"], "Y_RT": w["B_V_RT"], "Y_GVC_S": w["B_V_GVC_S"],
                "Y_GVC_C": w["B_V_GVC_C"]}
    backward_shares = {"B_PURE_DOMESTIC": safe_divide(backward["Y_D"], backward["Y_FINAL"], zero_div),
                       "B_GVCPT": safe_divide(backward["Y_GVC_S"] + backward["Y_GVC_C"], backward["Y_FINAL"],
                                              zero_div)}
    values = {**v, **shares, **backward, **backward_shares}
    df = _long(table, [units.names[u] for u in chosen], {k: a[chosen] for k, a in values.items()},
               [*shares, *backward_shares])
    return _provenance(df, table, "production view of dual circulation: WWYZ 2017a with Borin-Mancini REF/REX "
                       "(METHODS.md 4.2)", {"domestic": domestic, "returned": returned,
                                            "bm": "exporter perspective, source approach"}, units)


# ===================================================================================================== 4.3 nested
def _nation_solve(table: IOTable, engine: Engine, nation: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """L^N rhs with L^N = (I - A o M^N)^-1 block-diagonal by nation: one solve per nation block (the engine's LU
    when one nation spans the table, the local inverse L^D_ss when a nation is one region)."""
    names = list(dict.fromkeys(nation))
    if len(names) == 1:
        return engine.solve(rhs)
    out = np.empty_like(rhs)
    N = table.N
    for name in names:
        regions = np.flatnonzero(nation == name)
        idx = (regions[:, None] * N + np.arange(N)).ravel()
        if regions.size == 1:
            out[idx] = engine.LD_blocks[regions[0]] @ rhs[idx]
        else:
            out[idx] = engine.solve_within(idx, rhs[idx])
    return out


def border_crossing(table: IOTable, engine: Engine | None = None) -> np.ndarray:
    """C1, C2, C3 row sums by origin cell (n x 3) of v̂ L ŷ = C1 + C2 + C3 (METHODS.md 4.3(b); Meng, Wang & Koopman
    2013 for the NVC/GVC nesting): C1 = v ⊙ L^P y^P (no regional border), C2 = v ⊙ (L^N y^N - L^P y^P) (regional
    but not national borders), C3 = v ⊙ (x - L^N y^N) (a national border), with L^P the local inverse by region,
    L^N by nation, y^P (y^N) final demand for each cell's product in its own region (nation).  Exports outside
    the table cross a national border.  Rows sum to va; every part is >= 0 when A, Y >= 0."""
    if table.nations is None:
        raise InputError(f"the border-crossing split (METHODS.md 4.3(b)) needs regions assigned to nations "
                         f"(table.nations); {table!r} has none")
    eng = _engine(table, engine)
    nation = np.array([table.nations[r] for r in table.regions])
    own = table.region_of_cell
    same_nation = (nation[:, None] == nation[None, :])[own]                  # (n, G): destination in own nation
    y_region = table.Y2[np.arange(table.n), own]
    y_nation = (table.Y2 * same_nation).sum(1)
    within_region = eng.apply_LD(y_region)
    within_nation = _nation_solve(table, eng, nation, y_nation)
    v = eng.v
    return np.column_stack([v * within_region, v * (within_nation - within_region), v * (table.x - within_nation)])


def nested(table: IOTable, *, economies: str | Sequence[str] | None = None, engine: Engine | None = None,
           zero_div: str = "nan") -> pd.DataFrame:
    """Nested (region within nation within world) circulation of each region (METHODS.md 4.3; 陆江源 2022; 黎峰 2016).

    (a) GDP_r = A_OWN + A_OTHER_REGIONS + A_ABROAD by where the region's VA is absorbed (abroad includes exports
    outside the table); (b) GDP_r = C1 + C2 + C3 by the borders the VA crosses (:func:`border_crossing`; C2/GDP is
    NVC participation, C3/GDP GVC participation); (c) FE_r = S_OWN + S_OTHER_REGIONS + S_ABROAD by the origin of
    the VA that meets the region's final demand, where abroad includes, for national MRIOs with imports outside the
    model, the import content a^M' L Y_r and the imported final goods (S_IMPORT_CONTENT, S_IMPORTED_FINAL).
    Works on national MRIOs (CEADs provinces of CHN) and on ICIO tables with split countries (CN1, CN2 of CHN).
    """
    if table.nations is None:
        raise InputError(f"the nested view (METHODS.md 4.3) needs regions assigned to nations (table.nations), such "
                         f"as the provinces of a CEADs table or CN1/CN2 of an OECD ICIO read with "
                         f"split_countries='keep'; {table!r} has none")
    units = economy_units(table, "region")
    chosen = units.select(economies)
    eng = _engine(table, engine)
    cube = _absorption_cube(table, units, eng)
    vaod = cube.inside.sum((1, 3))
    nation = np.array([table.nations[r] for r in table.regions])
    same = nation[:, None] == nation[None, :]
    own = np.diag(vaod).copy()
    gdp, fe = table.gdp(), cube.fe.sum(1)
    ic, im_final = cube.import_content.sum((0, 2)), cube.imported_final.sum((0, 2))
    parts = border_crossing(table, eng).reshape(table.G, table.N, 3).sum(1)
    levels = {
        "GDP": gdp,
        "A_OWN": own, "A_OTHER_REGIONS": (vaod * same).sum(1) - own,
        "A_ABROAD": (vaod * ~same).sum(1) + cube.outside.sum(1),
        "C1": parts[:, 0], "C2": parts[:, 1], "C3": parts[:, 2],
        "FE": fe,
        "S_OWN": own, "S_OTHER_REGIONS": (vaod * same).sum(0) - own,
        "S_ABROAD": (vaod * ~same).sum(0) + ic + im_final,
    }
    if table.has_open_foreign_sector:
        levels.update({"S_IMPORT_CONTENT": ic, "S_IMPORTED_FINAL": im_final})
    shares = {f"{k}_SHARE": safe_divide(levels[k], gdp, zero_div)
              for k in ("A_OWN", "A_OTHER_REGIONS", "A_ABROAD", "C1", "C2", "C3")}
    shares.update({f"{k}_SHARE": safe_divide(levels[k], fe, zero_div) for k in ("S_OWN", "S_OTHER_REGIONS", "S_ABROAD")})
    df = _long(table, [units.names[u] for u in chosen], {k: a[chosen] for k, a in {**levels, **shares}.items()},
               shares)
    return _provenance(df, table, "nested region-nation-world circulation (METHODS.md 4.3)",
                       {"nations": dict(table.nations)}, units)


# ===================================================================================================== 4.4 dependence
def trade_dependence(tables: IOTable | Iterable[IOTable], *, economies: str | Sequence[str] | None = None,
                     perimeter: str = "region") -> pd.DataFrame:
    """Gross and value-added trade dependence side by side, over tables (years) and economies (METHODS.md 4.4).

    Gross: TD = (EX + IM)/GDP, EX/GDP, IM/GDP; value added: TD_VA = (VAX + VAM)/GDP, VAX/GDP (= DF/GDP, the
    international-circulation share) and VAM/GDP; GAP_RATIO = TD_VA / TD (李昕 & 徐滇庆 2013; Johnson & Noguera
    2012).  EX, IM and GDP all come from the table (basic prices, goods and services; decision D15).  GDP <= 0 gives
    NaN.  Columns: year, then the columns of the other views.
    """
    tables = [tables] if isinstance(tables, IOTable) else list(tables)
    if not tables:
        raise InputError("give at least one table")
    frames = []
    for table in tables:
        units = economy_units(table, perimeter)
        chosen = units.select(economies)
        account = va_absorption_account(table, perimeter=perimeter)
        ex, im = gross_trade(table, perimeter)
        levels = {"GDP": account["gdp"], "EX": ex, "IM": im, "VAX": account["df"], "VAM": account["fd"]}
        ratios = _dependence_ratios(ex, im, account["df"], account["fd"], account["gdp"])
        frame = _long(table, [units.names[u] for u in chosen],
                      {k: a[chosen] for k, a in {**levels, **ratios}.items()}, ratios)
        frame.insert(0, "year", table.meta.year)
        frames.append(frame)
    df = pd.concat(frames, ignore_index=True)
    labels_ = list(dict.fromkeys(t.meta.label() for t in tables))
    tidy(df, method="trade dependence, gross vs value added (METHODS.md 4.4)", table=tables[0],
         unit="levels: the unit column; dependence: ratio",
         options={"perimeter": perimeter, "source_of_EX_IM_GDP": "IO table (basic prices, goods and services)"})
    df.attrs.update({"source": "; ".join(labels_), "year": sorted({t.meta.year for t in tables}, key=str)})
    return df


def peak_years(result: pd.DataFrame, terms: Sequence[str] = ("TD", "TD_VA")) -> pd.DataFrame:
    """The year in which each economy's ``terms`` peak, from a result with a year column (e.g.
    :func:`trade_dependence` over several tables, or :func:`wiod_series`): region, term, year, value."""
    if "year" not in result.columns:
        raise InputError("peak years need a result with a 'year' column (several tables or the built-in series)")
    rows = result[result["term"].isin(terms)].dropna(subset=["value"])
    if rows.empty:
        raise InputError(f"the result holds none of the terms {list(terms)}")
    best = rows.loc[rows.groupby(["region", "term"], sort=False)["value"].idxmax()]
    out = best[["region", "term", "year", "value"]].reset_index(drop=True)
    out.attrs = {**result.attrs, "method": f"peak years of {', '.join(terms)} ({result.attrs.get('method', '')})"}
    return out


# ===================================================================================================== 4.6 presets
@dataclass(frozen=True)
class PresetPart:
    """One primitive of a preset: a view ('absorption', 'production', 'nested' or 'dependence'), its options and
    the terms the study reports."""

    view: str
    terms: tuple[str, ...]
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Preset:
    """A published indicator of the Chinese dual-circulation literature mapped onto the primitives (METHODS.md 4.6).

    ``status`` is the verification status of the METHODS.md 4.6 table: whether the definition was read in the
    paper (or its abstract or code) or only inferred from its title or citations."""

    name: str
    study: str
    indicator: tuple[str, str]       # the study's indicator (English, Chinese)
    implementation: str
    status: str
    parts: tuple[PresetPart, ...]

    def record(self) -> dict:
        return {"name": self.name, "study": self.study, "indicator": self.indicator[0],
                "indicator_zh": self.indicator[1], "implementation": self.implementation, "status": self.status,
                "parts": [{"view": p.view, "terms": list(p.terms), "options": dict(p.options)} for p in self.parts]}


_SHARES_41 = ("GDP", "FE", "DD", "DF", "FD", "DD_GDP", "DF_GDP", "DD_FE", "FD_FE")
PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("lu2020", "陆江源 (2020)",
           ("GDP split into pure domestic circulation and the part created by international circulation",
            "GDP分解为纯国内循环与参与国际循环创造的部分"),
           "production view, domestic='pure', returned='international': V_D/GDP and 1 - V_D/GDP (METHODS.md 4.2)",
           "partly verified (summarised in a 2023 literature review)",
           (PresetPart("production", ("GDP", "V_D", "DOMESTIC_SHARE", "INTERNATIONAL_SHARE"),
                       {"domestic": "pure", "returned": "international"}),)),
    Preset("lu2022", "陆江源 (2022), 当代经济管理 44(5)",
           ("Provincial GDP split into international, other-province and own-province circulation",
            "各省GDP分解为国际循环、省际循环与省内循环"),
           "nested view (a): A_ABROAD, A_OTHER_REGIONS, A_OWN shares of GDP (METHODS.md 4.3(a))",
           "verified (abstract)",
           (PresetPart("nested", ("GDP", "A_OWN", "A_OTHER_REGIONS", "A_ABROAD", "A_OWN_SHARE",
                                  "A_OTHER_REGIONS_SHARE", "A_ABROAD_SHARE")),)),
    Preset("huang_ni2021", "黄群慧, 倪红福 (2021), 管理世界",
           ("Domestic and international circulation on the demand and supply sides", "需求侧与供给侧的国内国际循环"),
           "absorption view: DD/GDP, DF/GDP (demand side) and DD/FE, FD/FE (supply side) (METHODS.md 4.1)",
           "title verified; formulas not verified",
           (PresetPart("absorption", _SHARES_41),)),
    Preset("chen_etal2022", "陈全润, 许健, 夏炎, 杨翠红 (2022), 中国管理科学",
           ("Value-added measure of the two circulations and value-added trade dependence",
            "基于增加值的双循环测度与增加值外贸依存度"),
           "absorption view DD/GDP, DF/GDP (METHODS.md 4.1) and value-added trade dependence VAX/GDP, (VAX+VAM)/GDP "
           "beside the gross ratio (METHODS.md 4.4)",
           "partly verified (reference list); formulas not verified",
           (PresetPart("absorption", ("GDP", "DD", "DF", "DD_GDP", "DF_GDP")),
            PresetPart("dependence", ("VAX_GDP", "VAM_GDP", "TD_VA", "TD", "GAP_RATIO")))),
    Preset("chen_fu2022", "陈普, 傅元海 (2022), 统计研究",
           ("Inner circulation from the GVC view: WWYZ pure-domestic shares beside GVC participation",
            "价值链视角的内循环：WWYZ纯国内生产占比与价值链参与度"),
           "production view, domestic='pure': V_D/va (forward), Y_D/y (backward), forward and backward GVC "
           "participation (METHODS.md 3.2, 4.2)",
           "verified (R code MeasureGVC that cites the paper)",
           (PresetPart("production", ("F_PURE_DOMESTIC", "B_PURE_DOMESTIC", "F_GVCPT", "B_GVCPT"),
                       {"domestic": "pure", "returned": "international"}),)),
    Preset("li2021", "黎峰 (2021)",
           ("Internal and external circulation from a GVC view", "价值链视角的内外循环"),
           "production view: the WWYZ split V_D, V_RT, V_GVC_S, REX, REF as shares of GDP (METHODS.md 4.2)",
           "partly verified (citation only)",
           (PresetPart("production", ("GDP", "V_D_GDP", "V_RT_GDP", "V_GVC_S_GDP", "REX_GDP", "REF_GDP",
                                      "F_GVCPT")),)),
    Preset("li2016", "黎峰 (2016), 中国工业经济",
           ("National value chain (NVC) vs GVC division of labour", "国内价值链与全球价值链分工"),
           "nested view (b): C2/GDP (NVC) vs C3/GDP (GVC) (METHODS.md 4.3(b), 4.5)",
           "not verified",
           (PresetPart("nested", ("GDP", "C1", "C2", "C3", "C1_SHARE", "C2_SHARE", "C3_SHARE")),)),
    Preset("zhou_etal2021", "周玲玲 et al. (2021)",
           ("Direct and indirect dependence of GDP on consumption, investment and exports",
            "GDP对消费、投资和出口的直接与间接依赖"),
           "absorption view by final-demand category: v̂ L Y^full by category as shares of GDP (METHODS.md 4.1)",
           "partly verified (citation)",
           (PresetPart("absorption", ("DD", "DF", "DD_GDP", "DF_GDP"), {"by": "category"}),)),
    Preset("bjut2022", "北京工业大学学报(社会科学版) (2022)",
           ("Contributions of domestic and international circulation to GDP (supply and demand sides)",
            "国内循环与国际循环对GDP的贡献（供给侧与需求侧）"),
           "absorption view DD/GDP, DF/GDP, DD/FE, FD/FE at full table detail; a country made of several regions "
           "with perimeter='nation' (METHODS.md 4.1, 0.6-6)",
           "verified (abstract)",
           (PresetPart("absorption", _SHARES_41),)),
)}
labels.register({f"circ.preset.{p.name}": p.indicator for p in PRESETS.values()})


def presets() -> pd.DataFrame:
    """The presets (METHODS.md 4.6): name, study, indicator, implementation and verification status."""
    return pd.DataFrame([{"name": p.name, "study": p.study, "indicator": p.indicator[0],
                          "implementation": p.implementation, "status": p.status} for p in PRESETS.values()])


def run_preset(table: IOTable, name: str, *, economies: str | Sequence[str] | None = None,
               perimeter: str = "region") -> pd.DataFrame:
    """The indicator of a published study (METHODS.md 4.6) on ``table``: the terms the study reports, computed by
    the primitives with the preset's options.  ``attrs['preset']`` records the study, its indicator, the mapping,
    the options and the verification status; ``attrs['options']`` repeats the status next to the options."""
    if name not in PRESETS:
        raise OptionError(f"unknown preset {name!r}; the presets are {sorted(PRESETS)} (see presets())")
    preset = PRESETS[name]
    views = {"absorption": absorption, "production": production, "nested": nested, "dependence": trade_dependence}
    frames = []
    for part in preset.parts:
        options = dict(part.options)
        if part.view == "nested":
            if perimeter != "region":
                raise OptionError(f"preset {name!r} uses the nested view, whose economies are regions; "
                                  "drop perimeter='nation'")
        else:
            options["perimeter"] = perimeter
        frame = views[part.view](table, economies=economies, **options)
        frames.append(frame[frame["term"].isin(part.terms)][COLUMNS])
    df = pd.concat(frames, ignore_index=True)
    options = {"preset": name, "study": preset.study, "status": preset.status, "perimeter": perimeter,
               **{f"{p.view}_options": dict(p.options) for p in preset.parts if p.options}}
    tidy(df, method=f"preset {name}: {preset.indicator[0]} - {preset.implementation}", table=table,
         unit=f"{table.meta.unit}; shares: {RATIO}", options=options)
    df.attrs["preset"] = preset.record()
    return df


# ===================================================================================================== built-in series
def series_levels(table: IOTable) -> pd.DataFrame:
    """The levels of the built-in series for every region of an inter-country table (one row per region):
    year, region and GDP, FE, DD, DF, FD, EX, IM (4.1, 4.4) and V_D, V_RT, V_GVC_S, REX, REF (4.2)."""
    account = va_absorption_account(table)
    ex, im = gross_trade(table)
    prod = production(table)
    wide = prod.pivot(index="region", columns="term", values="value").reindex(list(table.regions))
    out = pd.DataFrame({"year": table.meta.year, "region": list(table.regions), "GDP": account["gdp"],
                        "FE": account["fe"], "DD": account["dd"], "DF": account["df"], "FD": account["fd"],
                        "EX": ex, "IM": im})
    for term in COMPONENTS:
        out[term] = wide[term].to_numpy(float)
    return out[["year", "region", *SERIES_LEVELS]]


@cache
def _series_file() -> tuple[pd.DataFrame, dict[str, str]]:
    text = files("dualcirc.datasets").joinpath("data", SERIES_FILE).read_text(encoding="utf-8")
    header = dict(line[2:].split(": ", 1) for line in text.splitlines() if line.startswith("# "))
    wide = pd.read_csv(files("dualcirc.datasets").joinpath("data", SERIES_FILE), comment="#",
                       dtype={"region": str})
    return wide, header


def wiod_series(economies: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The built-in dual-circulation series 1995-2011 from WIOD 2013 (41 regions, million USD), derived by
    ``scripts/build_circulation_series.py`` with :func:`series_levels`: its levels and the shares of 4.1, the
    dependence ratios of 4.4 and the component shares of 4.2, long (year + the columns of the other views).
    ``attrs['options']`` holds the file's provenance header (source files with SHA-256, method, script)."""
    wide, header = _series_file()
    if economies is not None:
        wanted = [economies] if isinstance(economies, str) else list(economies)
        missing = sorted(set(wanted) - set(wide["region"]))
        if missing:
            raise InputError(f"the built-in WIOD series has no economy {missing}; it has "
                             f"{sorted(set(wide['region']))}")
        wide = wide[wide["region"].isin(wanted)]
    lv = {k: wide[k].to_numpy(float) for k in SERIES_LEVELS}
    ratios = {**_absorption_shares(lv["DD"], lv["DF"], lv["FD"], lv["GDP"], lv["FE"], "nan"),
              **_dependence_ratios(lv["EX"], lv["IM"], lv["DF"], lv["FD"], lv["GDP"]), **_component_shares(lv, "nan")}
    values = {**lv, **ratios}
    terms = list(values)
    R, T = len(wide), len(terms)
    df = pd.DataFrame({"year": np.repeat(wide["year"].to_numpy(), T), "region": np.repeat(wide["region"].to_numpy(), T),
                       "sector": None, "category": None, "term": np.tile(terms, R),
                       "value": np.column_stack([values[t] for t in terms]).reshape(-1),
                       "unit": np.tile([RATIO if t in ratios else header["unit"] for t in terms], R)})
    df.attrs.update({"method": header["method"], "options": dict(header), "source": header["source"],
                     "citation": header["citation"], "year": sorted(set(wide["year"].tolist())),
                     "unit": f"{header['unit']}; shares: {RATIO}"})
    return df
