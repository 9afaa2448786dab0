"""Running a notebook: the build's own kernel, a preflight of it, and papermill's execution.

Notebooks run in *this* interpreter. A kernelspec pointing at ``sys.executable``
is written under ``build/jupyter`` and put first on ``JUPYTER_PATH``, so a
globally registered ``python3`` kernel (or none at all) never decides which
Python runs the reports. Execution is papermill's Python API with typed
parameters and a per-cell timeout; a failure becomes one line naming the
notebook, the parameters and the failing cell (:class:`NotebookFailed`).
papermill, jupyter_client and zmq are imported when used: the core never needs them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import govreport

from govreport.errors import GovreportError

KERNEL_NAME = "govreport-python"


# --------------------------------------------------------------------------
# the kernel

def package_source_dir() -> Path:
    """The directory that holds the imported ``govreport`` package (src/ in a checkout)."""
    return Path(govreport.__path__[0]).resolve().parent


def kernel_spec(executable: str = sys.executable) -> dict[str, Any]:
    """A kernelspec that runs ipykernel in ``executable`` and imports this govreport."""
    existing = os.environ.get("PYTHONPATH", "")
    pythonpath = os.pathsep.join(p for p in (str(package_source_dir()), existing) if p)
    return {
        "argv": [executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"govreport ({executable})",
        "language": "python",
        "env": {"PYTHONPATH": pythonpath, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        "metadata": {"debugger": False, "supported_encryption": ["curve"]},
    }


def install_kernel(jupyter_dir: Path) -> Path:
    """Write the build-local kernelspec and put its data dir first on JUPYTER_PATH.

    Returns the kernelspec directory. Idempotent: the file is rewritten only
    when its content changes.
    """
    spec_dir = Path(jupyter_dir) / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec_file = spec_dir / "kernel.json"
    text = json.dumps(kernel_spec(), indent=1, sort_keys=True)
    if not spec_file.exists() or spec_file.read_text(encoding="utf-8") != text:
        spec_file.write_text(text, encoding="utf-8")
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(jupyter_dir) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(jupyter_dir), *paths])
    return spec_dir


@dataclass
class Preflight:
    ok: bool
    message: str


def preflight(jupyter_dir: Path) -> Preflight:
    """Install the kernelspec, resolve it the way papermill will, and start its Python once.

    The message names the interpreter the notebooks will run in.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    install_kernel(jupyter_dir)
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return Preflight(False, f"kernel {KERNEL_NAME!r} not found on JUPYTER_PATH={os.environ.get('JUPYTER_PATH')}")
    executable = spec.argv[0]
    env = {**os.environ, **spec.env}
    probe = "import sys, ipykernel, govreport; print(sys.version.split()[0]); print(govreport.__path__[0])"
    try:
        result = subprocess.run([executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Preflight(False, f"kernel {KERNEL_NAME}: cannot start {executable}: {exc}")
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        return Preflight(False, f"kernel {KERNEL_NAME}: {executable} cannot import ipykernel/govreport: {last}")
    version, package = result.stdout.split()[:2]
    if Path(package).resolve() != Path(govreport.__path__[0]).resolve():
        return Preflight(False, f"kernel {KERNEL_NAME}: imports govreport from {package}, "
                                f"but the build uses {govreport.__path__[0]}")
    return Preflight(True, f"kernel {KERNEL_NAME} runs {executable} (Python {version}), govreport from {package}")


# --------------------------------------------------------------------------
# execution

def kernel_manager_class():
    """papermill's kernel manager, with CurveZMQ transport encryption when libzmq has it.

    The kernelspec declares curve support; without this the kernel warns on
    every start that it runs over unencrypted TCP.
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager

    if not zmq.has("curve"):
        return AsyncKernelManager

    class EncryptedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport_encryption", "auto")
            super().__init__(**kwargs)

    return EncryptedKernelManager


class NotebookFailed(GovreportError):
    """One notebook run failed; ``str()`` is the one-line explanation."""


def describe_parameters(parameters: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in parameters.items())


def execute(notebook: Path, output: Path, parameters: dict[str, Any], *, timeout: int,
            cwd: Path) -> None:
    """Run ``notebook`` with typed ``parameters`` into ``output`` (papermill Python API)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
    label = f"{notebook.name} ({describe_parameters(parameters)})"
    try:
        papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            execution_timeout=timeout, start_timeout=120, cwd=str(cwd),
            kernel_manager_class=kernel_manager_class(),
        )
    except PapermillExecutionError as exc:
        source = (exc.source or "").strip().splitlines()
        first = source[0] if source else ""
        raise NotebookFailed(
            f"{label}: cell {exc.cell_index} [{exc.exec_count}] `{first}` raised {exc.ename}: {exc.evalue}"
            f" (executed notebook: {output})"
        ) from None
    except Exception as exc:  # timeouts, dead kernels, unreadable notebooks
        raise NotebookFailed(f"{label}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
                             f" (executed notebook: {output})") from None
