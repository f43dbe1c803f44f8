import pytest

from socorg.regions.models import Region


@pytest.fixture
def region():
    """A region by code (the test database holds every GB/T 2260 unit)."""
    return lambda code: Region.objects.get(code=code)
