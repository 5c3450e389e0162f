"""Access decorators declared on views, by role (core/roles.py; core holds no user model).
Queries enforce organisation scope again."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from sharing.core.roles import Role
from sharing.extensions import login_manager


def roles_required(*roles: str) -> Callable:
    """Signed-in users whose role is listed; anonymous users go to sign-in, others get 403."""
    allowed = {str(r) for r in roles}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role.value not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(allowed)  # type: ignore[attr-defined]
        return wrapped

    return decorator


signed_in_required = roles_required(*Role.EVERYONE)
