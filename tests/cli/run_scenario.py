#!/usr/bin/env python3
"""Replay one scenario through `msgcenter replay` and check its results.

Usage: run_scenario.py MSGCENTER_BINARY SCENARIO.jsonl EXPECT.jsonl

SCENARIO.jsonl holds protocol operations (see the shared protocol.md), one per line; blank lines and
lines starting with // are skipped by the engine and produce no result.  EXPECT.jsonl holds
one JSON object per result line, in order (blank lines and // comments are skipped here too).

Each actual result is compared with its expected object by SUBSET match: every key of the
expected object must exist in the actual one with a matching value (recursively); arrays must
have the same length and match element by element; keys the expectation does not name are
ignored.  A few extra forms are understood inside expected values, for checks that equality
cannot express:
  {"$contains": "text"}            the actual value is a string containing "text"
  {"$count": ["text", N]}          the actual value is a string containing "text" exactly N times
  {"$len": N}                      the actual value is an array (or string) of length N
  {"$all": [E1, E2, ...]}          the actual value matches every one of E1, E2, ...
An operation may use a result of an earlier operation of the same run (an opaque paging
cursor, say): a JSON string "${N:path}" in SCENARIO.jsonl is replaced by the value found at
`path` (keys and array indices joined by dots, e.g. "rows.0.conversation") in the result of
operation N (1-based, counting operations only), or of the operation N steps back when N is
negative ("${-1:cursor}" = the previous result).  The engine's replay is deterministic, so the
runner replays the prefix before such a line to learn the value, then replays the whole file.
Exit status: 0 when everything matches, 1 on the first mismatch (reported with the line
number of the operation in SCENARIO.jsonl and of the expectation in EXPECT.jsonl), 2 on a
usage or I/O error.
"""

import json
import re
import subprocess
import sys


def load_lines(path):
    """(line number, text) of every non-blank, non-comment line of a JSON Lines file."""
    out = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, start=1):
            text = raw.rstrip("\r\n")
            stripped = text.lstrip(" \t")
            if not stripped or stripped.startswith("//"):
                continue
            out.append((number, text))
    return out


def short(value, limit=300):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "..."


