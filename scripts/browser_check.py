"""Open a published page in headless Chromium and report what a reader would get.

Usage: ``python scripts/browser_check.py PAGE.html SCREENSHOT.png``

Drives Chromium over the DevTools protocol (tornado's websocket client, already
a Jupyter dependency): loads the file, records console errors, uncaught
exceptions and every network request that is not file:/data:, reads the
page's visible text, and saves a full-page screenshot. Prints the result as
JSON; the test suite imports :func:`check_page`.
"""
from __future__ import annotations

import asyncio
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_HEIGHT = 8000


@dataclass
class PageCheck:
    url: str
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    text: str = ""
    prose: str = ""          # visible text without code, quoted foreign-language elements, scripts and styles
    links: list[str] = field(default_factory=list)   # every <a href>, resolved by the browser
    images_without_alt: int = 0
    screenshot: str = ""
    width: int = 0
    height: int = 0


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


async def _drive(ws_url: str, page_url: str, screenshot: Path, result: PageCheck, timeout: float) -> None:
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(ws_url, max_message_size=256 * 1024 * 1024)
    counter = 0
    loaded = asyncio.Event()

    async def call(method: str, **params):
        nonlocal counter
        counter += 1
        my_id = counter
        conn.write_message(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            raw = await asyncio.wait_for(conn.read_message(), timeout)
            if raw is None:
                raise RuntimeError("DevTools connection closed")
            message = json.loads(raw)
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            _event(message)

    def _event(message: dict) -> None:
        method = message.get("method", "")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            result.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            result.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            result.console_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:")):
                result.external_requests.append(url)
        elif method == "Page.loadEventFired":
            loaded.set()

    for domain in ("Page", "Runtime", "Log", "Network"):
        await call(f"{domain}.enable")
    await call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    await call("Page.navigate", url=page_url)
    deadline = time.monotonic() + timeout
    while not loaded.is_set():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page_url}: page did not finish loading in {timeout}s")
        try:
            raw = await asyncio.wait_for(conn.read_message(), 0.5)
        except asyncio.TimeoutError:
            continue
        if raw is not None:
            _event(json.loads(raw))
    await asyncio.sleep(0.5)  # let images decode and layout settle
    evaluated = await call("Runtime.evaluate", expression="document.body ? document.body.innerText : ''",
                           returnByValue=True)
    result.text = evaluated.get("result", {}).get("value", "")
    probe = await call("Runtime.evaluate", expression=_PROBE, returnByValue=True)
    found = probe.get("result", {}).get("value", {}) or {}
    result.prose, result.links = found.get("prose", ""), found.get("links", [])
    result.images_without_alt = int(found.get("noalt", 0))
    metrics = await call("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics.get("contentSize")
    result.width = int(size["width"])
    result.height = int(min(size["height"], MAX_HEIGHT))
    await call("Emulation.setDeviceMetricsOverride", width=1280, height=max(result.height, 1),
               deviceScaleFactor=1, mobile=False)
    shot = await call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    result.screenshot = str(screenshot)
    conn.close()


_PROBE = """(() => {
  const lang = (document.documentElement.lang || '').slice(0, 2);
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('code, pre, script, style, [lang]').forEach(e => {
    if (e.tagName !== 'CODE' && e.tagName !== 'PRE' && e.tagName !== 'SCRIPT' && e.tagName !== 'STYLE'
        && (e.getAttribute('lang') || '').slice(0, 2) === lang) return;
    e.remove();
  });
  return {prose: copy.textContent, links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
          noalt: Array.from(document.images).filter(i => !(i.getAttribute('alt') || '').trim()).length};
})()"""


def broken_links(links: list[str]) -> list[str]:
    """Links to local files that do not exist, or whose #anchor names no element of the target page."""
    from urllib.parse import unquote, urlparse

    broken = []
    for link in links:
        url = urlparse(link)
        target = Path(unquote(url.path))
        if url.scheme == "file" and not target.exists():
            broken.append(link)
        elif url.scheme == "file" and url.fragment and target.suffix == ".html" and \
                f'id="{unquote(url.fragment)}"' not in target.read_text(encoding="utf-8", errors="replace"):
            broken.append(link)
        elif url.scheme not in ("file", "data", "about", ""):
            broken.append(link)  # a published page links nothing outside the record
    return broken


def check_page(page: Path, screenshot: Path, chromium: str | None = None, timeout: float = 60.0) -> PageCheck:
    """Load ``page`` from disk in headless Chromium; screenshot it and collect errors."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("chromium not found (run scripts/ensure_chromium.sh)")
    page_url = Path(page).resolve().as_uri()
    result = PageCheck(url=page_url)
    profile = tempfile.mkdtemp(prefix="govreport-chromium-")
    try:
        process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the helpers are stopped with it
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + timeout
            while not (port_file.exists() and port_file.read_text().strip()):
                if process.poll() is not None:
                    raise RuntimeError(f"chromium exited with code {process.returncode} before opening DevTools")
                if time.monotonic() > deadline:
                    raise TimeoutError("chromium did not open its DevTools port")
                time.sleep(0.1)
            port = int(port_file.read_text().splitlines()[0])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
                targets = json.load(response)
            ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
            asyncio.run(_drive(ws_url, page_url, Path(screenshot), result, timeout))
        finally:
            _stop_group(process)
    finally:
        # helpers may still be flushing the profile for a moment after the main process exits
        for _ in range(20):
            shutil.rmtree(profile, ignore_errors=True)
            if not Path(profile).exists():
                break
            time.sleep(0.1)
    return result


def _stop_group(process: subprocess.Popen) -> None:
    """Stop chromium and every helper process it started (they share its process group)."""
    import os
    import signal

    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # any helper still alive
    except ProcessLookupError:
        pass
    process.wait()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    result = check_page(Path(argv[0]), Path(argv[1]))
    summary = asdict(result)
    summary["text"] = summary["text"][:400]
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0 if not (result.console_errors or result.exceptions or result.external_requests) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
