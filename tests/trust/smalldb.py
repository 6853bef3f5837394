# Demo databases with MANY small schools and groups, so that the disclosure rule is really
# exercised: built with pluginnan_core.demo under another seed and a skewed random source.
"""Small-school demo databases for the disclosure tests.

Why a skewed random source instead of new generator code: the demo generator already turns
exact pupil counts into Skolverket-style published figures (markers, '..' below 10) and keeps
kommun totals equal to the sum of their schools, which is what a complementary-disclosure check
needs. It draws "is this a tiny school?" as `rng.random() < 0.08` (eligibility) and `< 0.06`
(absence). Scaling every `random()` draw by `factor` (< 1) makes tiny schools 1/factor times as
common without touching pluginnan_core/demo.py; sizes, shares and effects come from the same
code as the normal demo.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import numpy as np


class _SkewedRng:
    """A numpy Generator whose `random()` draws are multiplied by `factor` (all else unchanged)."""

    def __init__(self, rng: np.random.Generator, factor: float) -> None:
        self._rng = rng
        self._factor = factor

    def random(self, *args, **kwargs):
        return self._rng.random(*args, **kwargs) * self._factor

    def __getattr__(self, name: str):
        return getattr(self._rng, name)


def build_small(path: Path, seed: int, factor: float, drop_published: float = 0.0) -> Path:
    """Write a region-scale demo database at `path` with many small schools (factor 0.1-0.5).

    `drop_published` removes the published kommun figures of that share of kommuner, so their
    figures are computed from the schools (kalla 'beraknad'), where a small kommun has a real
    pupil count instead of Skolverket's '..' and can leak through sums.
    """
    from pluginnan_core import demo

    real = np.random.default_rng

    def skewed(*args, **kwargs):
        return _SkewedRng(real(*args, **kwargs), factor)

    with mock.patch.object(demo.np.random, "default_rng", skewed):
        data = demo.build("region", seed)
    if drop_published:
        kommuner = sorted(data.eligibility_kommun["kommun_kod"].unique())
        rng = np.random.default_rng(seed)
        dropped = set(rng.choice(kommuner, size=int(len(kommuner) * drop_published), replace=False))
        data.eligibility_kommun = data.eligibility_kommun[~data.eligibility_kommun["kommun_kod"].isin(dropped)]
    demo.write(data, Path(path), scale="region", seed=seed)
    return Path(path)


#: (seed, factor, drop_published) of the databases the disclosure tests use: a moderate one with
#: published kommun figures, and an extreme one where half the kommun figures are computed.
VARIANTS = ((11, 0.35, 0.0), (23, 0.12, 0.5))
