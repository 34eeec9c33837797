"""Jurisdictions (a tree of any depth), venues and facilities: the tables and the tree.

``data/`` holds the bundled province's divisions (see ``data/PROVENANCE.md``).
"""

from pathlib import Path
from typing import Final

DATA_DIR: Final = Path(__file__).parent / "data"
