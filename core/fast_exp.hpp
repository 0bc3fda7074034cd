#pragma once
// exp(x) in float for the neuron loops: range reduction x = n ln2 + r with |r| <= ln2/2, a
// degree-7 polynomial for exp(r) (1 + r + r^2 p(r), Cephes' expf coefficients, about 1 ulp
// on that range), and
// the exponent n put into the float's bits. Plain arithmetic without branches or calls, so the
// compiler vectorises a loop that uses it (libm's expf is a call per element), and the CUDA
// engine computes the same numbers. Inputs are clamped to [-87, 88] (results stay normal).
#include <cstdint>
#include <cstring>

#include "core/hd.hpp"

namespace spikesim {

SPIKESIM_HD float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // n = round(x / ln2): adding 1.5 * 2^23 leaves n in the low mantissa bits of `big`.
  const float shifter = 12582912.0f;
  const float big = x * 1.44269504088896341f + shifter;
  const float fn = big - shifter;
  uint32_t nb;
  std::memcpy(&nb, &big, sizeof nb);
  const float r = (x - fn * 0.693359375f) + fn * 2.12194440e-4f;  // ln2 split in two parts
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const uint32_t bits = (nb + 127u) << 23;  // keeps the low 9 bits: the biased exponent n + 127
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace spikesim
