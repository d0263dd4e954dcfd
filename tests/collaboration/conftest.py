# The API client that checks every response against the OpenAPI document.
from tests.api.conftest import api_as, openapi  # noqa: F401 - fixtures, used by name
