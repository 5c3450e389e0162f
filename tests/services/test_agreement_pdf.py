"""The shipped agreement templates, rendered with sample data, convert to tagged PDF/A-2 with
LibreOffice: one-off, and warm through a real unoserver that this module starts.

Each template is rendered and converted once per module (a conversion takes a second or two);
pdftotext then reads the PDF back so the tests can check what a signer would see, and pdfinfo
and pdffonts check that it is archival: tagged, PDF/A-2, every font embedded.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import xmlrpc.client
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sharing.agreements import pdf, pdf_cache
from sharing.agreements.docx_properties import set_document_properties
from sharing.agreements.pdf import PdfFailed, PdfUnavailable, docx_to_pdf, pdf_available
from sharing.agreements.rendering import render_docx
from sharing.agreements.sample_context import sample_context
from sharing.extensions import db
from tests.web.tables.agreements import draft

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "agreement_templates"
TEMPLATES = (
    "vendor-data-protection-agreement.docx",
    "interagency-data-sharing-agreement.docx",
    "renewal-amendment.docx",
)
TIMEOUT = 120
ROOT = Path(__file__).resolve().parents[2]
NO_SOFFICE = "/nonexistent/soffice"  # a conversion that succeeds with this came from the server
PROPERTIES = {
    "title": "Parking permits & <records> agreement",
    "subject": "Agreement DSA-2026-0042 between the City and Peña & Hijos",
    "keywords": "DSA-2026-0042",
}


@dataclass(frozen=True)
class Converted:
    pdf: bytes
    pages: list[str]  # pdftotext -layout, one string per page

    @property
    def flat(self) -> str:
        """The whole text with line wrapping undone, to find sentences that wrap."""
        return flatten("\n".join(self.pages))


def flatten(text: str) -> str:
    text = re.sub(r"-\n\s*", "-", text)  # LibreOffice breaks lines after a hyphen
    return " ".join(text.split())


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Converted]:
    results = {}
    for name in TEMPLATES:
        docx = render_docx(TEMPLATE_DIR / name, sample_context())
        pdf = docx_to_pdf(docx, timeout=TIMEOUT)
        results[name] = Converted(pdf=pdf, pages=pdf_pages(pdf, tmp_path_factory.mktemp("pdf")))
    return results


def test_libreoffice_is_available_where_the_suite_runs():
    # .ci/run installs libreoffice-writer-nogui; without it the PDF tests below cannot guard.
    assert pdf_available()


@pytest.mark.parametrize("name", TEMPLATES)
def test_shipped_template_converts_to_a_multi_page_pdf(converted, name, tmp_path):
    result = converted[name]

    assert result.pdf.startswith(b"%PDF-")
    pages = page_count(result.pdf, tmp_path)
    assert pages > 1
    assert len(result.pages) == pages


@pytest.mark.parametrize("name", TEMPLATES)
def test_pdf_shows_every_clause_title_code_and_text(converted, name):
    flat = converted[name].flat

    for clause in sample_context()["clauses"]:
        assert clause["title"] in flat
        assert clause["code"] in flat
        assert flatten(clause["text"]) in flat


@pytest.mark.parametrize("name", TEMPLATES)
def test_pdf_carries_the_agreement_number_and_page_number_on_every_page(converted, name):
    pages = converted[name].pages
    number = sample_context()["agreement"]["number"]

    for index, page in enumerate(pages, start=1):
        assert number in page, f"page {index} lacks the agreement number"
        assert f"Page {index} of {len(pages)}" in flatten(page)


@pytest.mark.parametrize("name", TEMPLATES)
def test_pdf_lists_every_flow_of_exhibit_a_once(converted, name):
    text = "\n".join(converted[name].pages)
    flows = sample_context()["flows"]

    for index, _flow in enumerate(flows, start=1):
        assert text.count(f"<portal> #{index}") == 1  # table cells wrap "Parking permits"
    assert text.count("Issue & renew") == len(flows)
    assert text.count("Ocampo's Mail") == len(flows)
    assert text.count("Trần") == len(flows)


@pytest.mark.parametrize("name", TEMPLATES)
def test_pdf_shows_names_with_accents_and_markup_characters_as_typed(converted, name):
    flat = converted[name].flat
    context = sample_context()

    for value in (
        context["city"]["name"],
        context["city"]["department"],
        context["city"]["signatory_name"],
        context["partner"]["legal_name"],
        context["partner"]["address"],
        context["partner"]["signatory_name"],
        context["agreement"]["title"],
    ):
        assert value in flat
    assert "&amp;" not in flat
    assert "&lt;" not in flat


def test_renewal_amendment_pdf_names_the_original_agreement(converted):
    flat = converted["renewal-amendment.docx"].flat

    assert sample_context()["renewal"]["original_number"] in flat


def test_adoption_pdf_names_the_base_agreement_and_the_adopting_department(tmp_path):
    """The adoption form names what it adopts and for whom, and lists the adopted flows."""
    context = sample_context()
    docx = render_docx(TEMPLATE_DIR / "adoption.docx", context)
    text = flatten("\n".join(pdf_pages(docx_to_pdf(docx, timeout=TIMEOUT), tmp_path)))

    adoption = context["adoption"]
    assert f"adopting Agreement No. {adoption['base_number']}" in text
    assert adoption["adopting_department"] in text and adoption["base_title"] in text
    for flow in context["flows"]:
        assert flatten(flow["system_name"]) in text


def test_two_concurrent_conversions_both_succeed(tmp_path):
    context = sample_context()
    second = {**context, "agreement": {**context["agreement"], "number": "DSA-2026-0099"}}
    template = TEMPLATE_DIR / "vendor-data-protection-agreement.docx"
    documents = [render_docx(template, context), render_docx(template, second)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda data: docx_to_pdf(data, timeout=TIMEOUT), documents))

    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    first_text = flatten("\n".join(pdf_pages(pdfs[0], tmp_path)))
    second_text = flatten("\n".join(pdf_pages(pdfs[1], tmp_path)))
    assert "DSA-2026-0042" in first_text and "DSA-2026-0099" not in first_text
    assert "DSA-2026-0099" in second_text and "DSA-2026-0042" not in second_text


def test_damaged_docx_fails_with_a_message_rather_than_hanging():
    with pytest.raises(PdfFailed) as raised:
        docx_to_pdf(b"PK\x03\x04 this is not a word document", timeout=TIMEOUT)

    assert "Download the .docx instead" in raised.value.message


def test_unconfigured_path_reports_libreoffice_missing():
    with pytest.raises(PdfUnavailable) as raised:
        docx_to_pdf(b"", timeout=TIMEOUT, binary="/nonexistent/soffice")

    assert "LibreOffice is not installed" in raised.value.message


# -- archival PDFs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Archival:
    info: str  # pdfinfo
    meta: str  # pdfinfo -meta: the XMP metadata
    fonts: list[tuple[str, str]]  # pdffonts: (name, embedded yes/no)

    def field(self, name: str) -> str:
        found = re.search(rf"^{name}:\s*(.*)$", self.info, re.MULTILINE)
        return found.group(1).strip() if found else ""


def archival(data: bytes, tmp_path: Path) -> Archival:
    path = tmp_path / "archival.pdf"
    path.write_bytes(data)

    def run(*command: str) -> str:
        return subprocess.run(  # noqa: S603 - poppler's tools, fixed arguments
            [*command, str(path)], capture_output=True, check=True, text=True
        ).stdout

    fonts = []
    for line in run("pdffonts").splitlines()[2:]:
        columns = line.split()
        # name type [type...] encoding emb sub uni object generation
        fonts.append((columns[0], columns[-5]))
    return Archival(info=run("pdfinfo"), meta=run("pdfinfo", "-meta"), fonts=fonts)


def assert_archival(data: bytes, tmp_path: Path) -> Archival:
    result = archival(data, tmp_path)
    assert result.field("Tagged") == "yes"
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", result.meta)
    assert result.fonts, "the PDF names no fonts"
    assert all(embedded == "yes" for _, embedded in result.fonts), result.fonts
    assert not any("DejaVu" in name for name, _ in result.fonts), result.fonts
    assert any(name.endswith("+Carlito") for name, _ in result.fonts), result.fonts
    return result


@pytest.mark.parametrize("name", TEMPLATES)
def test_one_off_conversion_gives_a_tagged_pdf_a2_with_every_font_embedded(
    converted, name, tmp_path
):
    assert_archival(converted[name].pdf, tmp_path)


def test_pdf_carries_the_document_properties_set_on_the_docx(tmp_path):
    docx = render_docx(TEMPLATE_DIR / TEMPLATES[0], sample_context())

    data = docx_to_pdf(set_document_properties(docx, **PROPERTIES), timeout=TIMEOUT)

    result = archival(data, tmp_path)
    assert result.field("Title") == PROPERTIES["title"]
    assert result.field("Subject") == PROPERTIES["subject"]
    assert result.field("Keywords") == PROPERTIES["keywords"]


# -- the warm LibreOffice of unoserver -----------------------------------------------------


def unoserver_program() -> Path:
    """unoserver from the environment `make uno` builds: this checkout's, or the one beside
    the virtual environment running the tests."""
    candidates = [
        os.environ.get("SHARING_TEST_UNOSERVER"),
        ROOT / ".venv-uno" / "bin" / "unoserver",
        Path(sys.prefix).parent / ".venv-uno" / "bin" / "unoserver",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.fail("unoserver is not installed: run `make uno` (make test does it)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Probe(xmlrpc.client.Transport):
    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = 5  # a server still starting accepts and then says nothing
        return connection


@dataclass
class Unoserver:
    """A unoserver with its own ports, profile and log, stopped with its process group."""

    child: subprocess.Popen
    address: str
    log: Path

    @classmethod
    def start(cls, folder: Path, *, attempts: int = 240) -> Unoserver:
        port, office_port = free_port(), free_port()
        log = folder / "unoserver.log"
        with open(log, "wb") as out:
            child = subprocess.Popen(  # noqa: S603 - the test's own unoserver
                [
                    str(unoserver_program()),
                    f"--port={port}",
                    f"--uno-port={office_port}",
                    f"--user-installation={folder / 'profile'}",
                    f"--conversion-timeout={TIMEOUT}",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "HOME": str(folder), "TMPDIR": str(folder)},
                start_new_session=True,
            )
        server = cls(child=child, address=f"127.0.0.1:{port}", log=log)
        proxy = xmlrpc.client.ServerProxy(f"http://{server.address}", transport=_Probe())
        for _ in range(attempts):  # polls until it answers; a start takes about 8 s
            if child.poll() is not None:
                break
            try:
                proxy.info()
                return server
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.25)
        server.stop()
        pytest.fail(f"unoserver did not start: {log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.child.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.child.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):  # whatever is left: LibreOffice
            os.killpg(self.child.pid, signal.SIGKILL)
        self.child.wait()


@pytest.fixture(scope="session")
def unoserver(tmp_path_factory) -> Iterator[str]:
    """One warm server per xdist worker, on free ports with its own profile; its address."""
    server = Unoserver.start(tmp_path_factory.mktemp("unoserver"))
    yield server.address
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_warnings():
    pdf._warned.clear()
    yield
    pdf._warned.clear()


def agreement_docx() -> bytes:
    docx = render_docx(TEMPLATE_DIR / TEMPLATES[0], sample_context())
    return set_document_properties(docx, **PROPERTIES)


def test_warm_server_converts_an_agreement_to_a_tagged_pdf_a2_with_its_properties(
    unoserver, tmp_path
):
    data = docx_to_pdf(agreement_docx(), timeout=TIMEOUT, binary=NO_SOFFICE, server=unoserver)

    result = assert_archival(data, tmp_path)
    assert result.field("Title") == PROPERTIES["title"]
    assert result.field("Keywords") == PROPERTIES["keywords"]
    assert "DSA-2026-0042" in flatten("\n".join(pdf_pages(data, tmp_path)))


def test_stopped_server_falls_back_to_a_one_off_libreoffice_with_one_warning(tmp_path, caplog):
    server = Unoserver.start(tmp_path)
    try:
        warm = docx_to_pdf(
            agreement_docx(), timeout=TIMEOUT, binary=NO_SOFFICE, server=server.address
        )
    finally:
        server.stop()
    assert warm.startswith(b"%PDF-")

    with caplog.at_level(logging.WARNING, logger=pdf.__name__):
        first = docx_to_pdf(agreement_docx(), timeout=TIMEOUT, server=server.address)
        second = docx_to_pdf(agreement_docx(), timeout=TIMEOUT, server=server.address)

    assert_archival(first, tmp_path)
    assert second.startswith(b"%PDF-")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert server.address in warnings[0].getMessage()


class _Garbage(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.end_headers()
        self.wfile.write(b"<not-xml-rpc")

    def log_message(self, *args):
        pass


@pytest.fixture
def broken_server() -> Iterator[str]:
    """An HTTP server on loopback that answers every call with a broken XML-RPC reply."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_server_answering_garbage_falls_back_to_a_one_off_conversion(broken_server, tmp_path):
    data = docx_to_pdf(agreement_docx(), timeout=TIMEOUT, server=broken_server)

    assert_archival(data, tmp_path)


