"""Write the shipped agreement templates (.docx) with python-docx, so they can be reviewed as code.

Run from the project root: `python agreement_templates/build.py` (add `--out DIR` to write
elsewhere). The output is byte-for-byte stable (fixed core properties and zip timestamps), so a
diff of the .docx files means the wording or layout changed. Every Jinja tag is written as one
run, because docxtpl needs a tag whole. The variables are declared in sharing/agreements/context.py;
the prose is in agreement_texts.py and agreement_provisions.py.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agreement_provisions import EXHIBIT_C, EXHIBIT_D
from agreement_texts import DOCUMENTS
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
BUILT_AT = datetime(2026, 1, 1, 9, 0, 0)
FONT = "Calibri"  # LibreOffice shows it with Carlito, which has the same metrics
PORTRAIT = (Cm(21.59), Cm(27.94))  # US Letter
MARGIN = Cm(2.2)
TABLE_FONT = Pt(9)

# (header, cell, width in cm). Landscape Letter less two margins leaves 23.5 cm.
EXHIBIT_A_COLUMNS = (
    ("No.", "A-{{ loop.index }}", 1.2),
    ("System and department", "{{ flow.system_name }} ({{ flow.department }})", 4.8),
    ("Purposes (the Services)", "{{ flow.purposes }}", 4.6),
    ("Data categories", "{{ flow.categories }}", 4.0),
    ("Retention", "{{ flow.retention }}", 2.9),
    ("Storage location", "{{ flow.storage }}", 2.8),
    ("Subprocessors", "{{ flow.subprocessors }}", 3.2),
)
EXHIBIT_A_DETAILS = (
    ("No.", "A-{{ loop.index }}", 1.2),
    ("Legal authority", "{{ flow.legal_authority }}", 4.3),
    ("Data subjects", "{{ flow.data_subjects }}", 3.8),
    ("Minors", "{{ flow.minors }}", 1.5),
    ("Automated decisions and human oversight", "{{ flow.automated_decisions }}", 6.0),
    ("Why each data category is needed", "{{ flow.justifications }}", 6.7),
)
EXHIBIT_B_COLUMNS = (
    ("Obligation", "{{ item.obligation_code }}", 2.2),
    ("Attestation question", "{{ item.question }}", 15.3),
    ("When", "{{ item.frequency }}; first due {{ item.first_due }}", 6.0),
)
EXHIBIT_E_COLUMNS = (
    ("Code", "{{ clause.code }}", 1.8),
    ("Obligation (Section 3)", "3.{{ clause.number }} {{ clause.title }}", 6.2),
    ("Source in the City's policy", "{{ clause.source }}", 7.5),
    (
        "Why it applies to this Agreement",
        # A context from before exceptions existed has no such field: it reads as none.
        "{{ clause.reason }}{% if clause.exception is defined and clause.exception %} "
        "Exception agreed: {{ clause.exception }}{% endif %}",
        8.0,
    ),
)
CHANGES_COLUMNS = (
    ("Obligation or term", "{{ change.code }} {{ change.title }}", 7.0),
    ("What changes", "{{ change.change }}", 10.1),
)


@dataclass(frozen=True)
class Spec:
    filename: str
    heading: str
    party: str  # how the document names the other party: "Vendor", "Partner Agency"
    intro: str
    recitals: tuple[str, ...]
    definitions: tuple[tuple[str, str], ...]
    scope: tuple[str, ...]
    clauses_intro: str
    term_intro: str
    sections: tuple[tuple[str, tuple], ...]
    exhibit_a_intro: str
    changes_table: bool = False
    scope_after: tuple[str, ...] = ()


# -- building blocks -------------------------------------------------------------------------


def paragraph(doc, text: str = "", *, style: str | None = None, bold: bool = False, center=False):
    """A paragraph holding `text` as a single run, so a Jinja tag is never split."""
    para = doc.add_paragraph(style=style)
    if text:
        run = para.add_run(text)
        run.bold = bold
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return para


def item(doc, number: str, text) -> None:
    """A numbered provision; `text` is a paragraph or (bold caption, paragraph)."""
    para = doc.add_paragraph()
    para.add_run(f"{number} ")
    if isinstance(text, tuple):
        caption, text = text
        para.add_run(caption).bold = True
        para.add_run(" ")
    para.add_run(text)


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def add_field(para, instruction: str, placeholder: str = "1") -> None:
    """A simple Word field (PAGE, NUMPAGES) that Word computes when the document is shown."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")  # half-points: the footer's 8 pt
    properties.append(size)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    para._p.append(field)


def set_font(style, size: Pt | None = None, *, bold: bool | None = None) -> None:
    """Name the font for every script and drop theme fonts, which would otherwise win."""
    style.font.name = FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if size is not None:
        style.font.size = size
    if bold is not None:
        style.font.bold = bold


