"""Contract prose the three shipped templates share: definitions, termination, assurance,
general provisions and Exhibits C and D. Written for this project; the City's policy sources
are cited by name, as the definitions introduce them.

Every number of days, hours or months comes from a parameter (`terms.*`, declared in
sharing/agreements/terms.py or by an obligation). Where an obligation states a term, the
frame refers to the obligation instead of repeating its number; `stated_by` writes that
choice, which falls back to the frame's own value when the obligation is not included.
"""

from __future__ import annotations

PRINCIPLES = "Digital Privacy Principles"
MSJ = "My San Jose Privacy Policy"

Text = str | tuple[str, str]  # a paragraph, or (bold caption, paragraph)


def dpp(principle: str) -> str:
    """A citation of one of the City's Digital Privacy Principles."""
    return f"({PRINCIPLES}, “{principle}”)"


def msj(items: str) -> str:
    """A citation of numbered items of the My San Jose Privacy Policy."""
    return f"({MSJ}, {items})"


def stated_by(code: str, *, stated: str, otherwise: str) -> str:
    """`stated` (which names the obligation) when obligation `code` is included, else
    `otherwise` (which prints the frame's own value): one source for the number either way."""
    return (
        f"{{% if '{code}' in agreement.obligation_codes %}}{stated}{{% else %}}{otherwise}"
        "{% endif %}"
    )


def period_of(code: str, parameter: str) -> str:
    """'within the period obligation CODE in Section 3 sets', or 'within N days'."""
    return stated_by(
        code,
        stated=f"within the period obligation {code} in Section 3 sets",
        otherwise=f"within {{{{ terms.{parameter} }}}} days",
    )


