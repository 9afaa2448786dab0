"""Build hook beside pyproject.toml (which holds the package's metadata): one optional C extension,
readers/_pdfium_loops.c, the PDF reader's character and path loops (readers/pdfium_compiled.py says why).

Optional: where it cannot be compiled the install still succeeds and the same loops run in Python. The source's
digest is compiled in, so a build older than its source is not used (readers/pdfium_compiled.py).
"""
import hashlib
from pathlib import Path

from setuptools import Extension, setup

SOURCE = "src/govreport/readers/_pdfium_loops.c"
DIGEST = hashlib.sha256((Path(__file__).parent / SOURCE).read_bytes()).hexdigest()

setup(ext_modules=[Extension(
    "govreport.readers._pdfium_loops", [SOURCE], optional=True,
    define_macros=[("SOURCE_DIGEST", f'"{DIGEST}"')],
    # no fused multiply-add: every coordinate must be the double the Python loops compute
    extra_compile_args=["-O2", "-ffp-contract=off"],
)])
