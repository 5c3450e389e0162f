"""WSGI entry point: `flask --app app ...` and `gunicorn app:app`."""

from sharing import create_app

app = create_app()
