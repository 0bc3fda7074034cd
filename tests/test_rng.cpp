// Counter-based random numbers: known-answer vectors and distribution moments.
#include <doctest/doctest.h>

#include <cmath>

#include "core/distribution.hpp"
#include "core/rng.hpp"

using namespace spikesim;

// Vectors from Random123 (Salmon et al. 2011), examples/kat_vectors.
TEST_CASE("Philox4x32-10 matches the Random123 known-answer vectors") {
  struct Kat {
    Philox4 ctr;
    uint32_t k0, k1;
    Philox4 expect;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, 0xffffffff, 0xffffffff,
       {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, 0xa4093822, 0x299f31d0,
       {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
  };
  for (const auto& k : kats) {
    const Philox4 r = philox4x32_10(k.ctr, k.k0, k.k1);
    for (int i = 0; i < 4; ++i) CHECK(r.v[i] == k.expect.v[i]);
  }
}

TEST_CASE("uniform and normal draws have the right moments (4 standard errors)") {
  const CounterRng rng{42, kStreamInit | 3};
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform(i, 0), z = rng.normal(i, 1);
    su += u; su2 += u * u; sn += z; sn2 += z * z;
  }
  // Uniform: mean 1/2, sd 1/sqrt(12). Normal: mean 0, variance 1 (sd of the variance estimate sqrt(2/n)).
  CHECK(std::fabs(su / n - 0.5) < 4 * std::sqrt(1.0 / 12 / n));
  CHECK(std::fabs(sn / n) < 4 / std::sqrt(n));
  CHECK(std::fabs(sn2 / n - 1.0) < 4 * std::sqrt(2.0 / n));
  CHECK(std::fabs(su2 / n - 1.0 / 3) < 4 * std::sqrt((1.0 / 5 - 1.0 / 9) / n));
}

TEST_CASE("a draw depends on seed, stream, index and step only") {
  const CounterRng a{1, kStreamPoisson | 0}, b{2, kStreamPoisson | 0}, c{1, kStreamPoisson | 1};
  CHECK(a.uniform(5, 9) == CounterRng{1, kStreamPoisson | 0}.uniform(5, 9));
  CHECK(a.uniform(5, 9) != b.uniform(5, 9));
  CHECK(a.uniform(5, 9) != c.uniform(5, 9));
  CHECK(a.uniform(5, 9) != a.uniform(6, 9));
  CHECK(a.uniform(5, 9) != a.uniform(5, 10));
}

TEST_CASE("clipped normal distribution stays within its bounds") {
  Distribution d;
  d.kind = Distribution::kNormal;
  d.a = 0.0; d.b = 10.0; d.lo = -1.0; d.hi = 2.0;
  const CounterRng rng{3, kStreamWeight};
  int at_lo = 0;
  for (uint32_t i = 0; i < 10000; ++i) {
    const double x = d.sample(rng, i, 0);
    CHECK(x >= -1.0);
    CHECK(x <= 2.0);
    at_lo += x == -1.0;
  }
  // P(z < -0.1) = 0.4602: clipped to the boundary, not redrawn.
  CHECK(std::fabs(at_lo / 10000.0 - 0.4602) < 4 * std::sqrt(0.46 * 0.54 / 10000));
}
