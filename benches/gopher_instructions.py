#!/usr/bin/env python3
"""Instructions per evaluation in gopher-lua (callgrind), which do not move with machine load.

Runs the conformance harness (built by `mas-health bench --engine gopher`) on fixture objects,
at 5 and 25 evaluations per object, and prints the difference divided by 20 evaluations:
process start, input decoding and output are left out, garbage collection is counted.

Three scripts are measured: the generated Ready-family script (on the fixture objects of every
kind that shares it), the hand-written first-match baseline (same objects), and the generated
Application script (on the Application fixtures), the largest script. `--rev REV` reads the
generated scripts from lua-out/ as committed at REV instead of the working tree, so a change
to the emitter can be measured before and after. Needs python3-yaml, valgrind and git.
Usage: benches/gopher_instructions.py [--rev REV] [-cached=true]
"""
import glob, json, os, subprocess, sys, tempfile
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY = "lua-out/core.mas.ibm.com/Suite/health.lua"
APPLICATION = "lua-out/argoproj.io/Application/health.lua"
BASELINE = "benches/baseline/ready_first_match.lua"


def read(path, rev):
    """A file of the repository, from the working tree or (with `rev`) from that commit."""
    if rev is None:
        return open(os.path.join(ROOT, path)).read()
    return subprocess.run(["git", "-C", ROOT, "show", f"{rev}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def fixtures(kinds):
    """Fixture objects of the given (group, kind) pairs."""
    out = []
    for f in sorted(glob.glob(os.path.join(ROOT, "health/*/*/testdata/*.yaml"))):
        if tuple(f.split(os.sep)[-4:-2]) in kinds:
            out += [d for d in yaml.safe_load_all(open(f)) if isinstance(d, dict)]
    return out


def ready_kinds():
    """The kinds whose generated script (in the working tree) is the Ready family's."""
    ready = open(os.path.join(ROOT, READY)).read()
    kinds = set()
    for script in glob.glob(os.path.join(ROOT, "lua-out/*/*/health.lua")):
        if open(script).read() == ready:
            kinds.add(tuple(script.split(os.sep)[-3:-1]))
    return kinds


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


def per_evaluation(harness, script, objects, extra):
    lines = "".join(json.dumps({"script": script, "object": o, "openLibs": False}, default=str)
                    + "\n" for o in objects)
    low, high = (count(harness, lines, n, extra) for n in (5, 25))
    return (high - low) // (20 * len(objects))


def main():
    args = sys.argv[1:]
    rev = None
    if "--rev" in args:
        i = args.index("--rev")
        rev = args[i + 1]
        del args[i:i + 2]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    found = sorted(glob.glob(os.path.join(cache, "mas-health/gopher-harness-????????????????")),
                   key=os.path.getmtime)
    if not found:
        sys.exit("no harness: run `mas-health bench --engine gopher` once")
    ready_objects = fixtures(ready_kinds())
    runs = [
        ("generated Ready", read(READY, rev), ready_objects),
        ("hand-written", read(BASELINE, None), ready_objects),
        ("generated Application", read(APPLICATION, rev),
         fixtures({("argoproj.io", "Application")})),
    ]
    result = {}
    for name, script, objects in runs:
        result[name] = per_evaluation(found[-1], script, objects, args)
        print(f"{name:22} {result[name]:>10,} instructions per evaluation ({len(objects)} objects)")
    print(f"generated Ready / hand-written: "
          f"{result['generated Ready'] / result['hand-written']:.2f}")


if __name__ == "__main__":
    main()
