from tests.catalog.fixtures import *  # noqa: F403
