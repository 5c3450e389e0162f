"""Download names: a readable ASCII fallback and the original letters in filename*."""

from __future__ import annotations

from urllib.parse import unquote

from sharing.core.downloads import ascii_file_name, content_disposition, slug


def test_ascii_fallback_transliterates_vietnamese_and_accented_letters():
    assert ascii_file_name("Công ty Sài Gòn Dữ liệu Đà Nẵng.pdf") == (
        "Cong ty Sai Gon Du lieu Da Nang.pdf"
    )
    assert ascii_file_name("Peña Straße Søren.docx") == "Pena Strasse Soren.docx"


def test_slug_keeps_letters_of_every_script():
    assert slug("Công ty Sài Gòn Dữ liệu", default="x") == "công-ty-sài-gòn-dữ-liệu"
    assert slug("ParkPay, LLC", default="x") == "parkpay-llc"
    assert slug("!!!", default="agreement") == "agreement"


def test_header_has_both_forms_for_a_non_ascii_name():
    header = content_disposition("DSA-2026-0009-công-ty.pdf")
    assert header.startswith('attachment; filename="DSA-2026-0009-cong-ty.pdf"; ')
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "DSA-2026-0009-công-ty.pdf"
    assert "%C3%B4" in encoded  # ô, percent-encoded as UTF-8


def test_header_for_an_ascii_name_has_only_the_quoted_name():
    assert content_disposition("register.csv") == 'attachment; filename="register.csv"'
    assert content_disposition("sharing.ics", inline=True) == 'inline; filename="sharing.ics"'


def test_path_unsafe_characters_never_reach_either_form():
    header = content_disposition('..\\../etc/pass"wd\r\nX-Evil: 1;é.txt')
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    encoded = unquote(header.split("filename*=UTF-8''", 1)[1])
    for name in (fallback, encoded):
        assert not any(c in name for c in '/\\"\r\n;')
        assert not name.startswith(".")
    assert "\r" not in header and "\n" not in header


def test_bidirectional_overrides_never_reach_the_download_name():
    """A name stored before uploads were cleaned still downloads without the override that
    makes `invoice\u202egpj.pdf` read as `invoicefdp.jpg`."""
    header = content_disposition("invoice\u202egpj.pdf")
    assert "\u202e" not in header and "%E2%80%AE" not in header
    assert 'filename="invoicegpj.pdf"' in header
