#!/usr/bin/env python3
"""page_check.py: load an nnlab page in headless Chromium and check it as a person would see it.

Drives Debian's chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
messages ending in a NUL byte on file descriptors 3 and 4), with nothing but Python's standard
library. Checks, each printed as "ok ..." or "FAIL ...":

  - the page loads from file:// and its screenshot is not blank (many colours, not one);
  - every <img> loaded (complete, with a natural width);
  - no console error, no uncaught exception, no Content-Security-Policy violation;
  - no request but the page itself and data: URLs was attempted (Network.requestWillBeSent);
  - no JavaScript dialog opened (a hostile string that ran alert() would open one);
  - --text S: the page's text holds S literally (escaped, shown, not run);
  - --sort TABLE_ID:COLUMN: clicking the column's heading sorts the rows ascending, a second
    click descending (numbers as numbers).

Usage: page_check.py PAGE.html [--text S]... [--sort ID:COL]... [--screenshot OUT.png]
Exit 0 when every check passed, 1 otherwise, 3 when chromium cannot be started.
"""
import base64
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from urllib.parse import unquote


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


class Browser:
    def __init__(self, exe):
        self.udd = tempfile.mkdtemp(prefix="nnlab-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # move the child's ends to 3 and 4 (the protocol's descriptors) in the child only
        a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)

        def fds():
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                "--user-data-dir=" + self.udd, "--remote-debugging-pipe", "--window-size=1280,1600",
                "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False)
        for fd in (to_chrome_r, from_chrome_w, a, b):
            os.close(fd)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, timeout):
        """One message, or None after timeout seconds."""
        end = time.time() + timeout
        while b"\0" not in self.buf:
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.from_chrome], [], [], left)
            if not r:
                return None
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        m = json.loads(msg)
        if m.get("method") == "Page.javascriptDialogOpening":   # noted; closed at once
            self.send("Page.handleJavaScriptDialog", {"accept": True}, m.get("sessionId"))
        return m

    def call(self, method, params=None, session=None, timeout=30):
        want = self.send(method, params, session)
        end = time.time() + timeout
        while time.time() < end:
            m = self.read(end - time.time())
            if m is None:
                break
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)
        raise RuntimeError("%s: no answer in %d s" % (method, timeout))

    def wait_event(self, method, timeout):
        end = time.time() + timeout
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return m
        while time.time() < end:
            m = self.read(end - time.time())
            if m is None:
                break
            self.events.append(m)
            if m.get("method") == method:
                return m
        return None

    def drain(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            m = self.read(end - time.time())
            if m is None:
                break
            self.events.append(m)

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
        shutil.rmtree(self.udd, ignore_errors=True)


def png_colours(data):
    """The number of distinct RGB colours in a PNG (8-bit RGB or RGBA, not interlaced)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                return -1
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(min(h, 600)):   # the top of a page tells it from a blank
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        if y % 4 == 0:   # a sample of the rows is plenty to tell a page from a blank
            for x in range(0, stride, bpp * 2):
                colours.add(bytes(line[x:x + 3]))
        prev = line
    return len(colours)


SORT_JS = r"""
(function(id, col) {
  var t = document.getElementById(id);
  if (!t) return {error: 'no table ' + id};
  var ths = t.querySelectorAll('thead th'), c = -1;
  for (var i = 0; i < ths.length; i++) if (ths[i].textContent.trim() === col) c = i;
  if (c < 0) return {error: 'no column ' + col};
  function vals() {
    return Array.prototype.map.call(t.tBodies[0].rows, function(r) {
      var td = r.cells[c], v = td.getAttribute('data-v');
      return v === null ? td.textContent : v;
    });
  }
  ths[c].click();
  var up = vals();
  ths[c].click();
  var down = vals();
  return {up: up, down: down};
})(%s, %s)
"""


def sorted_ok(vals, descending):
    nums = [v for v in vals if v != ""]
    blanks_last = all(v == "" for v in vals[len(nums):])
    try:
        xs = [float(v) for v in nums]
    except ValueError:
        xs = nums
    want = sorted(xs, reverse=descending)
    return blanks_last and xs == want


def main(argv):
    page, texts, sorts, shot = None, [], [], None
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("--text", "--sort", "--screenshot") and i + 1 < len(argv):
            {"--text": texts, "--sort": sorts}.get(a, []).append(argv[i + 1])
            if a == "--screenshot":
                shot = argv[i + 1]
            i += 2
        else:
            page = a
            i += 1
    if not page:
        print(__doc__)
        return 2
    exe = chromium_path()
    if not exe:
        print("skip: chromium is not installed (apt-get install chromium)")
        return 3
    url = "file://" + os.path.abspath(page)
    failures = 0

    def check(ok, what):
        nonlocal failures
        print(("ok " if ok else "FAIL ") + what)
        failures += not ok

    br = Browser(exe)
    try:
        target = br.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        sess = br.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for m in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            br.call(m, session=sess)
        br.call("Page.navigate", {"url": url}, session=sess)
        loaded = br.wait_event("Page.loadEventFired", 30)
        check(loaded is not None, "the page loaded: " + url)
        br.drain(1.0)
        res = br.call("Runtime.evaluate", {"expression": """JSON.stringify({
            n: document.images.length,
            bad: Array.prototype.filter.call(document.images, function(i) {
                return !i.complete || !i.naturalWidth; }).length,
            title: document.title, text: document.body ? document.body.innerText.length : 0})""",
            "returnByValue": True}, session=sess)
        info = json.loads(res["result"]["value"])
        check(info["n"] > 0 and info["bad"] == 0,
              "every image loaded (%d images, %d not)" % (info["n"], info["bad"]))
        check(info["text"] > 100, "the page has text (%d characters)" % info["text"])
        for t in texts:
            r = br.call("Runtime.evaluate", {"expression": "document.body.textContent.indexOf(%s) >= 0"
                                             % json.dumps(t), "returnByValue": True}, session=sess)
            check(r["result"]["value"] is True, "the page shows %r as text" % t)
        for s in sorts:
            tid, col = s.split(":", 1)
            r = br.call("Runtime.evaluate", {"expression": SORT_JS % (json.dumps(tid), json.dumps(col)),
                                             "returnByValue": True}, session=sess)
            v = r["result"].get("value") or {"error": "no result"}
            if "error" in v:
                check(False, "sorting %s by %s: %s" % (tid, col, v["error"]))
            else:
                check(sorted_ok(v["up"], False) and sorted_ok(v["down"], True) and len(v["up"]) > 1,
                      "sorting %s by %s: ascending then descending (%d rows)" % (tid, col, len(v["up"])))
        br.drain(0.5)
        shot_b = base64.b64decode(br.call("Page.captureScreenshot", {"format": "png"},
                                          session=sess)["data"])
        if shot:
            with open(shot, "wb") as f:
                f.write(shot_b)
        colours = png_colours(shot_b)
        check(colours > 20, "the screenshot is not blank (%d colours)" % colours)
        br.drain(0.3)
        ev = br.events
        dialogs = [m for m in ev if m.get("method") == "Page.javascriptDialogOpening"]
        check(not dialogs, "no dialog opened (nothing the page holds ran)%s"
              % ("" if not dialogs else ": " + dialogs[0]["params"].get("message", "")))
        errors = [m["params"]["entry"]["text"] for m in ev if m.get("method") == "Log.entryAdded"
                  and m["params"]["entry"]["level"] in ("error", "warning")]
        errors += [m["params"]["exceptionDetails"].get("text", "") for m in ev
                   if m.get("method") == "Runtime.exceptionThrown"]
        errors += [" ".join(str(a.get("value", "")) for a in m["params"]["args"]) for m in ev
                   if m.get("method") == "Runtime.consoleAPICalled"
                   and m["params"]["type"] in ("error", "warning", "assert")]
        check(not errors, "no console error, exception or CSP violation%s"
              % ("" if not errors else ": " + errors[0][:300]))
        reqs = [m["params"]["request"]["url"] for m in ev if m.get("method") == "Network.requestWillBeSent"]
        other = [u for u in reqs if unquote(u) != unquote(url) and not u.startswith("data:")]
        check(not other, "no request but the page itself (%d requests%s)"
              % (len(reqs), "" if not other else ": " + other[0][:200]))
    except Exception as ex:   # the browser misbehaved: a failure, said
        check(False, "driving chromium: %s" % ex)
    finally:
        br.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
