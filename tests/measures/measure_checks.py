"""What the measure tests share (pytest puts this folder on sys.path): the tolerance of METHODS.md 8.5, the small
random inter-country tables hypothesis draws for the identities of 9.1, and the values of one indicator of a
long-format result."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import settings
from hypothesis import strategies as st

from dualcirc.testing import random_icio

RTOL = 1e-10                      # n <= 500 (METHODS.md 8.5)
SETTINGS = settings(max_examples=20, deadline=None, database=None)


def close(got, want, rtol: float = RTOL, *, nan_ok: bool = True) -> None:
    """|got - want| <= rtol * max(1, max|want|) everywhere (METHODS.md 8.5).  ``want`` has got's shape or is one
    number for all; NaN (a share of a zero denominator) must stand in the same places, or nowhere if not
    ``nan_ok``."""
    got, want = np.asarray(got, float), np.asarray(want, float)
    if want.ndim == 0:
        want = np.broadcast_to(want, got.shape)
    assert got.shape == want.shape, f"shapes {got.shape} and {want.shape}"
    scale = max(1.0, np.nanmax(np.abs(want), initial=0.0))
    np.testing.assert_allclose(got, want, rtol=0, atol=rtol * scale, equal_nan=nan_ok)


@st.composite
def tables(draw, negative: bool | None = None):
    """``random_icio`` with 2-4 regions, 1-3 sectors, up to two zero-output cells and, unless ``negative`` says,
    negative inventories or not (METHODS.md 0.6)."""
    G = draw(st.integers(2, 4))
    N = draw(st.integers(1, 3))
    zeros = draw(st.integers(0, min(2, G * N - G)))
    neg = draw(st.booleans()) if negative is None else negative
    return random_icio(G, N, seed=draw(st.integers(0, 10_000)), negative_inventories=neg, zero_output_cells=zeros,
                       satellites=False)


def values(df: pd.DataFrame, indicator: str, **where) -> np.ndarray:
    """The values of one indicator of a long result (rows where ``column == value`` for each of ``where``), in the
    result's row order (the table's cell order)."""
    sel = df[df["indicator"] == indicator]
    for column, value in where.items():
        sel = sel[sel[column] == value]
    return sel["value"].to_numpy()
