#!/usr/bin/env python3
"""Open an HTML page in headless Chromium, fail on console errors, save a screenshot.

Talks the Chrome DevTools Protocol over `--remote-debugging-pipe` (file descriptors 3 and 4),
so it needs nothing beyond the Python standard library and a Chromium binary.

Usage:
    cdp_check.py PAGE.html OUT.png [--chromium PATH] [--width PX] [--clip-top PX --clip-height PX]
    cdp_check.py --self-test [--chromium PATH]

Exit status: 0 when the page loaded without console errors, uncaught exceptions, error log
entries or requests to http(s) URLs; 1 when it had any (each is printed); 2 for usage errors,
a missing Chromium or a browser that did not answer in time.
"""

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT_S = 45.0
# Chromium cannot paint a single screenshot taller than its largest texture.
MAX_SHOT_HEIGHT = 16000
SETTLE_S = 0.5


class BrowserError(Exception):
    """The browser could not be started or did not answer."""


class Cdp:
    """A DevTools-protocol connection to a Chromium started with --remote-debugging-pipe."""

    def __init__(self, chromium, profile):
        self.log_path = os.path.join(profile, "chromium-stderr.log")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # Keep our ends away from 3 and 4, which the child's ends must become.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
                for fd in (to_browser_r, to_browser_w, from_browser_r, from_browser_w)]
        for fd in (to_browser_r, to_browser_w, from_browser_r, from_browser_w):
            os.close(fd)
        child_in, self.write_fd, self.read_fd, child_out = high

        def wire_fds():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--mute-audio",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_path, "wb"),  # noqa: SIM115 - closed with the process
            preexec_fn=wire_fds,  # noqa: PLW1509 - single-threaded script
            close_fds=False,
        )
        os.close(child_in)
        os.close(child_out)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        return self.next_id

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise BrowserError("the browser closed the DevTools pipe" + self.log_tail())
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None, timeout=TIMEOUT_S):
        """Sends a command and returns its result; events read meanwhile are kept."""
        wanted = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message is None:
                raise BrowserError(f"no answer to {method} within {timeout:.0f} s")
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method} failed: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_event(self, method, timeout):
        """Waits for an event named `method` (true if seen)."""
        if any(e["method"] == method for e in self.events):
            return True
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message is None:
                return False
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    return True

    def drain(self, seconds):
        """Collects the events that arrive within `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            message = self._read_message(deadline)
            if message is None:
                return
            if "method" in message:
                self.events.append(message)

    def log_tail(self):
        try:
            with open(self.log_path, "rb") as f:
                tail = f.read()[-2000:].decode(errors="replace").strip()
        except OSError:
            return ""
        return f"; its last output:\n{tail}" if tail else ""

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def describe_remote(arg):
    if "value" in arg:
        return json.dumps(arg["value"]) if not isinstance(arg["value"], str) else arg["value"]
    return arg.get("description") or arg.get("type", "?")


def problems_in(events):
    """The console errors, exceptions, error log entries and web requests among `events`."""
    found = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(describe_remote(a) for a in params.get("args", []))
            found.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            exc = details.get("exception", {})
            text = exc.get("description") or details.get("text", "exception")
            found.append(f"uncaught exception: {text.splitlines()[0] if text else text}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            found.append(f"log error ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".rstrip())
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if url.startswith(("http:", "https:", "ws:", "wss:", "ftp:")):
                found.append(f"request to an external URL: {url}")
    return found


def check_page(chromium, page, shot, width, clip):
    """Loads `page`; returns the list of problems and writes a screenshot to `shot` if given."""
    url = "file://" + os.path.abspath(page)
    with tempfile.TemporaryDirectory(prefix="infoscope-chromium-") as profile:
        cdp = Cdp(chromium, profile)
        try:
            target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime", "Log", "Page", "Network"):
                cdp.call(f"{domain}.enable", session=session)
            cdp.call("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
            cdp.events.clear()
            nav = cdp.call("Page.navigate", {"url": url}, session=session)
            if nav.get("errorText"):
                return [f"navigation failed: {nav['errorText']}"]
            if not cdp.wait_event("Page.loadEventFired", TIMEOUT_S):
                raise BrowserError("the page did not finish loading")
            cdp.drain(SETTLE_S)
            problems = problems_in(cdp.events)
            seen = len(cdp.events)
            if shot:
                metrics = cdp.call("Page.getLayoutMetrics", session=session)
                size = metrics.get("cssContentSize") or metrics["contentSize"]
                height = int(size["height"] + 0.999)
                scale = 1.0
                if clip:
                    top, clip_height = clip
                else:
                    top, clip_height = 0, height
                    if height > MAX_SHOT_HEIGHT:
                        scale = MAX_SHOT_HEIGHT / height
                        print(f"note: page is {height} px tall; the screenshot is scaled by "
                              f"{scale:.2f} to fit {MAX_SHOT_HEIGHT} px (--clip-top/--clip-height "
                              "give parts at full size)")
                cdp.call("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": max(1, min(clip_height, 2000)),
                          "deviceScaleFactor": 1, "mobile": False}, session=session)
                cdp.drain(0.2)
                result = cdp.call("Page.captureScreenshot", {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": top, "width": width, "height": clip_height, "scale": scale},
                }, session=session)
                with open(shot, "wb") as out:
                    out.write(base64.b64decode(result["data"]))
                problems += problems_in(cdp.events[seen:])
            return problems
        finally:
            cdp.close()


def self_test(chromium):
    """Proves that the checker fails on a broken page and passes a clean one."""
    with tempfile.TemporaryDirectory(prefix="infoscope-selftest-") as tmp:
        bad = os.path.join(tmp, "bad.html")
        good = os.path.join(tmp, "good.html")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("<!DOCTYPE html><html><body><p>bad</p><script>"
                    "console.error('x'); throw new Error('boom');</script></body></html>")
        with open(good, "w", encoding="utf-8") as f:
            f.write("<!DOCTYPE html><html><body><p>good</p><script>console.log('fine')</script>"
                    "</body></html>")
        bad_problems = check_page(chromium, bad, None, 800, None)
        good_problems = check_page(chromium, good, os.path.join(tmp, "good.png"), 800, None)
        with open(os.path.join(tmp, "good.png"), "rb") as f:
            shot_ok = f.read(8) == b"\x89PNG\r\n\x1a\n"
    ok = True
    if not any(p.startswith("console.error: x") for p in bad_problems):
        print("self-test FAILED: console.error('x') was not detected", file=sys.stderr)
        ok = False
    if not any("uncaught exception" in p and "boom" in p for p in bad_problems):
        print("self-test FAILED: the thrown Error('boom') was not detected", file=sys.stderr)
        ok = False
    if good_problems:
        print(f"self-test FAILED: a clean page was reported: {good_problems}", file=sys.stderr)
        ok = False
    if not shot_ok:
        print("self-test FAILED: the screenshot is not a PNG", file=sys.stderr)
        ok = False
    if ok:
        print("self-test passed: detected " + "; ".join(bad_problems) + "; clean page passed")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", nargs="?")
    parser.add_argument("shot", nargs="?")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--clip-top", type=int)
    parser.add_argument("--clip-height", type=int)
    args = parser.parse_args()
    chromium = shutil.which(args.chromium) or (args.chromium if os.access(args.chromium, os.X_OK) else None)
    if not chromium:
        print(f"error: Chromium not found at {args.chromium} (Debian: apt-get install -y chromium)",
              file=sys.stderr)
        return 2
    try:
        if args.self_test:
            return self_test(chromium)
        if not args.page or not args.shot:
            parser.print_usage(sys.stderr)
            return 2
        if not os.path.isfile(args.page):
            print(f"error: no such page: {args.page}", file=sys.stderr)
            return 2
        clip = None
        if args.clip_top is not None or args.clip_height is not None:
            clip = (args.clip_top or 0, args.clip_height or 2000)
        problems = check_page(chromium, args.page, args.shot, args.width, clip)
    except BrowserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if problems:
        print(f"FAILED: {args.page} logged {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"ok: {args.page} loaded without console errors; screenshot {args.shot}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(1)
