#!/usr/bin/env python3
"""Writes the fixture objects of health/ repeated to N objects in each input form eval reads,
then measures the whole process on each file, `eval --output json FILE > /dev/null` under
/usr/bin/time -v, and prints the table of BENCHMARKS.md "Input forms, whole process" (CPU user +
sys, wall clock, peak memory, and the load average when measured). Needs python3-yaml (with
libyaml for speed) and GNU time; build first with `cargo build --release`.
Usage: benches/input_forms.py [--write-only] [--binary PATH] OUT_DIR N...
       (BENCHMARKS.md: benches/input_forms.py /tmp/forms 7460 74600)
Writes OUT_DIR/N.jsonl, N.concat.json (pretty, one after another), N.list.json (`oc get -o
json`), N.list.yaml (`oc get -o yaml`), N.multi.yaml (one document an object); files already
there (same N) are reused."""
import glob, json, os, re, subprocess, sys
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class Dumper(Base):
    # Repeated objects are written out each time: `oc` never writes anchors.
    def ignore_aliases(self, data):
        return True


def fixtures():
    out = []
    for f in sorted(glob.glob(os.path.join(ROOT, "health/**/testdata/*.yaml"), recursive=True)):
        with open(f) as fh:
            out += [d for d in yaml.load_all(fh, Loader=Loader) if isinstance(d, dict)]
    return out


FORMS = [
    ("jsonl", "JSON Lines"),
    ("concat.json", "concatenated JSON, pretty"),
    ("list.json", "one JSON `kind: List`"),
    ("multi.yaml", "YAML, one document an object"),
    ("list.yaml", "one YAML `kind: List`"),
]


def write(out_dir, n, base):
    path = lambda suffix: os.path.join(out_dir, f"{n}.{suffix}")
    if all(os.path.exists(path(s)) for s, _ in FORMS):
        return
    objs = [base[i % len(base)] for i in range(n)]
    with open(path("jsonl"), "w") as fh:
        fh.writelines(json.dumps(o) + "\n" for o in objs)
    with open(path("concat.json"), "w") as fh:
        fh.writelines(json.dumps(o, indent=2) + "\n" for o in objs)
    listed = {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}
    with open(path("list.json"), "w") as fh:
        json.dump(listed, fh)
    with open(path("list.yaml"), "w") as fh:
        yaml.dump(listed, fh, Dumper=Dumper, sort_keys=False)
    with open(path("multi.yaml"), "w") as fh:
        yaml.dump_all(objs, fh, Dumper=Dumper, sort_keys=False, explicit_start=True)


def measure(binary, path):
    """CPU (user + sys) and wall seconds, peak memory in MB of one eval of `path`."""
    run = subprocess.run(
        ["/usr/bin/time", "-v", binary, "eval", "--output", "json", path],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    field = lambda name: re.search(rf"{re.escape(name)}: (.*)", run.stderr).group(1).strip()
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    return cpu, seconds, int(field("Maximum resident set size (kbytes)")) / 1000, run.returncode


def main():
    args = sys.argv[1:]
    write_only = "--write-only" in args
    args = [a for a in args if a != "--write-only"]
    binary = os.path.join(ROOT, "target", "release", "mas-health")
    if args[:1] == ["--binary"]:
        binary, args = args[1], args[2:]
    out_dir, sizes = args[0], [int(n) for n in args[1:]]
    os.makedirs(out_dir, exist_ok=True)
    base = fixtures()
    for n in sizes:
        write(out_dir, n, base)
    print(f"{len(base)} fixture objects; files for {sizes} in {out_dir}")
    if write_only:
        return
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| input | objects | MB | CPU (user + sys) | wall | peak memory | exit |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for suffix, name in FORMS:
        for n in sizes:
            path = os.path.join(out_dir, f"{n}.{suffix}")
            cpu, wall, peak, code = measure(binary, path)
            mb = os.path.getsize(path) / 1e6
            print(f"| {name} | {n:,} | {mb:.0f} | {cpu:.2f} s | {wall:.2f} s | {peak:.0f} MB | {code} |",
                  flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


main()
