"""Small hand-made firm-year frames and rules files for the city tests."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from dualcirc.city.fields import coerce


def firms(rows: list[dict], year: int = 2022) -> pd.DataFrame:
    """Records in the registry's schema; each row needs at least firm_id and above_scale."""
    return coerce(pd.DataFrame([{"year": year, **row} for row in rows]))


def rules_file(tmp_path: Path, body: dict, name: str = "rules.yaml") -> Path:
    """A rules file with the required header filled in."""
    header = {"kind": "rules", "id": "test-rules", "title": {"en": "Test rules", "zh": "测试办法"},
              "jurisdiction": {"key": "test", "en": "Test county", "zh": "测试县"}, "year": 2022,
              "sources": [{"id": "hand", "title": "hand-made for the tests"}]}
    path = tmp_path / name
    path.write_text(yaml.safe_dump({**header, **body}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
