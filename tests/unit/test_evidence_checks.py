"""Evidence files are judged by content: the hostile corpus is refused, each file for its own
reason, and the benign corpus is recognised as the kind it really is."""

from __future__ import annotations

import zlib

import pytest
from PIL import Image

from sharing.attestations import evidence_checks
from sharing.attestations.evidence_checks import check_evidence, safe_name
from sharing.attestations.evidence_kinds import Kind, RejectedEvidence
from tests.fixtures import upload_corpus as corpus

LIMITS = {"max_bytes": corpus.CORPUS_MAX_BYTES, "max_pixels": corpus.CORPUS_MAX_PIXELS}
HOSTILE = corpus.hostile()
BENIGN = corpus.benign()


def test_the_corpus_is_big_enough():
    """The corpus holds at least 20 hostile and 8 benign files."""
    assert len(HOSTILE) >= 20
    assert len(BENIGN) >= 8


@pytest.mark.parametrize("sample", HOSTILE, ids=[s.label for s in HOSTILE])
def test_hostile_file_is_refused_for_its_own_reason(sample):
    """Each hostile file is refused with the rule it breaks, and a message a user can act on."""
    with pytest.raises(RejectedEvidence) as refused:
        check_evidence(sample.data, sample.filename, **LIMITS)
    assert refused.value.code == sample.code
    assert len(refused.value.message) > 30


@pytest.mark.parametrize("sample", BENIGN, ids=[s.label for s in BENIGN])
def test_benign_file_is_recognised_by_content(sample):
    """A benign file is accepted as the kind its bytes say, with its name kept for display."""
    checked = check_evidence(sample.data, sample.filename, **LIMITS)
    assert checked.kind == Kind(sample.kind)
    assert checked.safe_name == sample.filename
    assert checked.suffix == evidence_checks.KINDS[checked.kind][1]


def test_the_client_content_type_plays_no_part():
    """The check never sees the browser's content type: a PNG is a PNG whatever is claimed."""
    png = next(s for s in BENIGN if s.label == "png-sent-as-octet-stream")
    assert check_evidence(png.data, "chart.png", **LIMITS).content_type == "image/png"


def test_a_name_that_disagrees_with_the_content_is_refused_with_both_named():
    """A PNG named .pdf is refused, and the message says what it is and what it is called."""
    png = corpus.image("PNG")
    with pytest.raises(RejectedEvidence, match=r"is a PNG image but is named \.pdf"):
        check_evidence(png, "scan.pdf", **LIMITS)


def test_a_name_without_extension_gets_the_kind_suffix():
    """A download name always ends in the extension of what the file really is."""
    checked = check_evidence(corpus.simple_pdf(), "report", **LIMITS)
    assert checked.safe_name == "report.pdf"


@pytest.mark.parametrize(
    "name", ["../a.pdf", "a/b.pdf", "a\\b.pdf", "C:evil.pdf", "..", "a\x00.pdf", "a\nb.pdf"]
)
def test_names_with_folder_parts_or_control_characters_are_refused(name):
    """A name is never used as a path, and names that look like one are refused."""
    with pytest.raises(RejectedEvidence, match="folder parts") as refused:
        safe_name(name)
    assert refused.value.code == "bad_name"


def test_a_long_name_is_shortened_keeping_its_extension():
    """Names fit the column and still end in their extension."""
    name = safe_name("x" * 400 + ".pdf")
    assert len(name) <= evidence_checks.MAX_NAME_LENGTH and name.endswith(".pdf")


def test_unicode_names_are_normalised_to_nfc():
    """The same name typed on two systems is stored the same way."""
    assert safe_name("Ba\u0301o.png") == "B\u00e1o.png"


def test_image_size_is_judged_before_any_pixel_is_decoded(monkeypatch):
    """An image over the pixel limit is refused from its header; decoding never starts."""

    def explode(self):
        raise AssertionError("decoded")

    monkeypatch.setattr(Image.Image, "load", explode)
    with pytest.raises(RejectedEvidence) as refused:
        check_evidence(corpus.png_header_only(8000, 8000), "big.png", **LIMITS)
    assert refused.value.code == "too_many_pixels"


def test_the_pixel_limit_is_the_configured_one():
    """A 100 × 100 image passes at 10,000 pixels and is refused at 9,999."""
    png = corpus.image("PNG", (100, 100))
    assert check_evidence(png, "a.png", max_bytes=10**6, max_pixels=10_000).kind == Kind.PNG
    with pytest.raises(RejectedEvidence, match="9,999 pixels"):
        check_evidence(png, "a.png", max_bytes=10**6, max_pixels=9_999)


def test_a_pdf_stream_that_inflates_past_the_budget_is_refused(monkeypatch):
    """Inflating streams to scan them is capped, so a Flate bomb cannot exhaust memory."""
    monkeypatch.setattr(evidence_checks, "MAX_INFLATED_PDF", 1024 * 1024)
    bomb = corpus.simple_pdf(b"", corpus.stream(b"", bytes(4 * 1024 * 1024)))
    with pytest.raises(RejectedEvidence) as refused:
        check_evidence(bomb, "bomb.pdf", **LIMITS)
    assert refused.value.code == "pdf_bomb"


def test_javascript_split_across_inflate_steps_is_still_found(monkeypatch):
    """A name that straddles two inflated chunks is still seen."""
    monkeypatch.setattr(evidence_checks, "INFLATE_STEP", 4096)
    hidden = b" " * (4096 - 5) + b"/JavaScript (x)"
    sample = corpus.simple_pdf(b"", corpus.stream(b"", hidden))
    with pytest.raises(RejectedEvidence) as refused:
        check_evidence(sample, "a.pdf", **LIMITS)
    assert refused.value.code == "pdf_active_content"


def test_streams_that_are_not_flate_are_skipped():
    """Image data and other filters do not make a benign PDF fail."""
    raw = zlib.compress(b"x")[::-1] * 50
    sample = corpus.simple_pdf(b"", corpus.stream(b"/Filter /DCTDecode", raw, compress=False))
    assert check_evidence(sample, "a.pdf", **LIMITS).kind == Kind.PDF


def test_a_jsmith_name_is_not_mistaken_for_javascript():
    """Only the exact names count: /JSmith is not /JS."""
    sample = corpus.simple_pdf(b"/Author /JSmith ")
    assert check_evidence(sample, "a.pdf", **LIMITS).kind == Kind.PDF


def test_the_corpus_script_writes_every_file(tmp_path):
    """`python -m tests.fixtures.upload_corpus OUTDIR` writes each sample for manual tries."""
    written = corpus.write_corpus(tmp_path)
    assert written == len(HOSTILE) + len(BENIGN)
    assert len(list((tmp_path / "hostile").iterdir())) == len(HOSTILE)