def definitions(party: str, extra: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The defined terms, in alphabetical order; `party` is how the document names the
    other party, which is also the Recipient."""
    common = {
        "City Data": "means any information, including Personal Information, that the City or "
        "a person acting for it provides to the Recipient, or that the Recipient collects, "
        "creates or receives for the City, in connection with this Agreement.",
        "Covered Flow": "means a flow of City Data described in Exhibit A, with its purposes, "
        "data categories, retention period, storage location and Subprocessors.",
        PRINCIPLES: "means the privacy principles the City of San José publishes with its "
        "Digital Privacy Policy, on which that policy and the City's Privacy Manual rest. They "
        "are cited by the principle's name.",
        MSJ: "means the City of San José's privacy policy for its My San Jose platform, "
        "effective April 18, 2018, whose numbered items state the City's commitments on "
        "collecting, using, sharing and safeguarding personal information. It is cited by "
        "item number.",
        "Personal Information": "means information that identifies, relates to, describes or "
        "could reasonably be linked with a particular individual or household, directly or "
        "indirectly.",
        "Privacy Policy": "means the City's Digital Privacy Policy and the obligations "
        "published under it, in the version named on the title page.",
        "Process": "means any operation performed on City Data, such as collection, "
        "recording, storage, use, analysis, disclosure, transfer, combination, retention or "
        "destruction.",
        "Recipient": f"means the {party}. The obligations in Section 3 use this word so that "
        "each obligation reads the same in every agreement the City makes under its Privacy "
        "Policy. In Section 3, “City personal information” means Personal Information within "
        "City Data, and lower-case words such as “subprocessor” and “security incident” mean "
        "the terms defined here.",
        "Security Framework": "means the information security framework named in Exhibit D.",
        "Security Incident": "means any actual or reasonably suspected unauthorized access "
        "to, or acquisition, use, modification, disclosure, loss or destruction of, City Data.",
        "Subprocessor": f"means any third party that Processes City Data on behalf of the {party}.",
    }
    merged = {**common, **extra}
    return tuple(sorted(merged.items(), key=lambda item: item[0].casefold()))


def termination_terms(party: str) -> tuple[Text, ...]:
    return (
        (
            "For convenience.",
            "Either party may end this Agreement for any reason by giving the other at least "
            "{{ terms.termination_notice_days }} days' written notice.",
        ),
        (
            "For breach.",
            f"If the {party} materially breaches an obligation on City Data, the City may end "
            "this Agreement by written notice if the breach is not cured within "
            "{{ terms.cure_days }} days after the City's notice describing it, or at once if "
            f"the breach cannot be cured. While a breach or a Security Incident remains "
            f"unresolved, the City may also suspend any Covered Flow to the {party}.",
        ),
        (
            "Return and destruction.",
            f"When this Agreement ends, or earlier if the City asks in writing, the {party} "
            "will return or destroy all City Data, including copies held by Subprocessors, "
            + period_of("RET-2", "termination_return_days")
            + ", following the directive in Exhibit C "
            + dpp("Practice defined retention periods")
            + ".",
        ),
        (
            "Survival.",
            f"The obligations on City Data survive the end of this Agreement for as long as "
            f"the {party} or any Subprocessor holds City Data.",
        ),
    )


def assurance_terms(party: str) -> tuple[Text, ...]:
    return (
        (
            "Attestations.",
            f"The {party} will complete the attestations in Exhibit B by their due dates and "
            "keep the evidence that supports each answer available to the City.",
        ),
        (
            "Audit.",
            f"The City, or an independent auditor it chooses, may audit the {party}'s "
            "compliance with this Agreement "
            + stated_by(
                "ACC-1",
                stated="on the notice obligation ACC-1 in Section 3 sets",
                otherwise="on {{ terms.audit_notice_days }} days' written notice",
            )
            + ", and after a Security Incident on any shorter notice that is reasonable in the "
            "circumstances " + dpp("Maintain accountability for data usage and security") + ".",
        ),
        (
            "Data stewards.",
            "Each party names, by notice to the other, a data steward who answers for its "
            "compliance and receives notices under this Agreement. The stewards meet at least "
            "every {{ terms.steward_review_months }} months to review the Covered Flows, the "
            "attestations and any Security Incident.",
        ),
        (
            "Security program.",
            f"The {party} will keep a written information security program that follows the "
            "Security Framework, as Exhibit D describes, and will report Security Incidents to "
            "the City's {{ city.privacy_office }} ({{ city.privacy_email }}) and "
            "{{ city.security_office }} ({{ city.security_email }}) " + msj("item 7") + ".",
        ),
    )


def general_terms(party: str, *, vendor: bool) -> tuple[Text, ...]:
    """The general provisions; `vendor` adds what only a commercial party needs."""
    laws = (
        "California's laws on the security of personal information and on notice of "
        "breaches (Cal. Civ. Code §§ 1798.81.5 and 1798.82)"
        if vendor
        else "the California Public Records Act and any law restricting the disclosure of "
        "the records shared, such as those protecting health, criminal justice or student "
        "records"
    )
    control = (
        "a merger, an acquisition, a sale of all or most of its assets, or a change in who "
        "owns or controls most of its voting interests"
        if vendor
        else "a reorganization, consolidation or dissolution, or a transfer of the function "
        "that uses City Data to another entity"
    )
    claims = (
        " A claim for money against the City is subject to the claim-presentation "
        "requirements of the Government Claims Act (Cal. Gov. Code § 900 and following)."
        if vendor
        else ""
    )
    return (
        (
            "Public records.",
            "The City is subject to the California Public Records Act (Cal. Gov. Code "
            f"§ 7920.000 and following). When the law allows, the City will tell the {party} "
            f"of a request for records the {party} marked confidential, so that the {party} "
            "may seek to protect them at its own cost " + msj("item 8") + ".",
        ),
        (
            "Compliance with laws.",
            f"Each party will comply with the laws that apply to its Processing of City Data, "
            f"including {laws}.",
        ),
        (
            "Assignment and change of control.",
            f"The {party} may not assign or transfer this Agreement, or any right or duty "
            "under it, by contract, merger, operation of law or otherwise, without the City's "
            "prior written consent; any attempt to do so is void. The "
            f"{party} will notify the City in writing before any change of control, meaning "
            f"{control}, or promptly after it where the law forbids earlier notice. The City "
            "may then treat the change as an assignment that needs its consent, or end this "
            "Agreement by written notice.",
        ),
        (
            "Order of precedence.",
            "On the protection of City Data, this Agreement prevails over any other agreement "
            "between the parties and over any terms of service, click-through, shrink-wrap or "
            "purchase-order terms, whenever and however accepted. Within this Agreement, the "
            "body prevails over the Exhibits, except that Exhibit A alone says which data and "
            "purposes are covered.",
        ),
        (
            "Entire agreement.",
            "This Agreement, with its Exhibits, is the parties' entire agreement on the "
            "protection of City Data and replaces every earlier understanding on that subject.",
        ),
        (
            "Amendments.",
            "This Agreement may be changed only by a written amendment signed by both parties, "
            "except that the City alone may narrow Exhibit A by written notice.",
        ),
        (
            "No third-party beneficiaries.",
            "This Agreement benefits only the parties. No other person, including an "
            "individual whose information is City Data, may enforce it, but it does not limit "
            "any right such a person has under law.",
        ),
        (
            "Notices.",
            "Notices under this Agreement must be in writing and delivered by hand, by a "
            "recognized courier or by email with confirmation of receipt. Notices to the City "
            "go to its {{ city.privacy_office }}, {{ city.address }} "
            "({{ city.privacy_email }}), with a copy to the {{ city.department }} at the same "
            "address; a Security Incident is reported to both and to the "
            "{{ city.security_office }} ({{ city.security_email }}). Notices to the "
            f"{party} go to {{{{ partner.legal_name }}}}, {{{{ partner.address }}}}, for the "
            "attention of the person who signs this Agreement for it. Either party may change "
            "its address by notice.",
        ),
        (
            "Governing law and venue.",
            "The laws of the State of California govern this Agreement, without regard to "
            "their conflict-of-law rules. Any action arising from it must be brought in the "
            "Superior Court of California, County of Santa Clara, or in the United States "
            "District Court for the Northern District of California, San José Division, and "
            f"each party submits to those courts.{claims}",
        ),
        (
            "Severability and waiver.",
            "If a provision is found unenforceable, it is enforced to the extent the law "
            "allows and the rest of this Agreement remains in force. A failure or delay in "
            "enforcing a term is not a waiver of it.",
        ),
        (
            "Counterparts and electronic signatures.",
            "This Agreement may be signed in counterparts, each an original and together one "
            "instrument, and by electronic signature, which has the same effect as a "
            "handwritten one (Cal. Civ. Code § 1633.7).",
        ),
    )


EXHIBIT_C = (
    "This Exhibit is the City's standing directive on how and when the Recipient disposes of "
    "City Data. The City may give a different written directive for particular data; until "
    "it does, this one applies " + dpp("Practice defined retention periods") + ".",
    (
        "When.",
        "Data whose retention period in Exhibit A has passed is destroyed "
        + stated_by(
            "RET-1",
            stated="as obligation RET-1 in Section 3 requires",
            otherwise="within {{ terms.deletion_days }} days after that period ends",
        )
        + ". When this Agreement ends, all remaining City Data is "
        "returned or destroyed "
        + period_of("RET-2", "termination_return_days")
        + ". Data under a legal hold the City has notified is kept until the City lifts "
        "the hold.",
    ),
    (
        "Return first.",
        "Unless the City directs otherwise, before destroying City Data at the end of this "
        "Agreement the Recipient offers it back to the City in a commonly used, "
        "machine-readable format (such as CSV, JSON or the system's native export), with a "
        "description of its fields, and destroys its copies only after the City confirms "
        "receipt or declines the return in writing.",
    ),
    (
        "How.",
        "City Data is destroyed so that it cannot be read or reconstructed, following NIST "
        "Special Publication 800-88 (Revision 1), Guidelines for Media Sanitization: clear or "
        "purge media that will be reused, destroy media that will not, and rely on "
        "cryptographic erasure only where every copy of the key is destroyed. Paper is "
        "cross-cut shredded or pulped.",
    ),
    (
        "Every copy.",
        "The directive reaches production systems, test and development copies, backups and "
        "archives, logs and exports, and copies held by Subprocessors. A backup that cannot "
        "be erased selectively is destroyed in its normal rotation, is never restored for any "
        "use, and stays protected by this Agreement until then.",
    ),
    (
        "Certificate.",
        "The Recipient gives the City a certificate of destruction signed by an officer, "
        "listing the data and systems, the method, the date and who carried it out, with any "
        "certificates its Subprocessors give it.",
    ),
    (
        "Copies kept by law.",
        "Where a law requires the Recipient to keep a copy, it tells the City which data and "
        "which law, keeps only that copy, uses it for nothing else, and destroys it when the "
        "law no longer requires it; this Agreement protects it until then.",
    ),
)

EXHIBIT_D = (
    "The Recipient keeps a written information security program that follows "
    "{{ terms.security_framework }} (the “Security Framework”), scaled to the sensitivity of "
    "the City Data described in Exhibit A " + msj("items 6 and 7") + ".",
    (
        "Evidence.",
        "With each attestation under Exhibit B, and on request, the Recipient gives the City "
        "current evidence of its program: a SOC 2 Type II report, an ISO/IEC 27001 "
        "certificate with its statement of applicability, or an independent assessment "
        "against the Security Framework, with its plan to correct each finding.",
    ),
    (
        "Minimum controls.",
        "Whatever the Security Framework allows, the program includes an inventory of the "
        "systems that hold City Data; access on a need-to-know basis with multi-factor "
        "authentication; encryption of City Data in transit and at rest; logging and "
        "monitoring of access; timely patching and vulnerability management; secure "
        "development and change control; a tested incident response plan; backups and "
        "continuity plans; screening and training of personnel; and oversight of "
        "Subprocessors.",
    ),
    (
        "Security contact.",
        "Security Incidents and security questions go to the City's {{ city.security_office }} "
        "at {{ city.security_email }}, and notices of Security Incidents also to its "
        "{{ city.privacy_office }} at {{ city.privacy_email }}.",
    ),
    (
        "Changes.",
        "The Recipient will not materially weaken its program during the term and will tell "
        "the City in writing before it replaces the Security Framework with another.",
    ),
)
