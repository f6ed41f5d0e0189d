import pytest

from xietong.search import TantivyIndex, set_cache_dir


@pytest.fixture(scope="session", autouse=True)
def _jieba_cache(tmp_path_factory):
    set_cache_dir(tmp_path_factory.mktemp("jieba"))


@pytest.fixture
def index(tmp_path):
    return TantivyIndex(tmp_path / "index")
