"""The contract prose of the three shipped templates, kept apart from the layout code in
build.py; what they share is in agreement_provisions.py.

Written for this project in plain contract English for a California city. Where a provision
carries out the City's policy, the source is cited by name: the Digital Privacy Principles by
principle, the My San Jose Privacy Policy by item (copies in /work/shared/seeds/).
"""

from __future__ import annotations

from agreement_provisions import (
    assurance_terms,
    definitions,
    dpp,
    general_terms,
    msj,
    termination_terms,
)

_SHARING = "Ensure responsible data sharing"
_ACCOUNTABILITY = "Maintain accountability for data usage and security"
_NO_CAP = (
    "No cap on liability, and no exclusion of indirect or consequential damages, in any "
    "agreement between the parties applies to a Security Incident, to a breach of this "
    "Agreement's data obligations, or to the indemnity for them."
)
_IMMUNITY = (
    "Nothing in this Agreement waives an immunity or a limit on liability that a public "
    "entity has under the Government Claims Act (Cal. Gov. Code § 810 and following) or "
    "other law."
)

_VENDOR = {
    "filename": "vendor-data-protection-agreement.docx",
    "heading": "VENDOR DATA PROTECTION AGREEMENT",
    "party": "Vendor",
    "intro": "This Vendor Data Protection Agreement (the “Agreement”) is made between "
    "{{ city.name }}, a California municipal corporation acting through its "
    "{{ city.department }} (the “City”), and {{ partner.legal_name }} (the “Vendor”), each a "
    "“party”.",
    "recitals": (
        "The Vendor provides services to the City that require it to Process City Data, "
        "including Personal Information about residents, visitors and City employees.",
        "The City shares data only with trusted partners, as needed to provide government "
        "services, and holds its vendors to the same expectations of privacy it holds itself "
        + dpp(_SHARING)
        + ".",
        "The City protects personal information it shares with service providers and "
        "safeguards it against loss and unauthorized access, use, modification or disclosure "
        + msj("items 6 and 7")
        + ".",
        "This Agreement sets out the obligations that apply to the Vendor's Processing of "
        "City Data, selected from the City's Privacy Policy according to the Covered Flows.",
    ),
    "definitions": definitions(
        "Vendor",
        {
            "Services": "means the services the Vendor provides to the City under any "
            "Services Agreement, which Exhibit A describes by the purposes of each Covered "
            "Flow.",
            "Services Agreement": "means every contract or purchase order under which the "
            "Vendor provides services to the City and Processes City Data.",
        },
    ),
    "scope": (
        "This Agreement applies to all City Data the Vendor Processes under any Services "
        "Agreement, and in particular to each Covered Flow.",
        "The City decides the purposes for which City Data is Processed. The Vendor acts only "
        "on the City's documented instructions and only to perform the Services "
        + msj("item 8")
        + ".",
        "City Data remains the property of the City. The Vendor gains no right to City Data "
        "beyond what it needs to perform the Services, and will not sell, rent or trade it "
        "(Digital Privacy Principles, “Ensure responsible data sharing”; My San Jose Privacy "
        "Policy, item 5).",
        "A Services Agreement continues to govern the Services themselves; this Agreement "
        "governs the protection of City Data.",
    ),
    "clauses_intro": "The Vendor will comply with each obligation below. Each comes from the "
    "City's Privacy Policy and applies because of the Covered Flows; Exhibit E gives the "
    "source of each and the reason it applies.",
    "term_intro": "This Agreement binds the parties from its signature by both.",
    "sections": (
        ("Termination and Return of City Data", termination_terms("Vendor")),
        ("Assurance and Security", assurance_terms("Vendor")),
        (
            "Insurance, Indemnity and Liability",
            (
                (
                    "Insurance.",
                    "Throughout the term, and for as long as it holds City Data, the Vendor "
                    "will keep cyber liability (network security and privacy liability) "
                    "insurance with limits of at least {{ terms.cyber_insurance_millions }} "
                    "million dollars per claim and in the aggregate, or the higher limits a "
                    "Services Agreement requires. The policy will cover Security Incidents, "
                    "the cost of notifying and assisting affected individuals, forensic "
                    "investigation, regulatory defense and, where the law allows them to be "
                    "insured, fines and penalties. Where such coverage is available it will "
                    "name the City and its officers, employees and agents as additional "
                    "insureds. The Vendor will give the City a certificate of insurance before "
                    "it first receives City Data and on each renewal, and will tell the City in "
                    "writing before the coverage is cancelled or reduced.",
                ),
                (
                    "Indemnity.",
                    "The Vendor will defend, indemnify and hold harmless the City and its "
                    "officers, employees and agents from all claims, losses, damages, fines, "
                    "penalties, costs and expenses (including reasonable attorneys' fees, the "
                    "cost of notifying individuals and regulators, call centers, credit and "
                    "identity monitoring, and forensic investigation) arising from (a) a "
                    "Security Incident affecting City Data in the possession or control of the "
                    "Vendor or a Subprocessor, (b) a breach of this Agreement by the Vendor or "
                    "a Subprocessor, or (c) a violation of law by either in Processing City "
                    "Data, except to the extent caused by the City's own negligence or willful "
                    "misconduct. The City will tell the Vendor of a claim promptly and may take "
                    "part in the defense with counsel of its choice; the Vendor may not settle "
                    "a claim in a way that admits fault for the City or binds it without the "
                    "City's written consent.",
                ),
                ("Liability.", _NO_CAP),
                ("Immunities.", _IMMUNITY),
            ),
        ),
        ("General Provisions", general_terms("Vendor", vendor=True)),
    ),
    "exhibit_a_intro": "Exhibit A describes the Services and the City Data the Vendor "
    "receives for them. Each Covered Flow's purposes describe the Services it supports and "
    "are the only purposes for which its data may be used; its retention period is the "
    "longest the data may be kept.",
}

