"""Questions grouped by topic: the topic order, sector modules under their own names, an
unknown prefix kept under "Other obligations", and the answered counts."""

from __future__ import annotations

from sharing.attestations.topics import group_questions, overall


def _q(code: str) -> dict:
    return {"code": code, "title": f"Title of {code}", "question": "?"}


def test_questions_fall_under_their_topics_in_topic_then_policy_order():
    """Security questions gather together whatever their place in the policy; empty topics go."""
    topics = group_questions([_q("SEC-1"), _q("PUR-1"), _q("BRN-1"), _q("POL-1")], set())
    assert [(t.slug, [q["code"] for q in t.questions]) for t in topics] == [
        ("notice-and-purpose", ["PUR-1", "POL-1"]),
        ("security", ["SEC-1", "BRN-1"]),
    ]


def test_a_sector_module_is_a_topic_named_as_the_module():
    """HIP-1 and HIP-2 make one topic with the module's name."""
    (topic,) = group_questions([_q("HIP-1"), _q("HIP-2")], set())
    assert topic.name == "Health information (HIPAA business associate terms)"
    assert topic.anchor == "topic-hip" and topic.total == 2


def test_an_unknown_prefix_is_kept_under_other_obligations():
    """A question a later policy adds is never hidden."""
    (topic,) = group_questions([_q("ZZZ-1")], set())
    assert (topic.slug, topic.name, topic.total) == ("other", "Other obligations", 1)


def test_answered_counts_per_topic_and_overall():
    """Each topic counts its answered questions; the overall progress sums them."""
    topics = group_questions([_q("SEC-1"), _q("SEC-2"), _q("PUR-1")], {"SEC-2", "PUR-1"})
    assert [(t.slug, t.answered, t.total) for t in topics] == [
        ("notice-and-purpose", 1, 1),
        ("security", 1, 2),
    ]
    assert overall(topics).text == "2 of 3 answered"
