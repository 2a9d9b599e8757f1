from tests.channels.conftest import sandbox_store  # noqa: F401
