"""The contract prose of the shipped templates, kept apart from the layout code in build.py.

Written for this project in plain contract English. Where a provision carries out the City's
policy, the source is named in brackets: the Digital Privacy Principles ("DPP: ...") or the
My San Jose Privacy Policy commitments ("MSJ item N"), both in /work/shared/seeds/.
"""

from __future__ import annotations

_COMMON_DEFINITIONS = (
    (
        "City Data",
        "means any information, including Personal Information, that the City or a person "
        "acting for it provides to, or that is collected, created or received by, the other "
        "party in connection with this Agreement.",
    ),
    (
        "Personal Information",
        "means information that identifies, relates to, describes or could reasonably be "
        "linked with a particular individual or household, directly or indirectly.",
    ),
    (
        "Process",
        "means any operation performed on City Data, such as collection, recording, storage, "
        "use, analysis, disclosure, transfer, combination, retention or destruction.",
    ),
    (
        "Security Incident",
        "means any actual or reasonably suspected unauthorised access to, or acquisition, "
        "use, modification, disclosure, loss or destruction of, City Data.",
    ),
    (
        "Subprocessor",
        "means any third party that Processes City Data on behalf of the party receiving it.",
    ),
    (
        "Covered Flow",
        "means a flow of City Data described in Exhibit A, with its purposes, data "
        "categories, retention period, storage location and Subprocessors.",
    ),
    (
        "Privacy Policy",
        "means the City's Digital Privacy Policy and the obligations published under it, in "
        "the version identified on the title page.",
    ),
)


def termination_terms(party: str) -> tuple[str, ...]:
    return (
        f"Either party may end this Agreement for convenience on 60 days' written notice. The "
        f"City may end it at once by written notice if the {party} materially breaches an "
        "obligation on City Data and does not cure the breach within 10 days of notice, or "
        "at once where the breach cannot be cured.",
        f"Within 30 days after this Agreement ends, or earlier at the City's written request, "
        f"the {party} will return City Data to the City in a commonly used, machine-readable "
        "format, and will then securely destroy every remaining copy, including copies held "
        "by Subprocessors, except where a law requires it to keep a copy [DPP: practice "
        "defined retention periods].",
        f"The {party} will give the City a certificate of destruction, signed by an officer, "
        "listing the data destroyed, the method used and the date. Any copy a law requires "
        "it to keep remains protected by this Agreement until it is destroyed.",
    )


def general_terms(party: str) -> tuple[str, ...]:
    return (
        "Public records. The City is subject to the California Public Records Act. Where this "
        "Agreement conflicts with that Act or with another law governing the disclosure of "
        "records, the law controls [MSJ item 8]. The City will tell the "
        f"{party} of a request for records it marked confidential when the law allows, so "
        f"that the {party} may seek to protect them at its own cost.",
        f"Legal process. If the {party} receives a subpoena, warrant or other legal demand "
        "for City Data, it will promptly refer the requester to the City, notify the City "
        "before responding unless the law forbids it, and disclose only what it is legally "
        "compelled to disclose [MSJ item 5].",
        "Order of precedence. On the protection of City Data, this Agreement prevails over "
        "any other agreement between the parties and over any terms of service, click-through "
        "or purchase order terms, whenever agreed.",
        "Notices. Notices must be in writing and delivered by hand, by recognised courier or "
        "by email with confirmation of receipt to the addresses on the title page; notices "
        "to the City go to its Digital Privacy Office with a copy to the department named "
        "there.",
        "Changes. This Agreement may be changed only by a written amendment signed by both "
        "parties, except that Exhibit A may be narrowed by the City alone by written notice.",
        "Governing law. The laws of the State of California govern this Agreement, and the "
        "state and federal courts in Santa Clara County have exclusive jurisdiction.",
        "Severability and waiver. A provision found unenforceable is limited to the extent "
        "needed and the rest remains in force. A failure to enforce a term is not a waiver.",
    )


