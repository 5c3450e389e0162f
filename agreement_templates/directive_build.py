"""The disposition directive's template, written with build.py's building blocks: the City's
letter to a vendor saying what to return, destroy or de-identify when an agreement ends or a
flow it covers is retired. build.py's main writes it with the agreements.

The variables are declared in sharing/agreements/context.py (`disposition` among them).
"""

from __future__ import annotations

import io

from build import (
    BUILT_AT,
    PORTRAIT,
    TABLE_FONT,
    add_field,
    cell_text,
    fixed_table,
    item,
    loop_table,
    new_section,
    paragraph,
    row_properties,
    set_font,
)
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

FILENAME = "disposition-directive.docx"

# (header, cell, width in cm). Landscape Letter less two margins leaves 23.5 cm.
ELEMENT_COLUMNS = (
    ("No.", "D-{{ loop.index }}", 1.1),
    ("Data flow", "{{ element.flow }}", 3.4),
    ("Data category", "{{ element.category }}", 3.0),
    ("City records", "{{ element.city_records }}", 1.6),
    ("What must happen", "{{ element.action }}", 2.4),
    ("How", "{{ element.method }}", 8.9),
    ("Subprocessors holding copies", "{{ element.subprocessors }}", 3.1),
)

CERTIFICATE_ITEMS = (
    "what was done with it: returned to the City, destroyed or de-identified;",
    "the day it was done, which may not be before the end date above nor after the day the "
    "certificate is signed;",
    "the method used, in enough detail that the City can see it matches the method directed "
    "(for destruction, the NIST SP 800-88 level reached and the tool or service used);",
    "whether every subprocessor named for it confirmed in writing that its copies were handled "
    "the same way;",
    "how copies in backups were handled, or the day the last backup holding them expires and "
    "is overwritten;",
    "where what was done differs from what was directed, why.",
)


def setup(doc) -> None:
    styles = doc.styles
    set_font(styles["Normal"], Pt(10.5))
    styles["Normal"].paragraph_format.space_after = Pt(6)
    for name, size in (("Title", Pt(20)), ("Subtitle", Pt(12)), ("Heading 1", Pt(13))):
        set_font(styles[name], size)
    styles["Heading 1"].paragraph_format.space_before = Pt(12)
    section = doc.sections[0]
    section.page_width, section.page_height = PORTRAIT
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.2)
    header = section.header.paragraphs[0]
    header.add_run(
        "{{ city.name }} · {{ partner.display_name }} · Directive No. {{ disposition.number }}"
    ).font.size = Pt(8)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    for run_text, field in (("Disposition directive · Page ", "PAGE"), (" of ", "NUMPAGES")):
        footer.add_run(run_text).font.size = Pt(8)
        add_field(footer, field)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    props = doc.core_properties
    props.title = "Disposition directive {{ disposition.number }}"
    props.subject = "Return or destruction of City data under agreement {{ agreement.number }}"
    props.author = "{{ city.name }}, {{ city.privacy_office }}"
    props.last_modified_by = "Digital Privacy Office"
    props.comments = ""
    props.keywords = "privacy; data disposition; return; destruction"
    props.revision = 1
    props.created = props.modified = BUILT_AT
    props.last_printed = BUILT_AT


def addresses(doc) -> None:
    paragraph(doc, "Directive for the Return or Destruction of City Data", style="Title")
    paragraph(
        doc,
        "Directive No. {{ disposition.number }} under Agreement No. {{ agreement.number }}",
        style="Subtitle",
    )
    rows = (
        ("From", "{{ city.name }}, {{ city.privacy_office }}, {{ city.address }}"),
        ("To", "{{ partner.legal_name }}, {{ partner.address }}"),
        ("Agreement", "{{ agreement.number }}: {{ agreement.title }}"),
        ("Date of this directive", "{{ generated_on }}"),
        ("Ended on", "{{ disposition.ended_on }}"),
        ("Deadline", "{{ disposition.due_on }}"),
    )
    table = fixed_table(doc, len(rows), (4.2, 12.4), style=None)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row_properties(row)
        cell_text(row.cells[0], label, bold=True)
        cell_text(row.cells[1], value)
        for cell in row.cells:
            cell.paragraphs[0].runs[0].font.size = Pt(10.5)
    paragraph(doc)