_INTERAGENCY = {
    "filename": "interagency-data-sharing-agreement.docx",
    "heading": "INTER-AGENCY DATA SHARING AGREEMENT",
    "party": "Partner Agency",
    "intro": "This Inter-agency Data Sharing Agreement (the “Agreement”) is made between "
    "{{ city.name }}, a California municipal corporation acting through its "
    "{{ city.department }} (the “City”), and {{ partner.legal_name }} (the “Partner "
    "Agency”), each a public agency and a “party”.",
    "recitals": (
        "The parties are public agencies that serve overlapping communities and can serve "
        "them better by sharing certain data for the purposes described in Exhibit A.",
        "The City shares data only with trusted partners and only as needed to provide "
        "government services, and it expects its partners to respect the privacy principles "
        "it applies itself " + dpp(_SHARING) + ".",
        "The City uses information only for the purposes for which it was collected, or "
        "consistent purposes, unless the individual consents or a law requires otherwise "
        + msj("item 8")
        + ".",
        "The parties intend the data shared under this Agreement to improve services to the "
        "communities it describes, and not to disadvantage them "
        + dpp("Advance equity through data driven decisions")
        + ".",
    ),
    "definitions": definitions(
        "Partner Agency",
        {
            "Authorized Staff": "means the Partner Agency's employees and contractors who "
            "need access to City Data for a purpose in Exhibit A and have been trained under "
            "this Agreement.",
        },
    ),
    "scope": (
        "This Agreement governs City Data the City discloses to the Partner Agency for each "
        "Covered Flow, and any data the Partner Agency derives from it.",
        "The Partner Agency will give access to City Data only to its Authorized Staff, will "
        "use it only for the purposes listed in Exhibit A, and will not combine it with other "
        "data to identify individuals unless Exhibit A says so "
        + dpp("Minimize personal information collected")
        + ".",
        "Each party bears its own costs under this Agreement. No money is payable by either "
        "party unless a separate written agreement provides for it.",
        "Nothing in this Agreement requires either party to disclose data that the law "
        "forbids it to disclose.",
    ),
    "clauses_intro": "The Partner Agency will comply with each obligation below. Each comes "
    "from the City's Privacy Policy and applies because of the Covered Flows; Exhibit E gives "
    "the source of each and the reason it applies.",
    "term_intro": "This Agreement binds the parties from its signature by both.",
    "sections": (
        ("Termination and Return of City Data", termination_terms("Partner Agency")),
        (
            "Assurance, Coordination and Security",
            (
                *assurance_terms("Partner Agency"),
                (
                    "Public register.",
                    "The City may publish a summary of this Agreement and of the Covered Flows "
                    "in its public register of data sharing " + dpp(_ACCOUNTABILITY) + ".",
                ),
            ),
        ),
        (
            "Indemnity and Insurance",
            (
                (
                    "Mutual indemnity.",
                    "Each party will defend, indemnify and hold harmless the other and its "
                    "officers, employees and agents from claims, losses, damages, fines, costs "
                    "and expenses (including reasonable attorneys' fees and the cost of "
                    "notifying individuals) to the extent they arise from the negligent or "
                    "wrongful acts or omissions of the indemnifying party or its officers, "
                    "employees, agents or contractors in performing this Agreement, including a "
                    "Security Incident affecting City Data in its possession or control. The "
                    "parties make this allocation under California Government Code section "
                    "895.4, in place of the pro rata contribution section 895.6 would otherwise "
                    "impose.",
                ),
                (
                    "Self-insurance.",
                    "Each party acknowledges that the other is self-insured, or insured "
                    "through a joint powers authority or risk-sharing pool, for the "
                    "liabilities it takes on in this Agreement, and each will keep that "
                    "coverage during the term and while it holds data of the other. Neither "
                    "party needs to buy commercial insurance or name the other as an additional "
                    "insured; on request, each will confirm its coverage in writing.",
                ),
                ("Liability.", _NO_CAP),
                ("Immunities.", _IMMUNITY),
            ),
        ),
        ("General Provisions", general_terms("Partner Agency", vendor=False)),
    ),
    "exhibit_a_intro": "Exhibit A describes the purposes of the sharing and the City Data "
    "the Partner Agency receives for them. Each Covered Flow's purposes are the only purposes "
    "for which its data may be used; its retention period is the longest the data may be "
    "kept.",
}