def match(expected, actual, path):
    """None when `actual` satisfies `expected`, else a description of the first difference."""
    if isinstance(expected, dict) and len(expected) == 1:
        (key, arg), = expected.items()
        if key == "$contains":
            if isinstance(actual, str) and arg in actual:
                return None
            return f"{path}: expected a string containing {short(arg)}, got {short(actual)}"
        if key == "$count":
            text, n = arg
            if isinstance(actual, str) and actual.count(text) == n:
                return None
            got = actual.count(text) if isinstance(actual, str) else "not a string"
            return f"{path}: expected {short(text)} exactly {n} time(s), found {got} in {short(actual)}"
        if key == "$all" and isinstance(arg, list):
            for each in arg:
                diff = match(each, actual, path)
                if diff:
                    return diff
            return None
        if key == "$len":
            if isinstance(actual, (list, str)) and len(actual) == arg:
                return None
            got = len(actual) if isinstance(actual, (list, str)) else "no length"
            return f"{path}: expected length {arg}, got {got}: {short(actual)}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {short(actual)}"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing (actual object: {short(actual)})"
            diff = match(value, actual[key], f"{path}.{key}")
            if diff:
                return diff
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected an array, got {short(actual)}"
        if len(expected) != len(actual):
            return (f"{path}: expected {len(expected)} element(s), got {len(actual)}: "
                    f"{short(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            diff = match(e, a, f"{path}[{i}]")
            if diff:
                return diff
        return None
    # Scalars: JSON equality, keeping true/1 and false/0 apart.
    if isinstance(expected, bool) or isinstance(actual, bool):
        same = isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    else:
        same = expected == actual
    if not same:
        return f"{path}: expected {short(expected)}, got {short(actual)}"
    return None


PLACEHOLDER = re.compile(r'"\$\{(-?\d+):([^}"]*)\}"')


def replay(binary, lines):
    """Runs `msgcenter replay -` over the given operation lines; returns (rc, stdout, stderr)."""
    text = "".join(line + "\n" for line in lines)
    run = subprocess.run([binary, "replay", "-"], input=text.encode("utf-8"),
                         capture_output=True, timeout=300)
    return (run.returncode, run.stdout.decode("utf-8", errors="replace"),
            run.stderr.decode("utf-8", errors="replace"))


def lookup(value, path):
    for part in path.split(".") if path else []:
        if isinstance(value, list) and part.lstrip("-").isdigit():
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise KeyError(path)
    return value


def resolve_placeholders(binary, ops):
    """Replaces every "${N:path}" with the value from an earlier result (see the docstring)."""
    resolved = []
    for index, (number, text) in enumerate(ops):
        if PLACEHOLDER.search(text):
            rc, out, err = replay(binary, [t for _, t in resolved])
            if rc != 0:
                raise RuntimeError(f"msgcenter exited with {rc} replaying the prefix\n{err}")
            results = [json.loads(line) for line in out.splitlines() if line.strip()]

            def substitute(match):
                n = int(match.group(1))
                target = index + n if n < 0 else n - 1
                if not 0 <= target < len(results):
                    raise RuntimeError(f"line {number}: no result {match.group(1)} to refer to")
                try:
                    value = lookup(results[target], match.group(2))
                except (KeyError, IndexError):
                    raise RuntimeError(f"line {number}: result {target + 1} has no "
                                       f"`{match.group(2)}`: {short(results[target])}")
                return json.dumps(value, ensure_ascii=False)

            text = PLACEHOLDER.sub(substitute, text)
        resolved.append((number, text))
    return resolved


def first_crashing_line(binary, ops):
    """Line number of the operation whose prefix first makes msgcenter exit abnormally, or None.

    The process's buffered output is lost when it aborts, so bisect over prefixes instead."""
    lo, hi = 1, len(ops)
    if replay(binary, [t for _, t in ops])[0] == 0:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if replay(binary, [t for _, t in ops[:mid]])[0] != 0:
            hi = mid
        else:
            lo = mid + 1
    return ops[lo - 1][0]


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, scenario, expect = argv[1:]
    try:
        ops = load_lines(scenario)
        expectations = load_lines(expect)
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        if any(PLACEHOLDER.search(text) for _, text in ops):
            ops = resolve_placeholders(binary, ops)
            returncode, stdout, stderr = replay(binary, [text for _, text in ops])
        else:
            run = subprocess.run([binary, "replay", scenario], capture_output=True, timeout=300)
            returncode = run.returncode
            stdout = run.stdout.decode("utf-8", errors="replace")
            stderr = run.stderr.decode("utf-8", errors="replace")
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"error: could not run {binary}: {e}", file=sys.stderr)
        return 2
    except (RuntimeError, json.JSONDecodeError) as e:
        print(f"FAIL {scenario}: {e}", file=sys.stderr)
        return 1
    if returncode != 0:
        where = ""
        try:
            line = first_crashing_line(binary, ops)
            if line is not None:
                text = dict(ops)[line]
                where = (f" (first at {scenario}:{line}: "
                         f"{text if len(text) <= 300 else text[:300] + '...'})")
        except (OSError, subprocess.TimeoutExpired):
            pass
        print(f"FAIL {scenario}: msgcenter exited with {returncode}{where}\n{stderr}",
              file=sys.stderr)
        return 1
    results = [line for line in stdout.splitlines() if line.strip()]
    if len(results) != len(ops):
        print(f"FAIL {scenario}: {len(ops)} operation(s) but {len(results)} result line(s)",
              file=sys.stderr)
        return 1
    if len(expectations) != len(ops):
        print(f"FAIL {scenario}: {len(ops)} operation(s) but {len(expectations)} expectation(s) "
              f"in {expect}", file=sys.stderr)
        return 1
    for index, ((op_line, op_text), (exp_line, exp_text), actual_text) in enumerate(
            zip(ops, expectations, results), start=1):
        try:
            expected = json.loads(exp_text)
        except json.JSONDecodeError as e:
            print(f"error: {expect}:{exp_line}: not JSON: {e}", file=sys.stderr)
            return 2
        try:
            actual = json.loads(actual_text)
        except json.JSONDecodeError as e:
            print(f"FAIL {scenario}:{op_line}: result is not JSON ({e}): {actual_text}",
                  file=sys.stderr)
            return 1
        diff = match(expected, actual, "$")
        if diff:
            print(f"FAIL {scenario}:{op_line} (result {index}, expectation {expect}:{exp_line})\n"
                  f"  operation: {op_text if len(op_text) <= 300 else op_text[:300] + '...'}\n"
                  f"  mismatch:  {diff}\n"
                  f"  expected:  {short(expected, 1000)}\n"
                  f"  actual:    {short(actual, 1000)}", file=sys.stderr)
            return 1
    print(f"ok {scenario}: {len(ops)} operation(s) matched")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
