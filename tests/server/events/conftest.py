from tests.server.commerce.conftest import shop  # noqa: F401  (the Shop fixture)
