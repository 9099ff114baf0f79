#!/usr/bin/python3
"""Compares two cxsim results files: every dataset bit for bit (NaN equal to NaN in the same
place) and every root attribute except those that name the run (time, command line, host)."""
import sys

import h5py
import numpy as np

IGNORED_ATTRIBUTES = {"created_utc", "command_line", "hostname", "resumed_utc",
                      "resumed_command_line"}


def datasets(f):
    found = {}
    f.visititems(lambda name, obj: found.__setitem__(name, obj) if isinstance(obj, h5py.Dataset)
                 else None)
    return found


def same(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        # Bit-identical: compare the raw bytes, so NaN payloads and -0.0 count too.
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def main(left, right):
    problems = []
    with h5py.File(left, "r") as a, h5py.File(right, "r") as b:
        keys = (set(a.attrs) | set(b.attrs)) - IGNORED_ATTRIBUTES
        for key in sorted(keys):
            if key not in a.attrs or key not in b.attrs:
                problems.append(f"root attribute {key} only in one file")
            elif not np.array_equal(np.asarray(a.attrs[key]), np.asarray(b.attrs[key])):
                problems.append(f"root attribute {key}: {a.attrs[key]!r} != {b.attrs[key]!r}")
        da, db = datasets(a), datasets(b)
        for name in sorted(set(da) ^ set(db)):
            problems.append(f"dataset {name} only in one file")
        for name in sorted(set(da) & set(db)):
            if not same(da[name][()] if da[name].shape else np.asarray(da[name][()]),
                        db[name][()] if db[name].shape else np.asarray(db[name][()])):
                problems.append(f"dataset {name} differs")
        count = len(set(da) & set(db))
    if problems:
        print("\n".join(problems))
        return 1
    print(f"identical: {count} datasets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
