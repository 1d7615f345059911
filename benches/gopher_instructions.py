#!/usr/bin/env python3
"""Instructions per evaluation in gopher-lua (callgrind), which do not move with machine load.

Runs the conformance harness (built by `mas-health bench --engine gopher`) on the Ready-family
fixture objects with the generated script and with the hand-written baseline, at 5 and 25
evaluations per object, and prints the difference divided by 20 evaluations: process start,
input decoding and output are left out, garbage collection is counted. Needs python3-yaml and
valgrind. Usage: benches/gopher_instructions.py [-cached=true]
"""
import glob, json, os, subprocess, sys, tempfile
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY = os.path.join(ROOT, "lua-out/core.mas.ibm.com/Suite/health.lua")
SCRIPTS = {"generated": READY, "hand-written": os.path.join(ROOT, "benches/baseline/ready_first_match.lua")}


def ready_objects():
    """Fixture objects of the kinds whose generated script is the Ready family's."""
    ready = open(READY).read()
    out = []
    for f in sorted(glob.glob(os.path.join(ROOT, "health/*/*/testdata/*.yaml"))):
        group, kind = f.split(os.sep)[-4:-2]
        script = os.path.join(ROOT, "lua-out", group, kind, "health.lua")
        if os.path.exists(script) and open(script).read() == ready:
            out += [d for d in yaml.safe_load_all(open(f)) if isinstance(d, dict)]
    return out


def count(harness, lines, evaluations, extra):
    env = dict(os.environ, GODEBUG="asyncpreemptoff=1", GOMAXPROCS="1")
    with tempfile.TemporaryFile("w+") as f:
        f.write(lines)
        f.seek(0)
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", harness,
             f"-bench={evaluations}", *extra],
            stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    return int(run.stderr.split("Collected : ")[1].split()[0])


def main():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    found = sorted(glob.glob(os.path.join(cache, "mas-health/gopher-harness-????????????????")),
                   key=os.path.getmtime)
    if not found:
        sys.exit("no harness: run `mas-health bench --engine gopher` once")
    objects = ready_objects()
    result = {}
    for name, path in SCRIPTS.items():
        script = open(path).read()
        lines = "".join(json.dumps({"script": script, "object": o, "openLibs": False}, default=str)
                        + "\n" for o in objects)
        low, high = (count(found[-1], lines, n, sys.argv[1:]) for n in (5, 25))
        result[name] = (high - low) // (20 * len(objects))
        print(f"{name:13} {result[name]:>10,} instructions per evaluation ({len(objects)} objects)")
    print(f"generated / hand-written: {result['generated'] / result['hand-written']:.2f}")


if __name__ == "__main__":
    main()
