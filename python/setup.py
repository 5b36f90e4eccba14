"""Build hook: bundle libgivetake.so into the package and tag the wheel
for this platform (the library is native; the Python code is not tied to
a Python version, so the tag is py3-none-<platform>).

The library comes from $GIVETAKE_LIB, else ../dist/lib/libgivetake.so,
which `make lib` builds (run here when it is missing; it needs the Swift
toolchain, so a wheel is the way to install without one).
"""
import os
import re
import shutil
import subprocess
import sysconfig

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def library() -> str:
    path = os.environ.get("GIVETAKE_LIB")
    if path:
        return path
    path = os.path.join(ROOT, "dist", "lib", "libgivetake.so")
    if not os.path.exists(path):
        if not os.path.exists(os.path.join(ROOT, "Makefile")):
            raise SystemExit("givetake: libgivetake.so not found; set GIVETAKE_LIB or build from the GiveTake tree")
        subprocess.run(["make", "-C", ROOT, "lib"], check=True)
    return path


def version() -> str:
    """The version is defined once, in include/givetake.h (GT_VERSION_STRING)."""
    with open(os.path.join(ROOT, "include", "givetake.h"), encoding="utf-8") as header:
        found = re.search(r'^#define GT_VERSION_STRING "([^"]+)"', header.read(), re.MULTILINE)
    if not found:
        raise SystemExit("givetake: GT_VERSION_STRING not found in include/givetake.h")
    return found.group(1)


class BuildPy(build_py):
    def run(self):
        super().run()
        dest = os.path.join(self.build_lib, "givetake", "libgivetake.so")
        self.copy_file(library(), dest)
        # Debug info and local symbols are a third of the file; the wheel needs neither.
        if shutil.which("strip"):
            subprocess.run(["strip", "--strip-unneeded", dest], check=False)


class NativeDistribution(Distribution):
    """Installs into platlib, like a package with an extension module."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        return "py3", "none", sysconfig.get_platform().replace("-", "_").replace(".", "_")


setup(version=version(), distclass=NativeDistribution, cmdclass={"build_py": BuildPy, "bdist_wheel": PlatformWheel})
