"""The questions of a vendor's AI fact sheet, grouped by topic, and the algorithm field each
answer fills when the privacy office accepts the sheet.

The topics follow the areas of the GovAI Coalition's AI FactSheet, the template the City of
San José started with other agencies so that vendors describe their AI products the same way
(https://sanjoseca.gov/your-government/departments-offices/information-technology/
ai-reviews-algorithm-register/govai-coalition). The wording here is ours. Answers are stored
as text under each input's code in `FactSheet.answers`; a date is kept as YYYY-MM-DD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TEXT, LINE, DATE = "text", "line", "date"


@dataclass(frozen=True)
class Input:
    """One thing the vendor types: its key in the answers, its label and help, and the
    Algorithm column it fills on acceptance (None keeps it on the sheet, for the office only)."""

    code: str
    label: str
    help: str = ""
    field: str | None = None
    kind: str = TEXT
    max_length: int = 5000


@dataclass(frozen=True)
class Topic:
    code: str
    title: str
    question: str  # the plain question a vendor answers
    help: str
    inputs: tuple[Input, ...]

    @property
    def public(self) -> bool:
        """Whether any answer of this topic may reach the public record."""
        return any(i.field for i in self.inputs)

    @property
    def anchor(self) -> str:
        return f"topic-{self.code}"


TOPICS: tuple[Topic, ...] = (
    Topic(
        "intended_use",
        "Intended use and known limits",
        "What is the system built to do, and where does it not work well?",
        "Describe the tasks it was designed and tested for, and the situations, people or "
        "inputs for which its results are less reliable or should not be used.",
        (
            Input("intended_use", "Intended use"),
            Input(
                "known_limits",
                "Known limits",
                "Situations where the output is weaker, and uses you advise against.",
                field="limitations",
            ),
        ),
    ),
    Topic(
        "training_data",
        "Training data and where it came from",
        "What data was the system trained or configured on, and where did that data come from?",
        "Name the sources, how the data was collected and licensed, the period it covers, and "
        "whether any City data is used to train or tune it.",
        (Input("training_data", "Training data and its provenance", field="training_data"),),
    ),
    Topic(
        "evaluation",
        "Evaluation, accuracy and bias testing",
        "How was the system tested for accuracy and for unfair differences between groups?",
        "Give each part separately so the register can show it clearly.",
        (
            Input(
                "accuracy_metrics",
                "Accuracy measures and results",
                "The measures used (for example error rate or precision) and the results.",
                field="accuracy_metrics",
            ),
            Input(
                "bias_groups_tested",
                "Groups tested for bias",
                "The groups compared (for example by race, sex, age, language or disability) "
                "and what the comparison found.",
                field="bias_groups_tested",
            ),
            Input(
                "last_tested_on",
                "Date of the most recent test",
                "The day the latest evaluation finished.",
                field="last_tested_on",
                kind=DATE,
            ),
            Input(
                "tested_by",
                "Who carried out the test",
                "Your own team, or the name of the independent auditor.",
                field="tested_by",
                kind=LINE,
                max_length=200,
            ),
        ),
    ),
    Topic(
        "human_oversight",
        "Human oversight",
        "How can a person check, correct or override what the system produces?",
        "Describe the controls the City's staff have, and what the system does when it is unsure.",
        (Input("human_oversight", "Human oversight", field="human_oversight"),),
    ),
    Topic(
        "security",
        "Security of the system",
        "How is the system and the data it handles protected?",
        "Access control, encryption, testing against attacks such as prompt injection or "
        "data poisoning, and certifications held.",
        (Input("security", "Security measures"),),
    ),
    Topic(
        "retention",
        "Keeping inputs and outputs",
        "How long are the City's inputs and the system's outputs kept, and where?",
        "Include logs and any copies used to improve the product, and how they are deleted.",
        (Input("retention", "Retention of inputs and outputs"),),
    ),
    Topic(
        "incident_contact",
        "Incident contact",
        "Whom should the City contact when the system fails or causes harm?",
        "A name or team, an email address and a telephone number that answers around the clock.",
        (Input("incident_contact", "Incident contact", kind=TEXT, max_length=1000),),
    ),
)

INPUTS: tuple[Input, ...] = tuple(i for t in TOPICS for i in t.inputs)
BY_CODE: dict[str, Input] = {i.code: i for i in INPUTS}
# Algorithm columns an accepted sheet fills, in topic order.
MAPPED_FIELDS: tuple[str, ...] = tuple(i.field for i in INPUTS if i.field)


def topic_of(code: str) -> Topic | None:
    return next((t for t in TOPICS if any(i.code == code for i in t.inputs)), None)


def field_value(item: Input, text: str) -> str | date | None:
    """An answer as the Algorithm column holds it: a date for a date input (None when empty
    or unreadable), else the trimmed text."""
    text = (text or "").strip()
    if item.kind != DATE:
        return text
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def unanswered(answers: dict[str, str]) -> list[Input]:
    """The inputs with no answer yet, in topic order."""
    return [i for i in INPUTS if not str(answers.get(i.code) or "").strip()]
