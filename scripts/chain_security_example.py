"""Reproduce the worked example of docs/chain_security.md: China's chokepoints (WIOD 2011, NBS 2020), one
disruption scenario in the four shock models (WIOD 2011; NBS 2018 with employment) and the chain map of electrical
and optical equipment (WIOD c14).  Prints the tables as Markdown and writes the charts to docs/figures/ (plotly
HTML loading plotly.js from its CDN, so each file stays small).

    python scripts/chain_security_example.py [--figures docs/figures]

The NBS 2018 scenario reads ../shared/data (the 2018 table and the employment series); it is skipped when absent.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import pandas as pd

from dualcirc import datasets
from dualcirc.errors import TableWarning
from dualcirc.measures import chain, risk
from dualcirc.readers.nbs import attach_employment, read_nbs
from dualcirc.report import charts

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "io" / "china_nbs"


def markdown(frame: pd.DataFrame, digits: int = 3) -> str:
    def cell(v):
        if isinstance(v, float):
            return "–" if pd.isna(v) else f"{v:,.{digits}f}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def chokepoint_table(table, economy, top=10) -> pd.DataFrame:
    ranking = risk.rank_chokepoints(risk.chokepoints(table, economy), top=top)
    ranking.insert(4, "product name", [table.sector_names.get(p, p) for p in ranking["product"]])
    columns = ["rank", "source", "product", "product name", "chokepoint_score", *risk.COMPONENTS,
               "criticality_gdp_loss_share", "import_share_of_demand", "self_sufficiency",
               "flag_strategic_dependency", "flag_sensitive_dependence"]
    return ranking[columns]


#: the mixed model once more with inputs below 5 % of a user's intermediate inputs treated as non-critical
CRITICAL_SHARE = 0.05


def scenario_table(table, shock, economy) -> pd.DataFrame:
    totals = risk.simulate_shocks(table, shock).totals
    critical = risk.simulate_shocks(table, shock, models="mixed", critical_input_share=CRITICAL_SHARE).totals
    critical = critical.assign(model=f"mixed, critical inputs >= {CRITICAL_SHARE:.0%}")
    totals = pd.concat([totals, critical], ignore_index=True)
    rows = totals[totals["region"].isin([economy, "risk.region.total"])]
    wide = rows.pivot_table(index=["model", "region"], columns="indicator", values="value", sort=False).reset_index()
    wide["region"] = wide["region"].replace({"risk.region.total": "all regions"})
    keep = [c for c in ("model", "region", "output_loss", "gdp_loss", "gdp_loss_share", "employment_loss",
                        "rounds", "constrained_cells") if c in wide.columns]
    return wide[keep]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, default=Path("docs/figures"))
    figures = parser.parse_args().figures
    figures.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore", TableWarning)
    wiod, nbs = datasets.load("wiod2013", 2011), datasets.load("china_nbs42", 2020)

    print("## WIOD 2011, CHN chokepoints\n")
    top = chokepoint_table(wiod, "CHN")
    print(markdown(top))
    names = [f"{s} {p}" for s, p in zip(top["source"], top["product"])]
    charts.ranked_bars(names, top["chokepoint_score"].tolist(), highlight=None,
                       title="China's chokepoints, WIOD 2011 (source, product)",
                       value_title="chokepoint score CP").write_html(figures / "chokepoints_CHN_wiod2011.html",
                                                                     include_plotlyjs="cdn")
    print("\n## NBS 2020, chokepoints\n")
    print(markdown(chokepoint_table(nbs, None)))

    print("\n## WIOD 2011 scenario: JPN, KOR, TWN electrical and optical equipment (c14) to CHN cut by half\n")
    shock = risk.make_shock(wiod, "east_asia_c14", ["JPN", "KOR", "TWN"], products="c14", theta=0.5,
                            importers="CHN")
    print(markdown(scenario_table(wiod, shock, "CHN"), digits=5))

    if SHARED.is_dir():
        nbs18 = attach_employment(read_nbs(SHARED / "china_2018_42_noncompetitive.csv.gz"),
                                  SHARED / "china_employment_1990_2018.csv.gz")
        print("\n## NBS 2018 (with employment) scenario: imports of electronic equipment (20) cut by half\n")
        shock = risk.make_shock(nbs18, "electronics_imports", risk.IMPORTS, products="20", theta=0.5)
        print(markdown(scenario_table(nbs18, shock, "CHN"), digits=5))

    print("\n## Chain map: CHN c14 (WIOD 2011)\n")
    cm = chain.chain_map(wiod, "c14", "CHN", top=10)
    print(markdown(cm.upstream.head(11)[["rank", "region", "sector", "direct_input_coefficient",
                                         "total_requirement"]], digits=4))
    print()
    print(markdown(cm.downstream.head(11)[["rank", "region", "sector", "allocation_coefficient",
                                           "total_forward"]], digits=4))
    print()
    print(markdown(cm.candidates[["kind", "sector", "sector_name", "reason"]]))
    chain.write_chain(cm, figures, formats=("html",), include_plotlyjs="cdn")
    (figures / "chain.html").replace(figures / "chain_CHN_c14_wiod2011.html")


if __name__ == "__main__":
    main()
