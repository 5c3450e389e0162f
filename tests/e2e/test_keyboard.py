"""A vendor completes an attestation with the keyboard alone, and can always see the focus.

No clicks and no `fill`: Tab and Shift+Tab move, arrows choose within a radio group, Space
ticks, typing fills the focused field and Enter activates. The one confirm() question the
submit form asks is answered by the dialog handler, as Enter would answer it.
"""

from __future__ import annotations

from sharing.attestations.models import AttestationRequest, AttestationStatus
from sharing.extensions import db
from tests.e2e.conftest import end_transaction
from tests.web.tables.attestations import make_request

MAX_TABS = 80
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {id: el.id, name: el.name || "", value: el.value || "", tag: el.tagName,
          text: (el.textContent || "").trim().slice(0, 60), visible: outline || shadow};
}"""


class Keyboard:
    """Moves the focus with Tab and records every element it lands on without a focus ring."""

    def __init__(self, tab) -> None:
        self.tab = tab
        self.unringed: list[dict] = []

    def focused(self) -> dict | None:
        return self.tab.evaluate(FOCUS_STYLE)

    def press(self, key: str) -> dict | None:
        self.tab.keyboard.press(key)
        state = self.focused()
        if state and not state["visible"]:
            self.unringed.append(state)
        return state

    def follow(self, key: str = "Enter") -> None:
        """Press a key that leaves the page, and wait for the next one."""
        with self.tab.expect_navigation():
            self.tab.keyboard.press(key)

    def tab_until(self, matches, key: str = "Tab") -> dict:
        for _ in range(MAX_TABS):
            state = self.press(key)
            if state and matches(state):
                return state
        raise AssertionError(f"the focus never reached the element ({self.tab.url})")


def _vendor_request(user) -> int:
    request_id = make_request(user.organisation_id, codes=("PUR-1", "SEC-1")).id
    end_transaction()
    return request_id


def _answer_with_keys(keys: Keyboard) -> None:
    """PUR-1: yes (Space on the first radio); SEC-1: no (arrow to it) with an explanation."""
    keys.tab_until(lambda s: s["name"] == "answer_pur_1")
    keys.press("Space")
    keys.tab_until(lambda s: s["name"] == "answer_sec_1")
    keys.press("ArrowRight")  # moves to, and selects, "No"
    assert keys.focused()["value"] == "no"
    keys.tab_until(lambda s: s["id"] == "explanation_sec_1")
    keys.tab.keyboard.type("Multi-factor sign-in reaches all staff in May.")
    keys.tab_until(lambda s: s["text"] == "Save draft")
    keys.follow("Enter")


def _sign_with_keys(keys: Keyboard) -> None:
    keys.tab_until(lambda s: s["text"] == "Review, sign and submit")
    keys.follow("Enter")
    keys.tab_until(lambda s: s["id"] == "signer_name")
    keys.tab.keyboard.type("Vera Vendor")
    keys.press("Tab")
    keys.tab.keyboard.type("Privacy Officer")
    keys.tab_until(lambda s: s["id"] == "attested")
    keys.press("Space")
    keys.tab_until(lambda s: s["id"] == "submit")
    keys.tab_until(lambda s: s["id"] == "signer_title", key="Shift+Tab")  # and back again
    keys.tab_until(lambda s: s["id"] == "submit")
    keys.follow("Enter")


def test_vendor_completes_an_attestation_with_the_keyboard_alone(page, sign_in, screenshot):
    """Answer, explain, save, sign and submit by keyboard; the focus ring is always visible."""
    user = sign_in("vendor")
    request_id = _vendor_request(user)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/attestations/{request_id}/answer")
    keys = Keyboard(page)

    _answer_with_keys(keys)
    assert "/answer" in page.url and page.locator("input[name=answer_sec_1][value=no]").is_checked()
    screenshot(page, "01-answers-saved")
    _sign_with_keys(keys)
    screenshot(page, "02-submitted")

    end_transaction()
    request = db.session.get(AttestationRequest, request_id)
    status, signer, attested = request.status, request.signer_name, request.attested
    end_transaction()
    assert (status, signer, attested) == (AttestationStatus.SUBMITTED, "Vera Vendor", True)
    assert not keys.unringed, f"focused without a visible focus indicator: {keys.unringed}"
