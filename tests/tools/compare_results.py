#!/usr/bin/python3
"""Compares two cxsim results files dataset by dataset (exit 0 when identical).

Usage: compare_results.py A.h5 B.h5
Every dataset must have the same shape, dtype and bits (NaN equals NaN); root attributes must
match except the provenance ones that differ between runs by design (created_utc, command_line,
hostname, resumed_*). Run bookkeeping under /run/ (RESULTS.md) is skipped too."""
import sys

import h5py
import numpy as np

IGNORED_ATTRIBUTES = {'created_utc', 'command_line', 'hostname', 'resumed_utc', 'resumed_command_line'}


def datasets(f):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and not name.startswith('run/'):
            out[name] = obj

    f.visititems(visit)
    return out


def same(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    x, y = a[()], b[()]
    if a.dtype.kind == 'f':
        return np.array_equal(x, y, equal_nan=True)
    return np.array_equal(x, y)


def main(path_a, path_b):
    problems = []
    with h5py.File(path_a, 'r') as fa, h5py.File(path_b, 'r') as fb:
        for key in sorted(set(fa.attrs) | set(fb.attrs)):
            if key in IGNORED_ATTRIBUTES:
                continue
            va, vb = fa.attrs.get(key), fb.attrs.get(key)
            if not np.array_equal(np.asarray(va), np.asarray(vb)):
                problems.append(f'root attribute {key}: {va!r} != {vb!r}')
        da, db = datasets(fa), datasets(fb)
        for name in sorted(set(da) | set(db)):
            if name not in da or name not in db:
                problems.append(f'/{name} only in {"B" if name in db else "A"}')
            elif not same(da[name], db[name]):
                problems.append(f'/{name} differs')
        print(f'{len(da)} datasets compared')
    for p in problems:
        print(p)
    print('identical' if not problems else f'{len(problems)} differences')
    return 0 if not problems else 1


if __name__ == '__main__':
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
