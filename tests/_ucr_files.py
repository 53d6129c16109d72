"""What the UCR/UEA loader's tests share: a toy .ts problem, a .ts writer and
a guard that fails any test reaching the network."""

import urllib.request
from pathlib import Path

import pytest

URL = "https://timeseriesclassification.com/aeon-toolkit/{}.zip"

TOY_HEADER = """\
# A toy problem.
#   Second comment line.
@problemName Toy
@timeStamps false
@missing false
@univariate true
@equalLength true
@seriesLength 3
@classLabel true b a
@data
"""
TOY_TRAIN = TOY_HEADER + "1,2,3:a\n\n0.5,-1e-3,4E2:b\n"
TOY_TEST = TOY_HEADER + "7,8,9:b\n"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test reaching the network; downloads use a fake urlopen."""

    def urlopen(url, *args, **kwargs):
        raise AssertionError(f"network access in a test: {url}")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)


def write_ts(home, name, part, text, nested=False):
    folder = Path(home) / "ucr" / (name if nested else "")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}_{part}.ts"
    path.write_text(text)
    return path