_TERM = "{{ partner.term }}"
_RENEWAL = {
    "filename": "renewal-amendment.docx",
    "heading": "RENEWAL AMENDMENT",
    "party": _TERM,
    "intro": "This Renewal Amendment (the “Amendment”) is made between {{ city.name }}, a "
    "California municipal corporation acting through its {{ city.department }} (the "
    "“City”), and {{ partner.legal_name }} (the “" + _TERM + "”), and amends Agreement No. "
    "{{ renewal.original_number }}, effective {{ renewal.original_effective_date }} (the "
    "“Original Agreement”). In this Amendment, “Agreement” means the Original Agreement as "
    "amended by it.",
    "recitals": (
        "The term of the Original Agreement ends on {{ renewal.prior_expiry_date }}, and the "
        "parties wish to continue the Covered Flows without interruption.",
        "The City applies the same expectations of privacy to its partners as to itself "
        + dpp(_SHARING)
        + ", and the obligations of its Privacy Policy may have changed since the Original "
        "Agreement was signed; Section 2 lists each change this renewal makes.",
        "The parties wish to renew the Original Agreement and to restate its data protection "
        "obligations and Exhibits in full, as set out below.",
    ),
    "definitions": definitions(
        _TERM,
        {
            "Original Agreement": "has the meaning given above. Other capitalized terms used "
            "but not defined in this Amendment have the meanings given in the Original "
            "Agreement.",
        },
    ),
    "scope": (
        "The Original Agreement is renewed on the terms of this Amendment. Its data "
        "protection obligations and its Exhibits are replaced in full by Section 3 and by the "
        "Exhibits of this Amendment.",
        "{{ renewal.summary }}",
    ),
    "changes_table": True,
    "scope_after": (
        "The " + _TERM + " confirms that, at the date of this Amendment, it has completed "
        "every attestation due under the Original Agreement, or has told the City in writing "
        "which remain outstanding and why " + dpp(_ACCOUNTABILITY) + ".",
    ),
    "clauses_intro": "From the effective date of this Amendment, the " + _TERM + " will "
    "comply with each obligation below, which replaces the data protection obligations of "
    "the Original Agreement. Exhibit E gives the source of each and the reason it applies.",
    "term_intro": "The renewed term follows the Original Agreement without a gap.",
    "sections": (
        (
            "Effect of this Amendment",
            (
                "Except as this Amendment changes it, the Original Agreement remains in full "
                "force, including its terms on termination, insurance, indemnity and "
                "liability. Where the two conflict, this Amendment controls.",
                "Obligations that arose under the Original Agreement before the effective "
                "date of this Amendment, including attestations already due and the handling "
                "of any Security Incident, continue until they are met.",
                "This Amendment may be signed in counterparts and by electronic signature, "
                "which has the same effect as a handwritten one (Cal. Civ. Code § 1633.7).",
            ),
        ),
    ),
    "exhibit_a_intro": "Exhibit A describes the City Data the " + _TERM + " receives and "
    "the purposes for which it receives it. Each Covered Flow's purposes are the only "
    "purposes for which its data may be used; its retention period is the longest the data "
    "may be kept.",
}

DOCUMENTS = (_VENDOR, _INTERAGENCY, _RENEWAL)