_VENDOR = {
    "filename": "vendor-data-protection-agreement.docx",
    "heading": "VENDOR DATA PROTECTION AGREEMENT",
    "party": "Vendor",
    "intro": "This Vendor Data Protection Agreement (the “Agreement”) is made between "
    "{{ city.name }}, a municipal corporation acting through its {{ city.department }} (the "
    "“City”), and {{ partner.legal_name }} (the “Vendor”), each a “party”.",
    "recitals": (
        "The Vendor provides services to the City that require it to Process City Data, "
        "including Personal Information about residents, visitors and City employees.",
        "The City commits to share data only with trusted partners, as needed to provide "
        "government services, and to hold its vendors to the same expectations of privacy "
        "that it holds itself [DPP: ensure responsible data sharing].",
        "The City protects the privacy of personal information it shares with service "
        "providers and uses information security safeguards against loss and unauthorised "
        "access, use, change or disclosure [MSJ items 6 and 7].",
        "This Agreement sets out the obligations that apply to the Vendor's Processing of "
        "City Data, selected from the City's Privacy Policy according to the data flows "
        "described in Exhibit A.",
    ),
    "definitions": (
        *_COMMON_DEFINITIONS,
        (
            "Services Agreement",
            "means every contract or purchase order under which the Vendor provides "
            "services to the City and Processes City Data.",
        ),
    ),
    "scope": (
        "This Agreement applies to all City Data the Vendor Processes under any Services "
        "Agreement, and in particular to each Covered Flow.",
        "The City decides the purposes for which City Data is Processed. The Vendor acts only "
        "on the City's documented instructions and for the purposes listed in Exhibit A "
        "[MSJ item 8].",
        "City Data remains the property of the City. The Vendor gains no right to City Data "
        "beyond what it needs to perform the services, and will not sell, rent or trade it "
        "[DPP: ensure responsible data sharing; MSJ item 5].",
    ),
    "clauses_intro": "The Vendor will comply with each obligation below. Each comes from the "
    "City's Privacy Policy and applies because of the data described in Exhibit A; the code "
    "after each title identifies the obligation in the City's register.",
    "term_intro": "This Agreement binds the parties from its signature by both.",
    "extra_sections": (
        (
            "Assurance, Insurance and Indemnity",
            (
                "The Vendor will complete the attestations in Exhibit B on time and will let "
                "the City, or an auditor it appoints, review the records, systems and "
                "premises used to Process City Data on 15 business days' notice, or sooner "
                "after a Security Incident [DPP: maintain accountability for data usage and "
                "security].",
                "The Vendor will keep cyber liability insurance covering Security Incidents "
                "and privacy claims, with limits no lower than those required by the "
                "Services Agreement, and will name the City as an additional insured.",
                "The Vendor will defend, indemnify and hold harmless the City against claims, "
                "fines and costs, including the cost of notifying individuals, arising from "
                "a breach of this Agreement by the Vendor or its Subprocessors.",
            ),
        ),
    ),
}