def test_silent_server_stops_the_conversion_at_the_timeout():
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"127.0.0.1:{silent.getsockname()[1]}"

        with pytest.raises(PdfFailed) as raised:
            docx_to_pdf(b"PK\x03\x04", timeout=1, binary=NO_SOFFICE, server=address)

    assert "did not finish within 1 seconds" in raised.value.message


# -- through the app -------------------------------------------------------------------------


def test_pdf_download_converts_through_the_configured_warm_server(
    app, client, login_as, unoserver, tmp_path
):
    app.config.update(PDF_UNOSERVER=unoserver, SOFFICE_BINARY=NO_SOFFICE)
    agreement = draft(generated=True, title="Parking permits & records")
    login_as("procurement")

    response = client.get(f"/agreements/{agreement.id}/agreement.pdf")

    assert response.status_code == 200
    result = assert_archival(response.data, tmp_path)
    assert result.field("Title") == "Parking permits & records"
    assert result.field("Keywords") == agreement.number
    assert agreement.number in result.field("Subject")


@pytest.mark.parametrize("kind", ["unreachable", "broken"])
def test_pdf_download_with_a_failing_server_falls_back_rather_than_failing(
    app, client, login_as, broken_server, kind
):
    app.config["PDF_UNOSERVER"] = broken_server if kind == "broken" else f"127.0.0.1:{free_port()}"
    agreement = draft(generated=True)
    login_as("procurement")

    response = client.get(f"/agreements/{agreement.id}/agreement.pdf")

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")


def test_conversion_runs_outside_the_database_transaction(app, client, login_as, monkeypatch):
    seen = []

    def fake(data, **_):
        seen.append(db.session().in_transaction())
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(pdf, "docx_to_pdf", fake)
    agreement = draft(generated=True)
    login_as("procurement")

    response = client.get(f"/agreements/{agreement.id}/agreement.pdf")

    assert response.status_code == 200
    assert seen == [False]


def test_cached_pdf_is_made_afresh_when_the_title_changes(app, monkeypatch):
    made = []
    monkeypatch.setattr(pdf, "docx_to_pdf", lambda data, **_: made.append(data) or b"%PDF-x")
    agreement = draft(generated=True, title="First title")

    pdf_cache.agreement_pdf(agreement, binary=NO_SOFFICE, timeout=TIMEOUT)
    pdf_cache.agreement_pdf(agreement, binary=NO_SOFFICE, timeout=TIMEOUT)
    agreement.title = "Second title"
    db.session.commit()
    pdf_cache.agreement_pdf(agreement, binary=NO_SOFFICE, timeout=TIMEOUT)

    assert len(made) == 2
