"""Reproduce the worked example of docs/industrial_transfer.md: the SDA of China's value added between the WIOD 2013
tables of 1995 and 2011 (built-in), the long-run transfer of manufacturing 1965-2000 (LR-WIOD), the trends on WIOD
1995-2011, and the comparison of trade-based GVC participation with ADB's published rates (2017-2021).  Prints
Markdown tables and writes two charts to docs/figures/ (plotly HTML loading plotly.js from its CDN).

    python scripts/industrial_transfer_example.py [--shared-data ../shared/data] [--figures docs/figures]

The LR-WIOD and ADB parts read ../shared/data and are skipped when it is absent.
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from dualcirc import datasets
from dualcirc.errors import TableWarning
from dualcirc.measures import transfer as tr
from dualcirc.measures import vat
from dualcirc.measures.sector_sets import sector_sets
from dualcirc.readers.lrwiod import read_lrwiod
from dualcirc.report import charts

REPO = Path(__file__).resolve().parents[1]
ECONOMIES = ["CHN", "USA", "JPN", "KOR", "DEU", "IDN", "IND", "MEX"]
#: ADB MRIO economy codes of the economies compared (adb_mrio_countries_dict.csv, column mrio_code)
ADB_CODES = {"PRC": "CHN", "USA": "USA", "JPN": "JPN", "KOR": "KOR", "GER": "DEU", "INO": "IDN", "IND": "IND",
             "MEX": "MEX"}


def markdown(frame: pd.DataFrame, digits: int = 3) -> str:
    def cell(v):
        if isinstance(v, (float, np.floating)):
            return "–" if pd.isna(v) else f"{v:,.{digits}f}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def sda_china(wiod: dict, figures: Path | None) -> None:
    t0, t1 = wiod[1995], wiod[2011]
    rows = {}
    for method in tr.METHODS:
        result = tr.sda(t0, t1, measure="va", method=method)
        rows[method] = result[result["region"] == "CHN"].groupby("effect", observed=True)[["value", "gap"]].sum()
    out = pd.DataFrame({"effect": rows["polar"].index.astype(str),
                        "polar (bn USD)": rows["polar"]["value"].to_numpy() / 1e3,
                        "all orders, 3! x 4! (bn USD)": rows["exact"]["value"].to_numpy() / 1e3,
                        "gap (bn USD)": rows["polar"]["gap"].to_numpy() / 1e3,
                        "% of the change (polar)": 100 * rows["polar"]["value"].to_numpy()
                        / rows["polar"].loc["total_change", "value"]})
    print("### SDA of China's value added, WIOD 1995 -> 2011 (current USD)\n")
    print(markdown(out, 1))
    merged = tr.sda(t0, t1, measure="va", categories="merged")
    m = merged[merged["region"] == "CHN"].groupby("effect", observed=True)[["value", "gap"]].sum() / 1e3
    print("\ncategories='merged' (no category-mix factor), polar, bn USD:\n")
    print(markdown(m.reset_index().assign(effect=lambda d: d["effect"].astype(str)), 1))
    by_sector = tr.sda(t0, t1, measure="va")
    chn = by_sector[by_sector["region"] == "CHN"].pivot_table(index="sector", columns="effect", values="value",
                                                              observed=True, sort=False) / 1e3
    top = chn.sort_values("total_change", ascending=False).head(6)
    top.insert(0, "name", [t1.sector_names[s] for s in top.index])
    print("\nLargest sector contributions (bn USD, polar):\n")
    print(markdown(top.reset_index(), 1))
    transfer = tr.io_transfer(t0, t1)
    moved = transfer.pivot(index="region", columns="indicator", values="value")
    print(f"\nIO-based transfer (trade-pattern effects on output, bn USD): CHN "
          f"{moved.loc['CHN', 'io_transfer'] / 1e3:,.1f} of an output change of "
          f"{moved.loc['CHN', 'output_change'] / 1e3:,.1f}; sum over all regions "
          f"{transfer.attrs['options']['sum_over_regions'] / 1e3:,.1f}")
    if figures is not None:
        parts = rows["polar"].drop(index="total_change")
        fig = charts.waterfall(list(parts.index.astype(str)), (parts["value"] / 1e3).tolist(), total="total_change",
                               title="China: SDA of value added, WIOD 1995-2011 (bn USD, polar average)",
                               value_title="bn USD")
        fig.write_html(figures / "industrial_transfer_sda_china.html", include_plotlyjs="cdn")


def wiod_trends(wiod: dict) -> None:
    print("\n### Trends on WIOD 2013, 1995-2011\n")
    manufacturing = list(sector_sets(wiod[2011]).manufacturing)
    levels = tr.sector_levels(wiod, "va", groups={"manufacturing": manufacturing})
    cells = tr.shift_share(levels, 1995, 2011).cells.pivot(index="region", columns="indicator", values="value")
    movers = cells.sort_values("transfer")
    movers = pd.concat([movers.head(4), movers.tail(4)])
    print("Manufacturing value added, 1995 -> 2011 (shares of the 41 regions' total; transfer in bn USD):\n")
    print(markdown(pd.DataFrame({"region": movers.index, "share 1995": movers["share_start"],
                                 "share 2011": movers["share_end"], "transfer (bn USD)": movers["transfer"] / 1e3,
                                 "speed (pp/yr)": movers["speed_pp_per_year"]}), 3))
    print()
    for bloc in ("RCEP", "EU"):
        res = tr.regionalisation(wiod, bloc, membership_year=2011 if bloc == "EU" else None)
        shares = res.levels[res.levels["unit"] == tr.RATIO].pivot(index="indicator", columns="year", values="value")
        print(f"{bloc} (members in the tables: {', '.join(res.levels.attrs['options']['members'][2011])}):\n")
        print(markdown(shares.reset_index()))
        print()
    speed = tr.transfer_speed(wiod)
    mean = speed[speed["sector"] == "ALL"].pivot(index=["start", "end"], columns="measure", values="value")
    print("Transfer intensity of manufacturing (output-weighted mean TI, share of the sector relocated per year):\n")
    print(markdown(mean.reset_index(), 4))
    serv, dig = tr.servitisation(wiod), tr.digital_intensity(wiod)
    keys = ["direct_share", "complete_share", "va_share", "exports_va_share", "exports_tiva_share"]
    s = serv.levels[(serv.levels["region"] == "CHN") & serv.levels["indicator"].isin(keys)]
    d = dig.levels[(dig.levels["region"] == "CHN") & dig.levels["indicator"].isin(keys)]
    table = pd.concat([s.assign(set="services in manufacturing"), d.assign(set="digital in all sectors")])
    print("\nChina: service content of manufacturing and digital content of all sectors:\n")
    print(markdown(table.pivot_table(index=["set", "indicator"], columns="year", values="value", sort=False)
                   .reset_index()))


def long_run(shared: Path, figures: Path | None) -> None:
    path = shared / "io" / "wiod_longrun" / "lrwiod_wiot_1965_2000_every5y.parquet"
    if not path.is_file():
        print(f"\n(skipped: {path} not found)")
        return
    tables = read_lrwiod(path)
    manufacturing = list(sector_sets(tables[1965]).manufacturing)
    levels = tr.sector_levels(tables, "VA", groups={"manufacturing": manufacturing})
    result = tr.shift_share(levels, 1965, 2000)
    cells = result.cells.pivot(index="region", columns="indicator", values="value")
    wide = levels.pivot(index="region", columns="year", values="value")
    shares = wide / wide.sum(axis=0)
    out = pd.DataFrame({"region": cells.index, "share 1965": shares[1965], "share 1980": shares[1980],
                        "share 2000": shares[2000], "transfer 1965-2000 (bn USD)": cells["transfer"] / 1e3,
                        "speed (pp/yr)": cells["speed_pp_per_year"]}).sort_values("transfer 1965-2000 (bn USD)")
    print("\n### Long-run WIOD: world manufacturing value added (VA row, current USD), 1965-2000\n")
    print(markdown(out, 3))
    speed = tr.transfer_speed(tables)
    mean = speed[speed["sector"] == "ALL"].pivot(index=["start", "end"], columns="measure", values="value")
    print("\nTransfer intensity of the 12 manufacturing sectors (weighted mean TI per year):\n")
    print(markdown(mean.reset_index(), 4))
    hollow = tr.hollowing_out(tables, va="VA")
    focus = ["USA", "GBR", "DEU", "FRA", "JPN", "KOR", "TWN", "CHN"]
    share = hollow.levels[(hollow.levels["indicator"] == "manufacturing_va_share")
                          & hollow.levels["region"].isin(focus)].pivot(index="region", columns="year", values="value")
    breaks = hollow.detail[(hollow.detail["indicator"] == "manufacturing_va_share")
                           & hollow.detail["region"].isin(focus)].pivot(index="region", columns="statistic",
                                                                         values="value")
    print("\nManufacturing share of GDP and the least-squares trend break:\n")
    print(markdown(share.join(breaks[["break_year", "slope_before_pp", "slope_after_pp", "f_statistic",
                                      "accelerated_decline"]]).reindex(focus).reset_index(), 3))
    if figures is not None:
        top = shares.loc[shares[2000].sort_values(ascending=False).index[:12]]
        fig = charts.heatmap(list(top.columns), list(top.index), top.to_numpy().tolist(),
                             title="Shares of world manufacturing value added, LR-WIOD 1965-2000", value_title="share")
        fig.write_html(figures / "industrial_transfer_lrwiod_shares.html", include_plotlyjs="cdn")


def gvc_comparison(wiod: dict, shared: Path) -> None:
    folder = shared / "io" / "adb_mrio_derived"
    if not folder.is_dir():
        print(f"\n(skipped: {folder} not found)")
        return
    ours = []
    for year, table in wiod.items():
        bm = vat.borin_mancini(table, level="country").pivot(index="exporter", columns="term", values="value")
        bm = bm.loc[ECONOMIES]
        ours.append(pd.DataFrame({"economy": ECONOMIES, "year": year, "source": "dualcirc on WIOD 2013",
                                  "GVCP_trade": (bm["GVC"] / bm["GEXP"]).to_numpy(),
                                  "GVCP_trade_b": (bm["GVCB"] / bm["GEXP"]).to_numpy(),
                                  "GVCP_trade_f": (bm["GVCF"] / bm["GEXP"]).to_numpy(),
                                  "exports (bn USD)": bm["GEXP"].to_numpy() / 1e3}))
    codes = pd.read_csv(folder / "adb_mrio_countries_dict.csv")
    index = codes.dropna(subset=["mrio"]).set_index("mrio")["mrio_code"]
    gvcp = pd.read_csv(folder / "adb_mrio_gvc_participation_trade_based.csv.gz")
    gvcp = gvcp[gvcp["agg"] == 35].assign(code=lambda d: d["s"].map(index))
    gvcp = gvcp[gvcp["code"].isin(ADB_CODES)]
    country = gvcp.groupby(["code", "t"])[["Exports", "GVCf", "GVCb", "GVC"]].sum().reset_index()
    adb = pd.DataFrame({"economy": country["code"].map(ADB_CODES), "year": country["t"], "source": "ADB (K. Reyes)",
                        "GVCP_trade": country["GVC"] / country["Exports"],
                        "GVCP_trade_b": country["GVCb"] / country["Exports"],
                        "GVCP_trade_f": country["GVCf"] / country["Exports"],
                        "exports (bn USD)": country["Exports"] / 1e3})
    both = pd.concat(ours + [adb], ignore_index=True)
    print("\n### Trade-based GVC participation (Borin-Mancini exporter/source: GVC = E - DAVAX = GVCB + GVCF)\n")
    wide = both.pivot_table(index="economy", columns="year", values="GVCP_trade", sort=False).reindex(ECONOMIES)
    print(markdown(wide.reset_index(), 3))
    print("\nBackward (GVCB/E) | forward (GVCF/E), 2011 (ours) and 2017 (ADB):\n")
    pick = both[both["year"].isin([2011, 2017])].pivot_table(index="economy", columns="year",
                                                               values=["GVCP_trade_b", "GVCP_trade_f"])
    print(markdown(pick.reindex(ECONOMIES).reset_index().set_axis(
        ["economy", "GVCB/E 2011", "GVCB/E 2017", "GVCF/E 2011", "GVCF/E 2017"], axis=1), 3))
    summary = pd.read_csv(folder / "adb_mrio_summary_63eco_2000_2007_2021.csv.gz")
    index62 = codes.dropna(subset=["mrio62"]).set_index("mrio62")["mrio_code"]
    summary = summary.assign(code=summary["s"].map(index62))
    summary = summary[summary["code"].isin(ADB_CODES) & summary["t"].isin([2000, 2011])]
    adb_levels = summary.groupby(["code", "t"])[["x", "va", "e"]].sum().reset_index()
    rows = []
    for year in (2000, 2011):
        table = wiod[year]
        for code, economy in ADB_CODES.items():
            a = adb_levels[(adb_levels["code"] == code) & (adb_levels["t"] == year)].iloc[0]
            k = table.region_index(economy)
            rows.append({"economy": economy, "year": year,
                         "output WIOD": table.x.reshape(table.G, table.N)[k].sum() / 1e3, "output ADB-62": a["x"] / 1e3,
                         "VA WIOD": table.gdp()[k] / 1e3, "VA ADB-62": a["va"] / 1e3,
                         "ADB-62 column e / output": a["e"] / a["x"]})
    print("\nSame years, same concepts: gross output and value added (bn USD), WIOD 2013 vs ADB MRIO (62 economies); "
          "the summary's column e is not gross exports (see the last column):\n")
    print(markdown(pd.DataFrame(rows), 3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path,
                        default=Path(os.environ.get("DUALCIRC_SHARED_DATA", REPO.parent / "shared" / "data")))
    parser.add_argument("--figures", type=Path, default=REPO / "docs" / "figures")
    args = parser.parse_args()
    args.figures.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        wiod = {year: datasets.load("wiod2013", year) for year in (1995, 2000, 2005, 2011)}
        sda_china(wiod, args.figures)
        wiod_trends(wiod)
        long_run(args.shared_data, args.figures)
        gvc_comparison(wiod, args.shared_data)


if __name__ == "__main__":
    main()
