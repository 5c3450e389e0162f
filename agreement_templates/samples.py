"""Render one agreement per shipped template for contrasting demo flows, as the app would, and
write the PDFs and one page of each as a PNG into docs/agreements/ for reviewers.

Run from the project root: `.venv/bin/python agreement_templates/samples.py` (add `--out DIR`
to write elsewhere). It seeds the demo into a temporary SQLite database, drafts each agreement
under the latest published policy through the app's own services (as the demo privacy officer),
generates it, converts it with LibreOffice and renders pages with poppler's `pdftoppm`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EFFECTIVE = date(2027, 1, 1)


@dataclass(frozen=True)
class Sample:
    name: str  # file stem in docs/agreements/
    organisation: str  # the demo partner's legal name starts with this
    systems: tuple[str, ...]  # the demo flows it covers (system names); () renews its agreement
    page_marker: str  # the PNG kept is the first page whose text contains this


SAMPLES = (
    # Plate readers with an automated model and criminal-justice data: ALP and CJI modules.
    Sample(
        "vendor-plate-readers",
        "PlateGuard",
        ("Fixed license-plate readers",),
        "Exhibit A — Description",
    ),
    # Two public agencies' worth of health outreach data: the HIP module, mutual indemnity.
    Sample(
        "interagency-public-health",
        "Santa Teresa County",
        ("Cooling center heat outreach",),
        "Indemnity",
    ),  # fmt: skip
    # The speed cameras' agreement renewed under the newer policy: what changed, by code.
    Sample("renewal-speed-cameras", "SafeStreets", (), "changes"),
)


def main(argv: list[str]) -> None:
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else ROOT / "docs" / "agreements"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sharing-samples-") as scratch:
        os.environ["SHARING_ENV"] = "development"
        os.environ["SHARING_DATABASE_URL"] = f"sqlite:///{scratch}/samples.db"
        os.environ["SHARING_INSTANCE_PATH"] = scratch
        sys.path.insert(0, str(ROOT))
        from sharing import create_app
        from sharing.errors import ValidationFailed

        app = create_app()
        with app.app_context():
            _seed()
            for sample in SAMPLES:
                try:
                    pdf = _render(app, sample)
                except ValidationFailed as error:
                    raise SystemExit(f"{sample.name}: generation refused: {error.errors}") from None
                _write(sample, pdf, out, Path(scratch))
            print(f"wrote {len(SAMPLES)} agreements to {out}")


def _seed() -> None:
    """The schema and the demo data, in the new database."""
    from flask_migrate import upgrade

    from sharing.core.clock import now, today
    from sharing.demo.seed import seed_demo

    upgrade(directory=str(ROOT / "sharing" / "migrations"))
    seed_demo(today=today(), now=now())


def _render(app, sample: Sample) -> bytes:
    """Draft and generate the sample's agreement as the demo privacy officer; its PDF."""
    from sqlalchemy import select

    from sharing.agreements import files, generation
    from sharing.agreements.drafting import Terms, draft_agreement
    from sharing.agreements.models import Agreement, AgreementStatus, TemplateKind
    from sharing.agreements.pdf import docx_to_pdf
    from sharing.agreements.readiness import expected_template_kind
    from sharing.agreements.template_library import active_templates
    from sharing.auth.models import User
    from sharing.core.clock import today
    from sharing.core.roles import Role
    from sharing.extensions import db
    from sharing.flows.models import DataFlow, FlowStatus
    from sharing.vendors.models import Organisation

    actor = db.session.scalar(select(User).where(User.role == Role.PRIVACY))
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.legal_name.startswith(sample.organisation))
    )
    if sample.systems:
        flows = list(
            db.session.scalars(
                select(DataFlow).where(
                    DataFlow.organisation_id == organisation.id,
                    DataFlow.system_name.in_(sample.systems),
                    DataFlow.status == FlowStatus.APPROVED,
                )
            )
        )
        kind = expected_template_kind(organisation, None)
        agreement = draft_agreement(
            actor=actor,
            organisation=organisation,
            flows=flows,
            template=active_templates(kind)[0],
            terms=Terms(
                title=f"Data protection: {organisation.display_name}",
                effective_date=EFFECTIVE,
                department_id=flows[0].department_id,
            ),
            today=today(),
        )
        generation.generate_agreement(
            actor=actor, agreement=agreement, today=today(), expected_version=None
        )
    else:
        original = db.session.scalar(
            select(Agreement).where(
                Agreement.organisation_id == organisation.id,
                Agreement.status.in_(AgreementStatus.RENEWABLE),
            )
        )
        agreement = generation.generate_renewal(
            actor=actor,
            original=original,
            template=active_templates(TemplateKind.RENEWAL_AMENDMENT)[0],
            terms=Terms(
                title=f"Renewal of {original.number}",
                effective_date=original.expiry_date + timedelta(days=1),
                department_id=original.department_id,
            ),
            flows=list(original.flows),
            today=today(),
        )
    data = files.read(agreement.generated_file)
    return docx_to_pdf(
        data,
        timeout=120,
        binary=app.config["SOFFICE_BINARY"],
        server=app.config.get("PDF_UNOSERVER") or None,
    )


def _write(sample: Sample, pdf: bytes, out: Path, scratch: Path) -> None:
    """The PDF, and the first page carrying the sample's marker as a PNG."""
    pdf_path = out / f"{sample.name}.pdf"
    pdf_path.write_bytes(pdf)
    pages = int(
        next(
            line.split()[-1]
            for line in _run("pdfinfo", str(pdf_path)).splitlines()
            if line.startswith("Pages:")
        )
    )
    chosen = next(
        (
            page
            for page in range(1, pages + 1)
            if sample.page_marker
            in _run("pdftotext", "-f", str(page), "-l", str(page), str(pdf_path), "-")
        ),
        1,
    )
    stem = scratch / sample.name
    _run(
        "pdftoppm",
        "-r",
        "70",
        "-png",
        "-f",
        str(chosen),
        "-l",
        str(chosen),
        str(pdf_path),
        str(stem),
    )
    rendered = next(scratch.glob(f"{sample.name}*.png"))
    shutil.move(rendered, out / f"{sample.name}-page-{chosen}.png")
    print(f"{pdf_path.name}: {pages} pages; kept page {chosen} as PNG")


def _run(*command: str) -> str:
    # Fixed poppler tools with paths this script made; no shell, no outside input.
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


if __name__ == "__main__":
    main(sys.argv[1:])
