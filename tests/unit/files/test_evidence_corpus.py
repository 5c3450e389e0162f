"""Evidence files are judged by content (sharing.files under the evidence policy): the hostile
corpus is refused, each file for its own reason, and the benign corpus is recognised as the
kind it really is."""

from __future__ import annotations

import zlib
from dataclasses import replace

import pytest
from PIL import Image

from sharing.attestations.evidence import EVIDENCE
from sharing.files import FACTS, Kind, RejectedUpload, inspect, pdf
from tests.fixtures import upload_corpus as corpus

POLICY = replace(EVIDENCE, max_bytes=corpus.CORPUS_MAX_BYTES, max_pixels=corpus.CORPUS_MAX_PIXELS)
HOSTILE = corpus.hostile()
BENIGN = corpus.benign()


def test_the_corpus_is_big_enough():
    """The corpus holds at least 20 hostile and 8 benign files."""
    assert len(HOSTILE) >= 20
    assert len(BENIGN) >= 8


@pytest.mark.parametrize("sample", HOSTILE, ids=[s.label for s in HOSTILE])
def test_hostile_file_is_refused_for_its_own_reason(sample):
    """Each hostile file is refused with the rule it breaks, in a message naming evidence."""
    with pytest.raises(RejectedUpload) as refused:
        inspect(sample.data, sample.filename, POLICY)
    assert refused.value.code == sample.code
    assert "evidence" in refused.value.message.lower()
    assert ".." not in refused.value.message


@pytest.mark.parametrize("sample", BENIGN, ids=[s.label for s in BENIGN])
def test_benign_file_is_recognised_by_content(sample):
    """A benign file is accepted as the kind its bytes say, with its name kept for display once
    bidirectional overrides are taken out of it."""
    checked = inspect(sample.data, sample.filename, POLICY)
    assert checked.kind == Kind(sample.kind)
    assert checked.name == sample.filename.replace("\u202e", "")
    assert checked.suffix == FACTS[checked.kind].suffix


def test_the_client_content_type_plays_no_part():
    """The check never sees the browser's content type: a PNG is a PNG whatever is claimed."""
    png = next(s for s in BENIGN if s.label == "png-sent-as-octet-stream")
    assert inspect(png.data, "chart.png", POLICY).content_type == "image/png"


def test_a_name_that_disagrees_with_the_content_is_refused_with_both_named():
    """A PNG named .pdf is refused, and the message says what it is and what it is called."""
    with pytest.raises(RejectedUpload, match=r"is a PNG image but is named “\.pdf”"):
        inspect(corpus.image("PNG"), "scan.pdf", POLICY)


def test_a_name_without_extension_gets_the_kind_suffix():
    """A download name always ends in the extension of what the file really is."""
    assert inspect(corpus.simple_pdf(), "report", POLICY).name == "report.pdf"


def test_image_size_is_judged_before_any_pixel_is_decoded(monkeypatch):
    """An image over the pixel limit is refused from its header; decoding never starts."""

    def explode(self):
        raise AssertionError("decoded")

    monkeypatch.setattr(Image.Image, "load", explode)
    with pytest.raises(RejectedUpload) as refused:
        inspect(corpus.png_header_only(8000, 8000), "big.png", POLICY)
    assert refused.value.code == "too_many_pixels"


def test_the_pixel_limit_is_the_policy_one():
    """A 100 × 100 image passes at 10,000 pixels and is refused at 9,999."""
    png = corpus.image("PNG", (100, 100))
    assert inspect(png, "a.png", replace(POLICY, max_pixels=10_000)).kind == Kind.PNG
    with pytest.raises(RejectedUpload, match="9,999 pixels"):
        inspect(png, "a.png", replace(POLICY, max_pixels=9_999))


def test_a_pdf_stream_that_inflates_past_the_budget_is_a_decompression_bomb(monkeypatch):
    """Inflating streams to scan them is capped, so a Flate bomb cannot exhaust memory."""
    monkeypatch.setattr(pdf, "MAX_INFLATED_PDF", 1024 * 1024)
    bomb = corpus.simple_pdf(b"", corpus.stream(b"", bytes(4 * 1024 * 1024)))
    with pytest.raises(RejectedUpload, match="decompression bomb") as refused:
        inspect(bomb, "bomb.pdf", POLICY)
    assert refused.value.code == "pdf_bomb"


def test_javascript_split_across_inflate_steps_is_still_found(monkeypatch):
    """A name that straddles two inflated chunks is still seen."""
    monkeypatch.setattr(pdf, "INFLATE_STEP", 4096)
    hidden = b" " * (4096 - 5) + b"/JavaScript (x)"
    sample = corpus.simple_pdf(b"", corpus.stream(b"", hidden))
    with pytest.raises(RejectedUpload, match="JavaScript") as refused:
        inspect(sample, "a.pdf", POLICY)
    assert refused.value.code == "pdf_javascript"


def test_streams_that_are_not_flate_are_skipped():
    """Image data and other filters do not make a benign PDF fail."""
    raw = zlib.compress(b"x")[::-1] * 50
    sample = corpus.simple_pdf(b"", corpus.stream(b"/Filter /DCTDecode", raw, compress=False))
    assert inspect(sample, "a.pdf", POLICY).kind == Kind.PDF
