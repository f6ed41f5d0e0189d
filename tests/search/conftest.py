import pytest

from xietong.search import TantivyIndex


@pytest.fixture
def index(tmp_path):
    return TantivyIndex(tmp_path / "index")
