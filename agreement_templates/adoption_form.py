"""The adoption of a general offer: a short document by which a City department takes on, for
its own data flows, the terms of an agreement the vendor already signed with another department.

Modelled on the purpose of the Student Data Privacy Consortium's "General Offer of Privacy
Terms" (Exhibit E of its National Data Privacy Agreement), in the City's own words: the base
agreement is named, not repeated, and binds both parties for the adopted flows. Built by
build.py's `main` with the same building blocks as the other templates.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

from build import loop_table, new_section, paragraph, setup, signatures
from docx import Document

FILENAME = "adoption.docx"
HEADING = "ADOPTION OF A GENERAL OFFER"
_TERM = "{{ partner.term }}"

ADOPTED_FLOWS = (
    ("No.", "A-{{ loop.index }}", 1.2),
    ("System and department", "{{ flow.system_name }} ({{ flow.department }})", 5.0),
    ("Purposes", "{{ flow.purposes }}", 6.0),
    ("Data categories", "{{ flow.categories }}", 4.8),
    ("Data subjects", "{{ flow.data_subjects }}; minors: {{ flow.minors }}", 3.5),
    ("Retention", "{{ flow.retention }}", 3.0),
)
SCHEDULE = (
    ("Code", "{{ clause.code }}", 1.8),
    ("Obligation", "{{ clause.title }}", 6.5),
    ("Source in the City's policy", "{{ clause.source }}", 7.2),
    (
        "Why it applies",
        "{{ clause.reason }}{% if clause.exception %} Exception agreed in the Base "
        "Agreement: {{ clause.exception }}{% endif %}",
        8.0,
    ),
)
PROVISIONS = (
    (
        "The Base Agreement",
        "Agreement No. {{ adoption.base_number }}, “{{ adoption.base_title }}”, effective "
        "{{ adoption.base_effective_date }}, between the City, acting through its "
        "{{ adoption.base_department }}, and the "
        + _TERM
        + " (the “Base Agreement”). The "
        + _TERM
        + " offered the terms of the Base Agreement to other City departments and accepted "
        "that general offer electronically; the City's privacy office keeps the record of "
        "that acceptance.",
    ),
    (
        "What is adopted",
        "The Adopting Department adopts the Base Agreement for the data flows listed in "
        "Exhibit A (the “Adopted Flows”), and for no other flow. For the Adopted Flows, every "
        "term of the Base Agreement binds the City and the "
        + _TERM
        + " as if they had signed the Base Agreement again for them: its data protection "
        "obligations (listed in the Schedule of Obligations), its parameters, its Exhibits, "
        "and each exception to the City's policy that the City agreed in the Base Agreement.",
    ),
    (
        "The Base Agreement is unchanged",
        "This Adoption does not amend the Base Agreement or change how it applies to the "
        "flows it already covers. Where this Adoption and the Base Agreement differ, the Base "
        "Agreement controls, except as to the department and the flows this Adoption concerns.",
    ),
    (
        "Term",
        "This Adoption takes effect on {{ agreement.effective_date }} and ends when the Base "
        "Agreement ends: on {{ agreement.expiry_date }}, or earlier if the Base Agreement is "
        "terminated. If the Base Agreement is renewed, this Adoption continues under the "
        "renewed Base Agreement on its renewed terms. The City will tell the Adopting "
        "Department and the " + _TERM + " of every renewal, amendment or termination of the "
        "Base Agreement.",
    ),
    (
        "End of the Adoption",
        "When this Adoption ends, the " + _TERM + " will return or destroy the City Data of "
        "the Adopted Flows as the Base Agreement requires, and will certify it to the City.",
    ),
    (
        "Counterparts",
        "This Adoption may be signed in counterparts and by electronic signature, which has "
        "the same effect as a handwritten one (Cal. Civ. Code § 1633.7).",
    ),
)


def build() -> bytes:
    doc = Document()
    setup(doc, SimpleNamespace(heading=HEADING))
    paragraph(doc, HEADING, style="Title", center=True)
    paragraph(doc, "{{ agreement.title }}", style="Subtitle", center=True)
    paragraph(
        doc,
        "Agreement No. {{ agreement.number }}, adopting Agreement No. {{ adoption.base_number }}",
        bold=True,
        center=True,
    )
    paragraph(
        doc,
        "This Adoption is made between {{ city.name }}, a California municipal corporation "
        "acting through its {{ adoption.adopting_department }} (the “Adopting Department”), "
        "and {{ partner.legal_name }}, {{ partner.address }} (the “" + _TERM + "”). It was "
        "prepared on {{ generated_on }}.",
    )
    for number, (caption, text) in enumerate(PROVISIONS, start=1):
        para = doc.add_paragraph()
        para.add_run(f"{number}. ")
        para.add_run(caption).bold = True
        para.add_run(" ")
        para.add_run(text)
    signatures(doc, None, len(PROVISIONS) + 1)
    new_section(doc, landscape=True)
    paragraph(doc, "Exhibit A — Adopted Data Flows", style="Heading 1")
    paragraph(
        doc,
        "The flows of the Adopting Department that this Adoption covers. Each flow's purposes "
        "are the only purposes for which its data may be used.",
    )
    loop_table(doc, ADOPTED_FLOWS, "flow in flows")
    paragraph(doc, "Schedule of Obligations", style="Heading 1")
    paragraph(
        doc,
        "The obligations of the Base Agreement under the City's Privacy Policy, version "
        "{{ policy.label }}, which bind the parties for the Adopted Flows. The full text of "
        "each is in the Base Agreement.",
    )
    loop_table(doc, SCHEDULE, "clause in clauses")
    output = io.BytesIO()
    doc.save(output)
    return output.getvalue()