def row_properties(row, *, header: bool = False) -> None:
    """A row never splits across pages; a header row repeats on each page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def shade(cell, fill: str = "E7E6E6") -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def fixed_table(doc, rows: int, widths: tuple[float, ...], *, style: str | None = "Table Grid"):
    """A table laid out at the given column widths (cm), not stretched to its content."""
    table = doc.add_table(rows=rows, cols=len(widths))
    if style:
        table.style = style
    table.autofit = False  # w:tblLayout type="fixed"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # w:gridCol
        for cell in column.cells:
            cell.width = Cm(width)  # w:tcW
    return table


def cell_text(cell, text: str, *, bold: bool = False) -> None:
    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(text)
    run.bold = bold
    run.font.size = TABLE_FONT


def loop_table(doc, columns: tuple[tuple[str, str, float], ...], loop: str) -> None:
    """A table with a repeating header row and one `{%tr for %}` row per item of the loop."""
    table = fixed_table(doc, 4, tuple(width for _, _, width in columns))
    header, start, body, end = table.rows
    row_properties(header, header=True)
    for row in (start, body, end):
        row_properties(row)
    for cell, (title, _, _) in zip(header.cells, columns, strict=True):
        cell_text(cell, title, bold=True)
        shade(cell)
    cell_text(start.cells[0], f"{{%tr for {loop} %}}")
    for cell, (_, value, _) in zip(body.cells, columns, strict=True):
        cell_text(cell, value)
    cell_text(end.cells[0], "{%tr endfor %}")


def new_section(doc, *, landscape: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)


# -- the document ----------------------------------------------------------------------------


def setup(doc, spec: Spec) -> None:
    styles = doc.styles
    set_font(styles["Normal"], Pt(10.5))
    styles["Normal"].paragraph_format.space_after = Pt(6)
    for name, size in (("Title", Pt(22)), ("Subtitle", Pt(13)), ("Heading 1", Pt(13))):
        set_font(styles[name], size)
    set_font(styles["Heading 2"], Pt(11.5), bold=True)
    set_font(styles["Heading 3"], Pt(10.5), bold=True)
    styles["Heading 1"].paragraph_format.space_before = Pt(14)
    styles["Heading 3"].paragraph_format.space_before = Pt(8)
    section = doc.sections[0]
    section.page_width, section.page_height = PORTRAIT
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.8)
    section.header_distance = section.footer_distance = Cm(1.2)
    header = section.header.paragraphs[0]
    header.add_run(
        "{{ city.name }} · {{ partner.display_name }} · Agreement No. {{ agreement.number }}"
    ).font.size = Pt(8)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    text = f"{spec.heading.title()} · Policy {{{{ policy.label }}}} · Page "
    for run_text, field in ((text, "PAGE"), (" of ", "NUMPAGES")):
        footer.add_run(run_text).font.size = Pt(8)
        add_field(footer, field)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # docxtpl renders these properties, so each agreement carries its own title and number.
    props = doc.core_properties
    props.title = "{{ agreement.title }}"
    props.subject = f"{spec.heading.title()} No. {{{{ agreement.number }}}}"
    props.author = "{{ city.name }}, {{ city.privacy_office }}"
    props.last_modified_by = "Digital Privacy Office"
    props.comments = ""
    props.keywords = "privacy; data sharing; agreement"
    props.revision = 1
    props.created = props.modified = BUILT_AT
    props.last_printed = BUILT_AT


def title_page(doc, spec: Spec) -> None:
    for _ in range(3):
        paragraph(doc)
    paragraph(doc, spec.heading, style="Title", center=True)
    paragraph(doc, "{{ agreement.title }}", style="Subtitle", center=True)
    paragraph(doc, "Agreement No. {{ agreement.number }}", bold=True, center=True)
    paragraph(doc)
    paragraph(doc, "between", center=True)
    paragraph(doc, "{{ city.name }}", bold=True, center=True)
    paragraph(doc, "acting through its {{ city.department }}", center=True)
    paragraph(doc, "{{ city.address }}", center=True)
    paragraph(doc, "and", center=True)
    paragraph(doc, "{{ partner.legal_name }}", bold=True, center=True)
    paragraph(doc, "{{ partner.address }}", center=True)
    paragraph(doc)
    paragraph(doc, "Effective date: {{ agreement.effective_date }}", center=True)
    paragraph(
        doc,
        "Obligations drawn from the City's Privacy Policy, version {{ policy.label }}, "
        "effective {{ policy.effective_date }}",
        center=True,
    )
    paragraph(doc, "Prepared on {{ generated_on }}", center=True)
    page_break(doc)


def preamble(doc, spec: Spec) -> None:
    paragraph(doc, spec.intro)
    paragraph(doc, "Recitals", style="Heading 1")
    for letter, text in zip("ABCDEFGH", spec.recitals, strict=False):
        paragraph(doc, f"{letter}. {text}")
    paragraph(
        doc,
        "The parties therefore agree as follows, intending to be legally bound by the terms "
        "below and by the Exhibits, which form part of this Agreement.",
    )
    paragraph(doc, "1. Definitions", style="Heading 1")
    paragraph(
        doc,
        "In this Agreement the following capitalized terms have the meanings given here. "
        "Words in the singular include the plural and the reverse, and “including” means "
        "“including without limitation”.",
    )
    for term, meaning in spec.definitions:
        para = doc.add_paragraph(style="List Bullet")
        para.add_run(f"“{term}”").bold = True
        para.add_run(f" {meaning}")


def numbered_section(doc, number: int, title: str, texts: tuple, *, first: int = 1) -> None:
    paragraph(doc, f"{number}. {title}", style="Heading 1")
    for index, text in enumerate(texts, start=first):
        item(doc, f"{number}.{index}", text)


def scope_section(doc, spec: Spec) -> None:
    title = "Renewal and What It Changes" if spec.changes_table else "Scope and Roles"
    numbered_section(doc, 2, title, spec.scope)
    if spec.changes_table:
        paragraph(doc, "{%p if renewal.changes %}")
        loop_table(doc, CHANGES_COLUMNS, "change in renewal.changes")
        paragraph(doc)  # space between the table and the next provision
        paragraph(doc, "{%p endif %}")
    for index, text in enumerate(spec.scope_after, start=len(spec.scope) + 1):
        item(doc, f"2.{index}", text)


def clause_section(doc, spec: Spec, number: int) -> None:
    paragraph(doc, f"{number}. Data Protection Obligations", style="Heading 1")
    paragraph(doc, spec.clauses_intro)
    paragraph(doc, "{%p for clause in clauses %}")
    paragraph(
        doc,
        f"{number}.{{{{ clause.number }}}} {{{{ clause.title }}}} "
        "(obligation {{ clause.code }})",
        style="Heading 3",
    )
    paragraph(doc, "{{ clause.text }}")
    paragraph(doc, "{%p endfor %}")
    paragraph(doc, "{%p if not clauses %}")
    paragraph(doc, "No policy obligation applies to the data covered by this Agreement.")
    paragraph(doc, "{%p endif %}")


def term_section(doc, spec: Spec, number: int) -> None:
    paragraph(doc, f"{number}. Term and Renewal", style="Heading 1")
    item(
        doc,
        f"{number}.1",
        f"{spec.term_intro} It takes effect on {{{{ agreement.effective_date }}}} "
        "and continues for {{ agreement.term_months }} months, until "
        "{{ agreement.expiry_date }}, unless it is ended earlier under this Agreement.",
    )
    paragraph(doc, "{%p if agreement.auto_renew %}")
    item(
        doc,
        f"{number}.2",
        "At the end of each term this Agreement renews for a further "
        "{{ agreement.renewal_term_months }} months, unless either party gives the other "
        "written notice of non-renewal at least {{ agreement.notice_days }} days before the "
        "term ends. For the current term, that notice must be received no later than "
        "{{ agreement.cancel_by }}. Each renewal is on the terms then in force, including any "
        "obligations the City updates under its Privacy Policy and notifies in writing.",
    )
    paragraph(doc, "{%p else %}")
    item(
        doc,
        f"{number}.2",
        "This Agreement does not renew automatically. The parties will begin any renewal "
        "discussion at least {{ agreement.notice_days }} days before it expires, that is no "
        "later than {{ agreement.cancel_by }}, and a renewal takes effect only by a written "
        "amendment signed by both parties.",
    )
    paragraph(doc, "{%p endif %}")


def name_line(party: str, line: str) -> str:
    """The signatory's name, or a line to write it on when the register has none."""
    name = f"{party}.signatory_name"
    return f"Name: {{% if {name} %}}{{{{ {name} }}}}{{% else %}}{line}{{% endif %}}"


