"""Demo data: the policy labels the demo expects, and when the newer one takes effect.

The obligations themselves come from the library data files (sharing/obligations/data/).
"""

from __future__ import annotations

from datetime import date

# The version the demo agreements were generated under.
POLICY_LABEL = "2026.1"
# The newer version, published on top of it so the demo shows what it would change.
LATEST_POLICY_LABEL = "2026.2"
LATEST_POLICY_EFFECTIVE = date(2026, 12, 1)
