#!/usr/bin/env python3
"""Lua tokens in each script given (comments and blanks excluded): gopher-lua's compile cost on
Argo CD's <= 3.5 path grows with the token count, which BENCHMARKS.md quotes beside the
instruction counts. Usage: benches/lua_tokens.py SCRIPT... (default: the generated Ready-family
script and the hand-written baseline)."""
import os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = ["lua-out/core.mas.ibm.com/Suite/health.lua", "benches/baseline/ready_first_match.lua"]
TOKEN = re.compile(r"""
    --\[(=*)\[.*?\]\1\]          # long comment
  | --[^\n]*                     # line comment
  | \[(=*)\[.*?\]\2\]            # long string
  | "(?:\\.|[^"\\\n])*"          # strings
  | '(?:\\.|[^'\\\n])*'
  | 0[xX][0-9a-fA-F]+ | \d+\.?\d*(?:[eE][+-]?\d+)? | \.\d+(?:[eE][+-]?\d+)?
  | [A-Za-z_][A-Za-z0-9_]*
  | \.\.\. | \.\. | == | ~= | <= | >= | [-+*/%^\#<>=(){}\[\];:,.]
  | \s+
""", re.VERBOSE | re.DOTALL)


def tokens(text):
    n, pos = 0, 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise SystemExit(f"cannot read the byte at offset {pos}: {text[pos]!r}")
        t = m.group(0)
        if not t.isspace() and not t.startswith("--"):
            n += 1
        pos = m.end()
    return n


for path in sys.argv[1:] or [os.path.join(ROOT, p) for p in DEFAULT]:
    print(f"{tokens(open(path).read()):6d}  {os.path.relpath(path, ROOT)}")
