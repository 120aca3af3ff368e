"""`pip install .` (not only editable) ships every package and the bundled content."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile

import pytest

from tests.conftest import ROOT


def listed_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(config["tool"]["setuptools"]["packages"])


def test_every_python_package_is_listed_in_pyproject():
    on_disk = {
        str(init.parent.relative_to(ROOT)).replace("/", ".")
        for top in ("studyapp", "demos")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk | {"studyapp_content"} == listed_packages()


@pytest.mark.slow
def test_wheel_contains_content_and_schema(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(ROOT), "-w", str(tmp_path)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = tmp_path.glob("studyapp-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for yaml_file in (ROOT / "content").glob("*.yaml"):
        assert f"studyapp_content/{yaml_file.name}" in names
    assert "studyapp_content/topic.schema.json" in names
    assert "studyapp/app.py" in names and "demos/overfitting/lesson.py" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "studyapp = studyapp.cli:main" in entry_points
