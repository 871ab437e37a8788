#!/usr/bin/env python3
"""Derives the polynomial coefficients of org.visionpangu4j.kernels.SimdMath (erf in double lanes, exp in float).

Chebyshev least-squares fits on Chebyshev nodes against mpmath at 40 digits, converted to monomials of the
shifted variable the Java code evaluates by Horner. Needs numpy and mpmath. Prints the coefficient lists and the
maximum error after rounding the result to float32 on a dense grid.
"""
import numpy as np
import mpmath as mp

mp.mp.dps = 40


def fit(f, lo, hi, deg, npts=4000, rel=False):
    k = np.arange(npts)
    xs = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / npts)
    ts = (xs - (lo + hi) / 2) / ((hi - lo) / 2)
    ys = np.array([float(f(mp.mpf(x))) for x in xs])
    c = np.polynomial.chebyshev.chebfit(ts, ys, deg, w=1 / np.abs(ys) if rel else None)
    return np.polynomial.chebyshev.cheb2poly(c)


def horner(c, t):
    r = np.full_like(t, c[-1])
    for cc in c[-2::-1]:
        r = r * t + cc
    return r


# erf(x) = x * P(x^2) for |x| < 2.5, P in t = u/3.125 - 1
small = fit(lambda u: mp.erf(mp.sqrt(u)) / mp.sqrt(u) if u > 0 else 2 / mp.sqrt(mp.pi), 0, 6.25, 12)
# erfc(a) on [2.5, 4] in t = (a - 3.25)/0.75
tail = fit(mp.erfc, 2.5, 4.0, 9)
print('ERF_SMALL', [float(c) for c in small])
print('ERFC_TAIL', [float(c) for c in tail])
xs = np.linspace(0, 4.5, 20001)
r = np.where(xs < 2.5, xs * horner(small, xs * xs / 3.125 - 1),
             1 - horner(tail, (np.minimum(xs, 4.0) - 3.25) / 0.75))
ref = np.array([float(mp.erf(x)) for x in xs])
print('erf max abs error after float rounding', np.max(np.abs(r.astype(np.float32).astype(np.float64) - ref)))

# e^r on |r| <= ln2/2 (slightly widened), relative fit, monomials of r
h = float(mp.log(2) / 2) * 1.0005
e = [c / h ** i for i, c in enumerate(fit(mp.exp, -h, h, 6, rel=True))]
print('EXP', [float(np.float32(c)) for c in e])

# 2^r on |r| <= 1/2 (slightly widened), relative fit, monomials of r
h = 0.5 * 1.0005
e2 = [c / h ** i for i, c in enumerate(fit(lambda r: mp.power(2, r), -h, h, 6, rel=True))]
print('EXP2', [float(np.float32(c)) for c in e2])