def body(doc) -> None:
    paragraph(doc, "1. Why you receive this directive", style="Heading 1")
    item(
        doc,
        "1.1",
        "{{ disposition.reason }}, on {{ disposition.ended_on }}. Under "
        "{{ disposition.clause }} of Agreement No. {{ agreement.number }}, "
        "{{ partner.legal_name }} must return or destroy the City's data as the City directs "
        "and certify in writing that it has done so. This directive is that direction.",
    )
    item(
        doc,
        "1.2",
        "Complete every element listed in Section 2 and submit the signed certificate of "
        "disposition in the City's vendor portal no later than {{ disposition.due_on }}.",
    )
    paragraph(doc, "2. What must happen to each kind of data", style="Heading 1")
    item(
        doc,
        "2.1",
        "The table that follows lists each category of data of each data flow concerned, what "
        "must happen to it and how. “Return to the City” means a complete, usable copy goes "
        "back to the City before the vendor's own copies are removed. “Destroy” means the "
        "data are sanitized by the NIST SP 800-88 method named, so that they cannot be "
        "recovered. “De-identify” means the data are changed so that no one can be identified "
        "from them, by the method named.",
    )
    records(doc)


def records(doc) -> None:
    item(
        doc,
        "2.2",
        "Data marked as City records are records of the City, which the City keeps for the "
        "periods its records schedule and state law set.",
    )
    paragraph(doc, "{%p if disposition.authorization %}")
    paragraph(
        doc,
        "The City authorized in writing the destruction of City records listed here as "
        "destroyed or de-identified: {{ disposition.authorization }}.",
    )
    paragraph(doc, "{%p else %}")
    paragraph(
        doc,
        "The City has not authorized the destruction of City records, so every one of them "
        "must be returned. Do not destroy the City's only copy of any City record.",
    )
    paragraph(doc, "{%p endif %}")


def element_table(doc) -> None:
    new_section(doc, landscape=True)
    paragraph(doc, "Elements of this directive", style="Heading 1")
    loop_table(doc, ELEMENT_COLUMNS, "element in disposition.elements")
    new_section(doc, landscape=False)


def copies_and_certificate(doc) -> None:
    paragraph(doc, "3. Copies held by others and in backups", style="Heading 1")
    item(
        doc,
        "3.1",
        "Each element includes every copy of the data, wherever it is held: in production "
        "systems, test and reporting copies, exports, logs, and by every subprocessor named "
        "in the table. Instruct each subprocessor to do the same and obtain its written "
        "confirmation.",
    )
    item(
        doc,
        "3.2",
        "Each element includes the copies in backups. Where a backup cannot be changed before "
        "it expires, keep it protected as the Agreement requires, never restore the data from "
        "it, and let it expire on its normal schedule; the certificate states that day.",
    )
    paragraph(doc, "4. What the certificate must state", style="Heading 1")
    paragraph(
        doc,
        "The certificate of disposition is completed in the vendor portal, element by "
        "element, and signed electronically by a person with the right to sign for "
        "{{ partner.display_name }}. For each element it states:",
    )
    for text in CERTIFICATE_ITEMS:
        paragraph(doc, text, style="List Bullet")
    paragraph(
        doc,
        "The City reviews the certificate and either accepts it or returns it with questions, "
        "which are answered in the portal and signed again.",
    )
    paragraph(doc, "5. Whom to contact", style="Heading 1")
    paragraph(
        doc,
        "Questions about this directive go to the {{ city.privacy_office }} at "
        "{{ city.privacy_email }}. Please quote Directive No. {{ disposition.number }}.",
    )
    paragraph(doc)
    paragraph(doc, "Issued for {{ city.name }} by its {{ city.privacy_office }}.")


def build_directive() -> bytes:
    doc = Document()
    setup(doc)
    addresses(doc)
    body(doc)
    element_table(doc)
    copies_and_certificate(doc)
    # The table cells' default size, for any cell the building blocks left unsized.
    for table in doc.tables:
        for cell in table._cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = run.font.size or TABLE_FONT
    output = io.BytesIO()
    doc.save(output)
    return output.getvalue()
