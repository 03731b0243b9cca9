import pytest
from django.test import Client


@pytest.fixture
def login():
    """login(user) -> a Client logged in as that user (through the real login page)."""

    def _login(user, password: str = "pw-Secret-123", **client_kwargs) -> Client:
        client = Client(**client_kwargs)
        response = client.post("/iam/login/", {"username": user.username, "password": password})
        assert response.status_code == 302, response.content[:500]
        return client

    return _login