def signatures(doc, spec: Spec, number: int) -> None:
    heading = paragraph(doc, f"{number}. Signatures", style="Heading 1")
    heading.paragraph_format.keep_with_next = True
    intro = paragraph(
        doc,
        "Each person signing below confirms that they are authorized to bind the party for "
        "which they sign.",
    )
    intro.paragraph_format.keep_with_next = True
    line = "______________________________"
    rows = (
        ("{{ city.name }}", "{{ partner.legal_name }}"),
        ("", ""),
        (f"By: {line}", f"By: {line}"),
        (name_line("city", line), name_line("partner", line)),
        ("Title: {{ city.signatory_title }}", "Title: {{ partner.signatory_title }}"),
        (f"Date: {line}", f"Date: {line}"),
        ("", ""),
        ("APPROVED AS TO FORM", ""),
        ("Office of the City Attorney, {{ city.name }}", ""),
        ("", ""),
        (f"By: {line}", ""),
        (f"Name: {line}", ""),
        ("Title: Deputy City Attorney", ""),
        (f"Date: {line}", ""),
    )
    table = fixed_table(doc, len(rows), (8.2, 8.2), style=None)
    for row, texts in zip(table.rows, rows, strict=True):
        row_properties(row)
        for cell, text in zip(row.cells, texts, strict=True):
            cell_text(cell, text, bold=text in (rows[0] + ("APPROVED AS TO FORM",)))
            cell.paragraphs[0].runs[0].font.size = Pt(10.5) if text else TABLE_FONT
            cell.paragraphs[0].paragraph_format.keep_with_next = True
            cell.paragraphs[0].paragraph_format.space_after = Pt(4)


