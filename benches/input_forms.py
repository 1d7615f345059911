#!/usr/bin/env python3
"""Writes the fixture objects of health/ repeated to N objects in each input form eval reads,
for the whole-process figures of BENCHMARKS.md (`eval --output json FILE` under
/usr/bin/time -v). Needs python3-yaml (with libyaml for speed).
Usage: benches/input_forms.py OUT_DIR N...   (BENCHMARKS.md: 7460 22380 74600)
Writes OUT_DIR/N.jsonl, N.concat.json (pretty, one after another), N.list.json (`oc get -o
json`), N.list.yaml (`oc get -o yaml`), N.multi.yaml (one document an object)."""
import glob, json, os, sys
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


def main():
    out_dir, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
    base = fixtures()
    for n in sizes:
        objs = [base[i % len(base)] for i in range(n)]
        path = lambda suffix: os.path.join(out_dir, f"{n}.{suffix}")
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
    print(f"{len(base)} fixture objects; wrote {len(sizes) * 5} files to {out_dir}")


main()
