"""Demo data: the policy label the demo expects.

The obligations themselves come from the library data file (sharing/obligations/data/).
"""

from __future__ import annotations

POLICY_LABEL = "2026.1"
