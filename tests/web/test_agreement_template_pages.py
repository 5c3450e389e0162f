"""Template pages: the privacy office uploads checked .docx templates; unsafe or broken files
are refused on the page with the reason, and nothing of them is stored."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from sqlalchemy import func, select

from sharing.agreements import template_library as library
from sharing.agreements.models import AgreementTemplate, AgreementTemplateVersion
from sharing.agreements.template_library import SHIPPED_TEMPLATES
from sharing.audit.models import AuditEvent
from tests.services.test_template_library import TEMPLATES, make_docx
from tests.web.tables.agreement_templates import make_template, upload, valid_docx

NEW = "/agreements/templates/new"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def post_new(client, data: bytes, *, name: str = "Research partner agreement", file="t.docx"):
    form = {
        "name": name,
        "kind": "interagency",
        "description": "For universities & colleges",
        "notes": "First try",
        "file": upload(data, file),
    }
    return client.post_form(NEW, form)


def count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def assert_nothing_stored(db) -> None:
    assert count(db, AgreementTemplate) == 0
    assert count(db, AgreementTemplateVersion) == 0
    directory = library.template_dir()
    assert not directory.exists() or list(directory.iterdir()) == []
    actions = db.session.scalars(select(AuditEvent.action))
    assert not any(a.startswith("agreement_template.") for a in actions)


def rewrite(data: bytes, changes: dict, *, extra: dict[str, bytes] | None = None) -> bytes:
    """The same .docx with some parts changed (by a function of their content) or added."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename in changes:
                content = changes[member.filename](content)
            target.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED)
        for name, content in (extra or {}).items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


def add_dtd(xml: bytes) -> bytes:
    declaration, rest = xml.split(b"?>", 1)
    return declaration + b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest


# Uploading ----------------------------------------------------------------------------


def test_privacy_uploads_a_valid_template_and_sees_version_one(client, login_as, db):
    """A valid .docx becomes version 1, listed on the template page with its variables."""
    login_as("privacy")
    response = post_new(client, valid_docx())
    assert response.status_code == 302
    template = db.session.scalar(select(AgreementTemplate))
    assert response.headers["Location"] == f"/agreements/templates/{template.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Research partner agreement" in page and "t.docx" in page
    assert "<code>agreement</code>, <code>city</code>" in page
    listing = client.get("/agreements/templates").get_data(as_text=True)
    assert "Version 1" in listing


def test_shipped_template_uploads_as_a_new_version(client, login_as, db):
    """A second upload of a real contract is stored as version 2; version 1 stays listed."""
    template = make_template()
    login_as("admin")
    data = (TEMPLATES / "vendor-data-protection-agreement.docx").read_bytes()
    url = f"/agreements/templates/{template.id}/versions/new"
    response = client.post_form(url, {"notes": "The full contract", "file": upload(data)})
    assert response.status_code == 302
    page = client.get(f"/agreements/templates/{template.id}").get_data(as_text=True)
    assert 'id="version-2"' in page and 'id="version-1"' in page and "The full contract" in page


def test_identical_upload_is_refused_beside_the_file_field(client, login_as, db):
    """Re-uploading the current file says which version it matches."""
    template = make_template()
    login_as("privacy")
    url = f"/agreements/templates/{template.id}/versions/new"
    response = client.post_form(url, {"notes": "again", "file": upload(valid_docx())})
    assert response.status_code == 200
    assert "This file is the same as version 1." in response.get_data(as_text=True)
    assert count(db, AgreementTemplateVersion) == 1


def test_taken_name_is_refused_and_the_typed_values_stay(client, login_as, db):
    """A duplicate name is reported on the name field; the description is kept."""
    make_template("Research partner agreement")
    login_as("privacy")
    response = post_new(client, valid_docx("{{ partner.legal_name }}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "already exists" in html
    assert "For universities &amp; colleges</textarea>" in html
    assert count(db, AgreementTemplate) == 1


# Refusals -----------------------------------------------------------------------------

SSTI_PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ self._TemplateReference__context }}",
    "{{ config }}",
    "{{ request.application }}",
    "{% import 'os' as os %}",
    "{{ lipsum.__globals__ }}",
    "{{ range.__self__ }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{% endfor %}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ '%s'|format(agreement.__class__) }}",
    "{{ agreement|attr('__class__') }}",
    "{% include 'secrets.txt' %}",
]


