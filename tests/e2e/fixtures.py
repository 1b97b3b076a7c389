"""The server fixtures, made for a scope: conftest.py shares one seeded server with the whole run;
a module whose tests write what they type (the form walk) asks for one of its own."""

import pytest

from tests.e2e import harness


def server_fixtures(scope: str):
    """hearth_server, live_server_url, demo_logins and _sessions, all with that scope."""

    # Not called "live_server": pytest-django's autouse helper would then set up its test database.
    @pytest.fixture(scope=scope)
    def hearth_server():
        try:
            with harness.running_server() as server:
                yield server
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)

    @pytest.fixture(scope=scope)
    def live_server_url(hearth_server) -> str:
        return hearth_server.url

    @pytest.fixture(scope=scope)
    def demo_logins(hearth_server) -> dict[str, str]:
        """email -> password of the demo members, as printed by seed_demo."""
        return hearth_server.logins

    @pytest.fixture(scope=scope)
    def _sessions():
        """Logged-in browser state per email, so each user logs in once per server."""
        return {}

    return hearth_server, live_server_url, demo_logins, _sessions
