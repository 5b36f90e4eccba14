// exp2 and tanh without libm (the core imports no platform module and
// must build in Embedded mode). Accurate to a few ulps, which is far more
// than trust_score (an integer) and balance need.

/// Round half away from zero (like `rounded()`) without a libm call: the
/// baseline x86-64 target has no rounding instruction, and `rounded()`
/// becomes a call to `round` on every trust event.
@inline(__always)
func roundHalfAway(_ x: Double) -> Double {
    if !(x.magnitude < 4_503_599_627_370_496) { return x }  // 2^52: already integral (or NaN)
    let t = Double(Int64(x))  // truncates toward zero
    let d = x - t  // exact
    if d >= 0.5 { return t + 1 }
    if d <= -0.5 { return t - 1 }
    return t
}

/// 2^x.
public func exp2(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x >= 1024 { return .infinity }
    if x < -1075 { return 0 }
    let n = roundHalfAway(x)
    let f = x - n  // |f| <= 0.5
    // e^(f ln 2) by its Taylor series in Horner form: |f ln 2| <= 0.347,
    // so the first omitted term (y^14 / 14!) is below 1e-17.
    // Written out term by term (the same operations in the same order as
    // `sum = 1 + sum * y / k` for k = 13 down to 1, so the same bits):
    // literal divisors let the compiler drop the division by 1 and turn
    // those by 2, 4 and 8 into exact multiplications.
    let y = f * 0.693_147_180_559_945_309_417_232_121_458
    var sum = 1 + y / 13
    sum = 1 + sum * y / 12
    sum = 1 + sum * y / 11
    sum = 1 + sum * y / 10
    sum = 1 + sum * y / 9
    sum = 1 + sum * y / 8
    sum = 1 + sum * y / 7
    sum = 1 + sum * y / 6
    sum = 1 + sum * y / 5
    sum = 1 + sum * y / 4
    sum = 1 + sum * y / 3
    sum = 1 + sum * y / 2
    sum = 1 + sum * y / 1
    return scaleByPowerOfTwo(sum, Int(n))
}

/// v * 2^e, also into the subnormal range.
func scaleByPowerOfTwo(_ v: Double, _ e: Int) -> Double {
    var v = v, e = e
    while e > 1000 { v *= Double(sign: .plus, exponent: 1000, significand: 1); e -= 1000 }
    while e < -1000 { v *= Double(sign: .plus, exponent: -1000, significand: 1); e += 1000 }
    return v * Double(sign: .plus, exponent: e, significand: 1)
}

/// Hyperbolic tangent.
public func tanh(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x > 20 { return 1 }
    if x < -20 { return -1 }
    let e = exp2(2 * x * 1.442_695_040_888_963_407_359_924_681_001)  // e^(2x)
    return (e - 1) / (e + 1)
}
