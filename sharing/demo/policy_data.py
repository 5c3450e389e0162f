"""Demo data: the policy label the demo expects and the agreement templates.

The obligations themselves come from the library data file (sharing/obligations/data/).
"""

from __future__ import annotations

from typing import Any

from sharing.agreements.models import TemplateKind

POLICY_LABEL = "2026.1"
AGREEMENT_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "name": "Vendor data protection agreement",
        "kind": TemplateKind.VENDOR_DPA,
        "description": "For companies that process City personal information on its behalf.",
    },
    {
        "name": "Interagency data sharing agreement",
        "kind": TemplateKind.INTERAGENCY,
        "description": "For other public agencies, nonprofits and research partners.",
    },
    {
        "name": "Renewal amendment",
        "kind": TemplateKind.RENEWAL_AMENDMENT,
        "description": "Extends an agreement's term and updates its schedules.",
    },
)
