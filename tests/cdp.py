"""A minimal Chrome DevTools Protocol driver for Debian's headless Chromium (no browser download needed).

It opens a page with the network switched off and records what a reader of the page would notice:
console errors, uncaught exceptions and requests that failed or tried to leave the file.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from websockets.sync.client import connect

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--remote-debugging-port=0",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageVisit:
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


class Browser:
    def __init__(self, width: int = 1200, height: int = 1600):
        self.profile = tempfile.mkdtemp(prefix="wijkprofiel-chromium-")
        self.proc = subprocess.Popen(
            [chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
             "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = self._wait_for_port()
        page = next(t for t in requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json() if t["type"] == "page")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=20)
        self._ids = itertools.count(1)
        self.events: list[dict] = []

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if match:
                return int(match.group(1))
            if self.proc.poll() is not None:
                break
        raise RuntimeError("chromium did not start its DevTools endpoint")

    def send(self, method: str, **params) -> dict:
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == msg_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=max(0.05, deadline - time.monotonic()))))
            except TimeoutError:
                return

    def open_offline(self, path: Path, settle: float = 2.0) -> PageVisit:
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=-1, uploadThroughput=-1)
        self.events.clear()
        self.send("Page.navigate", url=path.resolve().as_uri())
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{path} did not finish loading")
            self.drain(0.2)
        self.drain(settle)
        return self._visit()

    def _visit(self) -> PageVisit:
        visit = PageVisit()
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                visit.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                visit.console_errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                visit.console_errors.append(params["entry"].get("text", ""))
            elif method == "Network.loadingFailed":
                visit.failed_requests.append(f"{params.get('errorText')} ({params.get('requestId')})")
            elif method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not url.startswith(("file:", "data:", "about:")):
                    visit.outside_requests.append(url)
        return visit

    def set_viewport(self, width: int, height: int) -> None:
        """Emulate a screen of this size; below 800 px wide as a phone or tablet (the page's viewport meta applies)."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 800)

    def screenshot_viewport(self, target: Path) -> Path:
        """What the reader sees without scrolling (screenshot() may capture the whole page)."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
        return target

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def seen(self) -> PageVisit:
        """What the reader would have noticed since the page was opened, including after clicks."""
        return self._visit()

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element (scrolled into view), as a user gesture."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for soort in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=soort, x=box[0], y=box[1], button="left", clickCount=1)

    def type_into(self, selector: str, text: str) -> None:
        """Focus the field and type `text` as a keyboard would insert it."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def screenshot_element(self, selector: str, target: Path) -> Path:
        """The element alone, whole, however long it is."""
        r = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView();"
            " const r = e.getBoundingClientRect(); return [r.x + scrollX, r.y + scrollY, r.width, r.height]; })()"
        )
        clip = {"x": r[0], "y": r[1], "width": r[2], "height": r[3], "scale": 1}
        data = self.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)["data"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
        return target

    def allow_downloads(self, folder: Path) -> None:
        """Save what the page downloads into `folder` (under the name the page gives) and report its progress."""
        folder.mkdir(parents=True, exist_ok=True)
        self.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(folder), eventsEnabled=True)

    def wait_for_download(self, folder: Path, timeout: float = 20) -> Path:
        """The file of the download the page started last, once Chromium reports it complete."""
        deadline = time.monotonic() + timeout
        naam = None
        while time.monotonic() < deadline:
            for e in self.events:
                params = e.get("params", {})
                if e.get("method") == "Browser.downloadWillBegin":
                    naam = params["suggestedFilename"]
                elif e.get("method") == "Browser.downloadProgress" and params.get("state") == "completed" and naam:
                    return folder / naam
                elif e.get("method") == "Browser.downloadProgress" and params.get("state") == "canceled":
                    raise RuntimeError(f"download of {naam} was canceled")
            self.drain(0.2)
        raise RuntimeError("no download completed")

    def screenshot(self, target: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
        return target

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def browser_required() -> bool:
    """In CI the browser test must run; on a developer's machine without Chromium it is skipped."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
