"""Every upload, judged by its content under one set of rules (docs/ARCHITECTURE.md, "Uploads").

Each upload point declares an UploadPolicy (a noun for its messages, the kinds it accepts, a
size limit) and calls `inspect` (or `inspect_path` for a stored upload); RejectedUpload says
what the file is, what is wrong and what to do. `clean_name` is the only name stored or shown.
"""

from sharing.files.kinds import (
    FACTS,
    Inspected,
    Kind,
    RejectedUpload,
    UploadPolicy,
    megabytes,
)
from sharing.files.names import clean_name
from sharing.files.policy import inspect, inspect_path
from sharing.files.source import Source
from sharing.files.text import text_encoding

__all__ = [
    "FACTS",
    "Inspected",
    "Kind",
    "RejectedUpload",
    "Source",
    "UploadPolicy",
    "clean_name",
    "inspect",
    "inspect_path",
    "megabytes",
    "text_encoding",
]
