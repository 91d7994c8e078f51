"""Progress bars for long command-line work (imports, exports, demo data)."""

import sys

from tqdm import tqdm


def progress_bar(iterable=None, *, total=None, desc="", enabled=True, unit="rows"):
    """A tqdm bar on stderr, silent when disabled or when stderr is not a terminal."""
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=True,
        leave=False,
        file=sys.stderr,
        disable=not enabled or not sys.stderr.isatty(),
        mininterval=0.3,
    )