@pytest.mark.parametrize("payload", SSTI_PAYLOADS)
def test_template_injection_payload_is_refused_on_the_upload_page(client, login_as, db, payload):
    """Each injection payload is refused with a message beside the file, and nothing is stored."""
    login_as("privacy")
    response = post_new(client, make_docx("Intro", payload, "Outro"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="file-error"' in html
    assert "unsafe expression" in html or "variables the app does not provide" in html
    assert 'value="Research partner agreement"' in html
    assert_nothing_stored(db)


def test_unknown_variables_are_named_on_the_page(client, login_as, db):
    """The page names each variable the app does not provide, in the list below the file."""
    login_as("privacy")
    response = post_new(client, make_docx("{{ vendor.name }} {{ agreement.number }} {{ signer }}"))
    html = response.get_data(as_text=True)
    assert "signer, vendor" in html
    assert "<li><code>signer</code></li><li><code>vendor</code></li>" in html
    assert_nothing_stored(db)


def test_syntax_error_is_shown_with_its_surrounding_text(client, login_as, db):
    """A Jinja syntax error is reported with the paragraphs around it."""
    login_as("privacy")
    data = make_docx("1. Definitions", "The vendor is {{ partner.legal_name }.", "2. Scope")
    html = post_new(client, data).get_data(as_text=True)
    assert "syntax error in the document body" in html
    assert "<li><code>The vendor is {{ partner.legal_name }." in html
    assert "<code>1. Definitions</code>" in html
    assert_nothing_stored(db)


MACRO = rewrite(
    make_docx("Hello"),
    {"[Content_Types].xml": lambda xml: xml.replace(DOCX_MAIN.encode(), DOCM_MAIN.encode())},
    extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro code"},
)
BAD_FILES = {
    "macro-enabled": (MACRO, "macro-enabled"),
    "doctype": (rewrite(make_docx("Hello"), {"word/document.xml": add_dtd}), "DOCTYPE"),
    "zip-bomb": (
        rewrite(make_docx("Hello"), {}, extra={"word/media/x.bin": b"\0" * (4 * 1024 * 1024)}),
        "zip bomb",
    ),
    "png-renamed": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PNG image"),
}


@pytest.mark.parametrize(("data", "reason"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_unsafe_or_fake_docx_is_refused_with_the_reason(client, login_as, db, data, reason):
    """Macro-enabled files, DOCTYPEs, zip bombs and renamed images are refused by content."""
    login_as("privacy")
    html = post_new(client, data, file="contract.docx").get_data(as_text=True)
    assert reason in html
    assert_nothing_stored(db)


def test_missing_file_is_asked_for(client, login_as, db):
    """Posting without a file asks for one."""
    login_as("privacy")
    response = client.post_form(NEW, {"name": "X", "kind": "interagency"})
    assert "Choose the .docx file to upload." in response.get_data(as_text=True)
    assert_nothing_stored(db)


# Roles and downloads ------------------------------------------------------------------


def test_procurement_cannot_upload_but_can_download(client, login_as, db):
    """Procurement reads templates and downloads versions; upload and activation are refused."""
    template = make_template()
    login_as("procurement")
    assert client.get(NEW).status_code == 403
    response = client.post_form(
        f"/agreements/templates/{template.id}/versions/new",
        {"file": upload(valid_docx("{{ partner.legal_name }}"))},
        from_url="/auth/account",
    )
    assert response.status_code == 403
    page = client.get(f"/agreements/templates/{template.id}").get_data(as_text=True)
    assert "version-upload-form" not in page and "Deactivate" not in page
    version_id = template.versions[0].id
    assert client.get(f"/agreements/templates/versions/{version_id}/download").status_code == 200
    assert count(db, AgreementTemplateVersion) == 1


def test_vendor_gets_403_on_every_template_route(client, login_as, db):
    """Vendors see no template page, download or form."""
    template = make_template()
    version_id = template.versions[0].id
    login_as("vendor")
    for url in (
        "/agreements/templates",
        f"/agreements/templates/{template.id}",
        NEW,
        f"/agreements/templates/{template.id}/versions/new",
        f"/agreements/templates/versions/{version_id}/download",
    ):
        assert client.get(url).status_code == 403, url
    token = client.csrf_token("/auth/account")
    for url in (NEW, f"/agreements/templates/{template.id}/active"):
        response = client.post(url, data={"csrf_token": token, "active": "false"})
        assert response.status_code == 403, url


def test_download_has_the_template_slug_version_and_word_content_type(client, login_as, db):
    """The file downloads as <slug>-v<N>.docx with Word's content type and the stored bytes."""
    template = make_template("Short form DPA (2026)")
    login_as("procurement")
    response = client.get(f"/agreements/templates/versions/{template.versions[0].id}/download")
    assert response.mimetype == DOCX_MIME
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="short-form-dpa-2026-v1.docx"'
    assert hashlib.sha256(response.data).hexdigest() == template.versions[0].sha256


def test_earlier_version_stays_downloadable_after_a_new_one(client, login_as, db):
    """Version 1's bytes still download after version 2 is uploaded."""
    template = make_template()
    first = template.versions[0]
    first_bytes = library.read_version(first)
    login_as("privacy")
    client.post_form(
        f"/agreements/templates/{template.id}/versions/new",
        {"file": upload(valid_docx("{{ partner.legal_name }}"))},
    )
    assert count(db, AgreementTemplateVersion) == 2
    response = client.get(f"/agreements/templates/versions/{first.id}/download")
    assert response.data == first_bytes
    assert "-v1.docx" in response.headers["Content-Disposition"]


def test_deactivating_asks_for_confirmation_and_hides_the_template_from_generation(
    client, login_as, db
):
    """The button carries data-confirm; afterwards the template is no longer offered."""
    template = make_template()
    login_as("privacy")
    page = client.get(f"/agreements/templates/{template.id}").get_data(as_text=True)
    assert 'data-confirm="Stop offering' in page
    url = f"/agreements/templates/{template.id}/active"
    response = client.post_form(
        url, {"active": "false"}, from_url=f"/agreements/templates/{template.id}"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert library.active_templates() == []
    page = client.get(f"/agreements/templates/{template.id}").get_data(as_text=True)
    assert "This template is inactive" in page and ">Activate</button>" in page


def test_empty_list_offers_to_install_the_shipped_templates(client, login_as):
    """With no templates, the list offers the install button and an upload, and no command."""
    login_as("privacy")
    html = client.get("/agreements/templates").get_data(as_text=True)
    assert 'action="/agreements/templates/install-shipped"' in html
    assert 'href="/agreements/templates/new"' in html
    assert "flask" not in html and "install-templates" not in html


def test_install_button_installs_the_shipped_templates_once(client, login_as, db):
    """The button installs every shipped template; pressed again, it adds nothing."""
    login_as("admin")

    first = client.post_form(
        "/agreements/templates/install-shipped", {}, from_url="/agreements/templates"
    )
    names = sorted(t.name for t in db.session.scalars(db.select(AgreementTemplate)))
    again = client.post_form(
        "/agreements/templates/install-shipped", {}, from_url="/agreements/templates"
    )

    assert first.status_code == again.status_code == 302
    assert names == sorted(t.name for t in SHIPPED_TEMPLATES)
    assert len(db.session.scalars(db.select(AgreementTemplate)).all()) == len(SHIPPED_TEMPLATES)
    listing = client.get("/agreements/templates").get_data(as_text=True)
    assert "already installed" in listing


def test_procurement_is_told_to_ask_for_the_templates(client, login_as):
    """Someone who may not install templates is told whom to ask, with no button."""
    login_as("procurement")
    html = client.get("/agreements/templates").get_data(as_text=True)
    assert "Ask the privacy office or an administrator" in html
    assert "install-shipped" not in html
