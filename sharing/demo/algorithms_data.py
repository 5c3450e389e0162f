"""The demo algorithm records: systems behind demo flows with automated decisions, in
different states of review. Each names its flow by system name; `status` is where its
review stands, and an approved or retired one is on the public register."""

from __future__ import annotations

from typing import Any

from sharing.algorithms.models import AlgorithmStatus, ModelKind
from sharing.flows.models import RiskTier

A = AlgorithmStatus

ALGORITHMS: tuple[dict[str, Any], ...] = (
    {
        "flow": "Youth center face check-in",
        "status": A.APPROVED,
        "deployed_days_ago": 400,
        "tested_days_ago": 120,
        "values": {
            "name": "Youth center face check-in",
            "summary": "A camera at the front desk of each youth center recognizes enrolled "
            "children so staff can record when they arrive and leave.",
            "summary_es": "Una cámara en la recepción de cada centro juvenil reconoce a los "
            "niños inscritos para registrar su llegada y salida.",
            "summary_vi": "Một máy ảnh tại quầy tiếp tân của mỗi trung tâm thanh thiếu niên "
            "nhận diện trẻ đã ghi danh để ghi lại giờ đến và giờ về.",
            "purpose": "Keep an accurate record of which children are in the building, for "
            "their safety and for emergency roll calls.",
            "decisions": "Whether a child is recorded as checked in or out.",
            "decision_maker": "Front-desk staff at the youth center.",
            "human_oversight": "Staff see each match on screen and confirm it. When the match "
            "fails, or a family has opted out, staff check the child in by hand.",
            "contest_route": "Parents can ask the center director to correct an attendance "
            "record, or opt their child out of face matching at any time.",
            "legal_basis": "A parent's written consent at enrollment, under the City's "
            "Digital Privacy Policy.",
            "model_kind": ModelKind.BIOMETRIC,
            "model_name": "KidSafe CheckIn 3.2 face matching",
            "training_data": "The vendor's general face-matching model, trained on licensed "
            "adult and child face images; matching uses only the photos taken at enrollment.",
            "accuracy_metrics": "Correct match on the first try for 97 of 100 children in the "
            "City's pilot; no child was matched to another child's record.",
            "bias_groups_tested": "Age bands (5–8, 9–12, 13–17), skin tone (Monk scale groups) "
            "and sex.",
            "tested_by": "Independent evaluator commissioned by the privacy office",
            "limitations": "Matches fail more often for the youngest children and after a "
            "large change in appearance; photos must be retaken each school year.",
            "risk_tier": RiskTier.CRITICAL,
            "equity_groups": "Children, and especially younger children and children with "
            "darker skin tones, for whom matches failed more often in testing.",
            "equity_mitigations": "Face matching is optional; a failed match never delays a "
            "child's entry; enrollment photos are deleted 30 days after a child leaves.",
            "contact_email": "youthcenters@sanjoseca.example",
            "owner_name": "Marisol Vega",
            "internal_notes": "Re-test for bias before the contract renewal next fall.",
        },
    },
    {
        "flow": "Speed safety cameras",
        "status": A.APPROVED,
        "deployed_days_ago": 300,
        "tested_days_ago": 200,
        "values": {
            "name": "Speed camera violation detection",
            "summary": "Cameras on high-injury corridors measure vehicle speed and flag "
            "vehicles traveling 11 mph or more over the limit.",
            "purpose": "Reduce serious injuries and deaths on the City's most dangerous streets.",
            "decisions": "Whether a notice of violation is mailed to a vehicle's registered owner.",
            "decision_maker": "A trained City reviewer, who approves each notice.",
            "human_oversight": "Every flagged event is reviewed by a person before a notice is "
            "sent; the reviewer can reject unclear images.",
            "contest_route": "The notice explains how to request an administrative review and "
            "then a hearing.",
            "legal_basis": "California Vehicle Code sections 22425 to 22434 (speed safety "
            "system pilot program).",
            "legal_basis_url": "https://leginfo.legislature.ca.gov/",
            "model_kind": ModelKind.RULE_BASED,
            "model_name": "SafeStreets SpeedGuard 5",
            "accuracy_metrics": "Speed measurement certified annually; 2 in 1,000 flagged "
            "events rejected on review for unclear plates.",
            "risk_tier": RiskTier.HIGH,
            "equity_groups": "Residents of neighborhoods where cameras are placed.",
            "equity_mitigations": "Placement follows injury data; reduced fines for people "
            "with low incomes, as the state law requires.",
            "contact_email": "speedcameras@sanjoseca.example",
            "owner_name": "Tom Nguyen",
        },
    },
    {
        "flow": "Fixed license-plate readers",
        "status": A.SUBMITTED,
        "deployed_days_ago": 700,
        "tested_days_ago": None,
        "values": {
            "name": "License-plate hot-list matching",
            "summary": "Fixed cameras read license plates and alert officers when a plate "
            "matches the state's stolen-vehicle or Amber Alert lists.",
            "purpose": "Recover stolen vehicles and find missing children quickly.",
            "decisions": "Whether an officer is alerted to look for a vehicle.",
            "decision_maker": "The officer who receives the alert, after confirming the plate "
            "by eye.",
            "human_oversight": "Officers must confirm the plate and check the list again "
            "before any stop.",
            "contest_route": "Contact the police department's professional standards unit.",
            "legal_basis": "California Civil Code sections 1798.90.5 to 1798.90.55 (automated "
            "license plate recognition).",
            "model_kind": ModelKind.MACHINE_LEARNING,
            "model_name": "PlateGuard Fixed ALPR 4.1",
            "limitations": "Misreads are more common at night and with dirty or damaged plates.",
            "risk_tier": RiskTier.HIGH,
            "equity_groups": "Drivers in neighborhoods with more readers.",
            "contact_email": "alpr@sanjoseca.example",
            "owner_name": "Lt. Ana Ruiz",
            "internal_notes": "Placement map under review with the Digital Privacy Advisory "
            "Taskforce.",
        },
    },
    {
        "flow": "Recycled water smart meters",
        "status": A.DRAFT,
        "deployed_days_ago": 500,
        "tested_days_ago": None,
        "values": {
            "name": "Recycled water leak alerts",
            "summary": "Hourly meter readings that look like a leak raise an alert to the "
            "customer.",
            "purpose": "Save water and spare customers large bills from hidden leaks.",
            "decisions": "Whether a customer is sent a possible-leak alert.",
            "decision_maker": "Sent automatically; staff follow up on repeated alerts.",
            "model_kind": ModelKind.RULE_BASED,
            "risk_tier": RiskTier.LOW,
            "contact_email": "recycledwater@sanjoseca.example",
            "owner_name": "Priya Shah",
        },
    },
)