def exhibits(doc, spec: Spec) -> None:
    new_section(doc, landscape=True)
    paragraph(doc, "Exhibit A — Description of Services and Covered Data Flows", style="Heading 1")
    paragraph(doc, spec.exhibit_a_intro)
    loop_table(doc, EXHIBIT_A_COLUMNS, "flow in flows")
    paragraph(doc, "{%p if not flows %}")
    paragraph(doc, "No data flow is covered yet; one is added only by written amendment.")
    paragraph(doc, "{%p endif %}")
    paragraph(doc, "Details of each Covered Flow", style="Heading 2")
    paragraph(
        doc,
        "For each Covered Flow, numbered as above: the law or authority under which the City "
        "shares the data, whose data it is, whether it includes minors, any automated "
        "decision and the human oversight of it, and why each data category is needed.",
    )
    loop_table(doc, EXHIBIT_A_DETAILS, "flow in flows")
    page_break(doc)
    paragraph(doc, "Exhibit B — Attestation Schedule", style="Heading 1")
    paragraph(
        doc,
        "The Recipient will answer each question below in writing, signed by an officer, by "
        "the first due date and then at the stated frequency, and will keep the evidence that "
        "supports each answer available to the City.",
    )
    loop_table(doc, EXHIBIT_B_COLUMNS, "item in attestation_schedule")
    new_section(doc, landscape=False)
    for letter, title, texts in (
        ("C", "Directive for Disposition of City Data", EXHIBIT_C),
        ("D", "Security Framework", EXHIBIT_D),
    ):
        paragraph(doc, f"Exhibit {letter} — {title}", style="Heading 1")
        paragraph(doc, texts[0])
        for index, text in enumerate(texts[1:], start=1):
            item(doc, f"{letter}.{index}", text)
    new_section(doc, landscape=True)
    paragraph(doc, "Exhibit E — Schedule of Obligations", style="Heading 1")
    paragraph(
        doc,
        "Each obligation in Section 3, with the part of the City's policy it carries out and "
        "the reason this Agreement includes it. This Exhibit explains Section 3 and does not "
        "change it.",
    )
    loop_table(doc, EXHIBIT_E_COLUMNS, "clause in clauses")


def build(spec: Spec) -> bytes:
    doc = Document()
    setup(doc, spec)
    title_page(doc, spec)
    preamble(doc, spec)
    scope_section(doc, spec)
    clause_section(doc, spec, 3)
    term_section(doc, spec, 4)
    number = 5
    for title, texts in spec.sections:
        numbered_section(doc, number, title, texts)
        number += 1
    signatures(doc, spec, number)
    exhibits(doc, spec)
    output = io.BytesIO()
    doc.save(output)
    return output.getvalue()


def main(argv: list[str]) -> None:
    """Write the templates into agreement_templates/, or into the folder given as `--out DIR`."""
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else HERE
    sys.path.insert(0, str(HERE.parent))
    from sharing.agreements.rendering import deterministic_zip

    for fields in DOCUMENTS:
        spec = Spec(**fields)
        (out / spec.filename).write_bytes(deterministic_zip(build(spec)))
        print(f"wrote {out / spec.filename}")
    import adoption_form

    (out / adoption_form.FILENAME).write_bytes(deterministic_zip(adoption_form.build()))
    print(f"wrote {out / adoption_form.FILENAME}")
    # The directive reuses the building blocks above, so it is imported only once they exist.
    from directive_build import FILENAME, build_directive

    (out / FILENAME).write_bytes(deterministic_zip(build_directive()))
    print(f"wrote {out / FILENAME}")


if __name__ == "__main__":
    main(sys.argv[1:])
