"""The one place the server is assembled: the JSON API with the web UI mounted at `/`."""

from __future__ import annotations

from fastapi import FastAPI

from assistant.api.main import create_app
from assistant.core import Assistant


def create_server(
    assistant: Assistant | None = None, with_ui: bool = True, warm: bool = True
) -> FastAPI:
    """API + UI over one `Assistant`; `with_ui=False` serves the JSON API alone."""
    assistant = assistant or Assistant()
    app = create_app(assistant, warm=warm)
    if with_ui:
        from ui.app import mount_ui

        app = mount_ui(app, assistant)
    return app
