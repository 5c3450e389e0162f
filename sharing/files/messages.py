"""Refusals worded one way everywhere: "The <noun> file <what is wrong>. <What to do>."

Each part is made a sentence on its own, so a part that already ends in a period (a file name,
an abbreviation) never yields "..".
"""

from __future__ import annotations

from sharing.core.sentences import sentences
from sharing.files.kinds import RejectedUpload, UploadPolicy


def refuse(policy: UploadPolicy, code: str, problem: str, todo: str = "") -> RejectedUpload:
    """`problem` continues "The <noun> file"; `todo` defaults to the point's advice."""
    message = sentences(f"The {policy.noun} file {problem}", todo or policy.advice())
    return RejectedUpload(message, code=code)


def not_accepted(policy: UploadPolicy, described: str) -> RejectedUpload:
    return refuse(policy, "not_accepted", f"is {described}, which is not accepted here")


def two_kinds(policy: UploadPolicy) -> RejectedUpload:
    return refuse(
        policy,
        "polyglot",
        "is two kinds of file at once, a trick used to smuggle content past checks",
        "Save it again as one plain file and upload that copy",
    )


def damaged(policy: UploadPolicy, described: str, todo: str) -> RejectedUpload:
    return refuse(policy, "damaged", f"is {described} but it is damaged or incomplete", todo)
