"""Renewal amendments in bulk: one for every agreement expiring in a window, as one zip.

The zip is written to the response as each amendment is generated, so memory stays flat however
many agreements the window holds and the browser receives data from the first one. Each
amendment is a real agreement (a generated renewal amendment that renews its original), so it
goes on through signature like any other; running the same window again reuses amendments not
yet sent rather than creating more. A failure for one agreement is written to the zip's
summary and the others carry on.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sharing.agreements import files, template_library
from sharing.agreements.drafting import Terms
from sharing.agreements.generation import generate_renewal
from sharing.agreements.models import Agreement, AgreementTemplate, TemplateKind
from sharing.agreements.queries import expiring_between
from sharing.core.csv_safety import safe_cell
from sharing.errors import DomainError, ValidationFailed
from sharing.extensions import db
from sharing.flows.services import in_force

MAX_WINDOW_DAYS = 366
# Every amendment sits in this folder of the zip; the page counts these names to show progress.
FOLDER = "renewal-amendments/"


@dataclass(frozen=True)
class RenewalJob:
    start: date
    end: date
    agreement_ids: list[int]
    template_id: int

    @property
    def file_name(self) -> str:
        return f"renewal-amendments-{self.start.isoformat()}-to-{self.end.isoformat()}.zip"


def due_for_renewal(start: date, end: date) -> list[Agreement]:
    """Agreements in force whose term ends inside the window, soonest first."""
    if end < start:
        return []
    return list(db.session.scalars(expiring_between(start, end)))


def check_window(*, start: date, end: date) -> None:
    """A reversed window is a mistake to point out, not an empty list of agreements."""
    if end < start:
        raise ValidationFailed({"expiring_to": "The window must end on or after its start."})


def plan_renewals(*, start: date, end: date) -> RenewalJob:
    """Check the window and that a renewal-amendment template exists; list what is due."""
    check_window(start=start, end=end)
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationFailed(
            {"expiring_to": f"Choose a window of at most {MAX_WINDOW_DAYS} days."}
        )
    templates = template_library.active_templates(TemplateKind.RENEWAL_AMENDMENT)
    if not templates:
        raise ValidationFailed(
            {"expiring_from": "No renewal amendment template is in use. Upload or activate one."}
        )
    due = due_for_renewal(start, end)
    if not due:
        raise ValidationFailed({"expiring_from": "No agreement in force expires in that window."})
    return RenewalJob(
        start=start, end=end, agreement_ids=[a.id for a in due], template_id=templates[0].id
    )


def renewal_zip(*, actor: Any, job: RenewalJob, today: date) -> Iterator[bytes]:
    """The zip, chunk by chunk: one .docx per amendment, then SUMMARY.csv."""
    sink = _Sink()
    summary: list[list[str]] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for agreement_id in job.agreement_ids:
            original = db.session.get(Agreement, agreement_id)
            try:
                amendment = renew_one(
                    actor=actor, original=original, template_id=job.template_id, today=today
                )
            except DomainError as error:
                db.session.rollback()
                reason = getattr(error, "errors", None) or {}
                message = " ".join(reason.values()) if reason else error.message
                summary.append([original.number, original.organisation.legal_name, "", message])
                continue
            name = f"{FOLDER}{files.file_name(amendment, '.docx')}"
            info = zipfile.ZipInfo(name, date_time=today.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED  # a .docx is already compressed
            archive.writestr(info, files.read(amendment.generated_file))
            summary.append(
                [original.number, original.organisation.legal_name, amendment.number, "generated"]
            )
            yield sink.take()
        archive.writestr("SUMMARY.csv", _summary_csv(summary))
    yield sink.take()


def renew_one(*, actor: Any, original: Agreement, template_id: int, today: date) -> Agreement:
    """Generate (or regenerate) the renewal amendment of one agreement: it starts the day
    after the original expires and runs for the original's renewal term."""
    terms = Terms(
        title=f"Renewal amendment: {original.title}"[:200],
        effective_date=original.expiry_date + timedelta(days=1),
        term_months=original.renewal_term_months,
        auto_renew=original.auto_renew,
        renewal_term_months=original.renewal_term_months,
        notice_days=original.notice_days,
        department_id=original.department_id,
    )
    return generate_renewal(
        actor=actor,
        original=original,
        template=db.session.get(AgreementTemplate, template_id),
        terms=terms,
        flows=_flows_in_force(original),
        today=today,
    )


def _flows_in_force(original: Agreement) -> list:
    current = {}
    for flow in original.flows:
        revision = in_force(flow)
        if revision is not None:
            current[revision.id] = revision
    if not current:
        raise ValidationFailed({"flows": "None of its data flows is still in force."})
    return list(current.values())


def _summary_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["agreement", "organisation", "renewal amendment", "outcome"])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream: zipfile then writes data descriptors, and whatever was
    written since the last `take()` can be sent on."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data
