"""PNG and JPEG images, decoded for real (verified, then loaded) under a pixel limit, with
Pillow's decompression-bomb guard turned into a refusal."""

from __future__ import annotations

import io
import warnings

from PIL import Image

from sharing.files import messages
from sharing.files.kinds import FACTS, Kind, RejectedUpload, UploadPolicy


def check_image(data: bytes, kind: Kind, policy: UploadPolicy) -> None:
    fmt = "PNG" if kind is Kind.PNG else "JPEG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > policy.max_pixels:
                    raise _too_many_pixels(policy, width, height)
                image.verify()
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(policy, 0, 0) from None
    except RejectedUpload:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on damaged input
        raise messages.damaged(
            policy,
            FACTS[kind].described,
            "Save it again (or take a new screenshot) and upload that copy",
        ) from None


def _too_many_pixels(policy: UploadPolicy, width: int, height: int) -> RejectedUpload:
    size = f" ({width:,} × {height:,} pixels)" if width else ""
    return messages.refuse(
        policy,
        "too_many_pixels",
        f"is an image that is too large{size}: the limit is {policy.max_pixels:,} pixels",
        "Resize it or save it as PDF, then upload it again",
    )