_INTERAGENCY = {
    "filename": "interagency-data-sharing-agreement.docx",
    "heading": "INTER-AGENCY DATA SHARING AGREEMENT",
    "party": "Partner Agency",
    "intro": "This Inter-agency Data Sharing Agreement (the “Agreement”) is made between "
    "{{ city.name }}, acting through its {{ city.department }} (the “City”), and "
    "{{ partner.legal_name }} (the “Partner Agency”), each a public agency and a “party”.",
    "recitals": (
        "The parties are public agencies that serve overlapping communities and can serve "
        "them better by sharing certain data for the purposes described in Exhibit A.",
        "The City shares data only with trusted partners and only as needed to provide "
        "government services, and it expects its partners to respect the same privacy "
        "principles it applies itself [DPP: ensure responsible data sharing].",
        "The City uses information only for the purposes for which it was collected, or "
        "consistent purposes, unless the individual consents or a law requires otherwise "
        "[MSJ item 8].",
        "The parties intend data shared under this Agreement to improve services to the "
        "communities it describes, and not to disadvantage them [DPP: advance equity through "
        "data driven decisions].",
    ),
    "definitions": (
        *_COMMON_DEFINITIONS,
        (
            "Authorised Staff",
            "means the Partner Agency's employees and contractors who need access to City "
            "Data for a purpose in Exhibit A and have been trained under this Agreement.",
        ),
    ),
    "scope": (
        "This Agreement governs City Data the City discloses to the Partner Agency for each "
        "Covered Flow, and any data the Partner Agency derives from it.",
        "The Partner Agency will use City Data only for the purposes listed in Exhibit A and "
        "will not combine it with other data to identify individuals unless Exhibit A says "
        "so [DPP: minimize personal information collected].",
        "Each party bears its own costs under this Agreement. No money is payable by either "
        "party unless a separate written agreement provides for it.",
        "Nothing in this Agreement requires either party to disclose data that the law "
        "forbids it to disclose.",
    ),
    "clauses_intro": "The Partner Agency will comply with each obligation below. Where an "
    "obligation refers to the vendor or the recipient, it means the Partner Agency.",
    "term_intro": "This Agreement binds the parties from its signature by both.",
    "extra_sections": (
        (
            "Coordination and Accountability",
            (
                "Each party names a data steward who answers for its compliance, receives "
                "notices and meets the other party's steward at least once a year to review "
                "the Covered Flows [DPP: maintain accountability for data usage and security].",
                "The Partner Agency will complete the attestations in Exhibit B on time. The "
                "City may publish a summary of this Agreement and of the Covered Flows in its "
                "public register of data sharing.",
            ),
        ),
    ),
}

_RENEWAL = {
    "filename": "renewal-amendment.docx",
    "heading": "RENEWAL AMENDMENT",
    "party": "Partner",
    "intro": "This Renewal Amendment (the “Amendment”) is made between {{ city.name }}, acting "
    "through its {{ city.department }} (the “City”), and {{ partner.legal_name }} (the "
    "“Partner”), and amends Agreement No. {{ renewal.original_number }}, effective "
    "{{ renewal.original_effective_date }} (the “Original Agreement”). In this Amendment, "
    "“Agreement” means the Original Agreement as amended by it.",
    "recitals": (
        "The term of the Original Agreement ends on {{ renewal.prior_expiry_date }}, and the "
        "parties wish to continue the Covered Flows without interruption.",
        "Since the Original Agreement was signed, the City may have updated the obligations "
        "of its Privacy Policy; the City applies the same expectations of privacy to its "
        "partners as to itself [DPP: ensure responsible data sharing].",
        "The parties wish to renew the Original Agreement and to restate its data protection "
        "obligations and Exhibits in full, as set out below.",
    ),
    "definitions": (
        (
            "Original Agreement",
            "has the meaning given above; other capitalised terms used but not defined in "
            "this Amendment have the meanings given in the Original Agreement.",
        ),
        *_COMMON_DEFINITIONS,
    ),
    "scope": (
        "The Original Agreement is renewed on the terms of this Amendment. Its data "
        "protection obligations and its Exhibits are replaced in full by Section 3 and by "
        "Exhibits A and B of this Amendment.",
        "The Partner confirms that, at the date of this Amendment, it has completed every "
        "attestation due under the Original Agreement, or has told the City in writing which "
        "remain outstanding and why [DPP: maintain accountability for data usage and "
        "security].",
    ),
    "clauses_intro": "From the effective date of this Amendment, the Partner will comply with "
    "each obligation below, which replaces the data protection obligations of the Original "
    "Agreement.",
    "term_intro": "The renewed term follows the Original Agreement without a gap.",
    "extra_sections": (
        (
            "Effect of this Amendment",
            (
                "Except as this Amendment changes it, the Original Agreement remains in full "
                "force. Where the two conflict, this Amendment controls.",
                "Obligations that arose under the Original Agreement before the effective "
                "date of this Amendment, including attestations already due and the handling "
                "of any Security Incident, continue until they are met.",
            ),
        ),
    ),
}

DOCUMENTS = (_VENDOR, _INTERAGENCY, _RENEWAL)
