"""Where a run's pseudonymisation key comes from: WIJKPROFIEL_PSEUDO_KEY, or a named Prefect Secret block.

The ingest stage never looks for the key itself: the pipeline (and the CLI) hands it a `KeyFromEnvironment`.
The block's name travels inside that value, not through os.environ, because gemeenten load side by side in
threads of one process: a variable set for one gemeente would be read, changed or removed by another.
The key itself is never a flow parameter (Prefect stores parameters).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from wijkprofiel.errors import WijkprofielError

ENV_KEY = "WIJKPROFIEL_PSEUDO_KEY"
ENV_BLOCK = "WIJKPROFIEL_PSEUDO_KEY_BLOCK"


@dataclass(frozen=True)
class KeyFromEnvironment:
    """A key provider: the environment's key, else the Secret block named here (or in WIJKPROFIEL_PSEUDO_KEY_BLOCK).

    Read when a load asks, so a key is looked up only where person-level data is loaded."""

    block: str | None = None

    def __call__(self) -> str:
        value = os.environ.get(ENV_KEY)
        block = self.block or os.environ.get(ENV_BLOCK)
        if not value and block:
            from prefect.blocks.system import Secret

            try:
                value = Secret.load(block).get()
            except Exception as exc:  # Prefect raises several kinds; the user needs the block's name
                raise WijkprofielError(f"cannot read the pseudonymisation key from Prefect Secret block {block!r}: {exc}") from exc
        if not value:
            raise WijkprofielError(
                f"no pseudonymisation key: set {ENV_KEY} (or name a Prefect Secret block in {ENV_BLOCK}); "
                "person-level data is not loaded without one"
            )
        return value
