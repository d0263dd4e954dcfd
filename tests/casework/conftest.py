"""The API tests' fixtures, for the case-work API tests here."""

from tests.api.conftest import api_as, openapi  # noqa: F401 - re-exported as fixtures
