"""Ship the top-level data folders `rules/` and `web/` inside the wheel as `suitability/_data/`."""

from pathlib import Path
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("rules", "web")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).parent
        for name in DATA:
            source = root / name
            if source.is_dir():
                target = Path(self.build_lib) / "suitability" / "_data" / name
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
