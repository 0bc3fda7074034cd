#include "io/chunk_codec.hpp"

#include <zlib.h>

#include <stdexcept>

namespace spikesim {

std::vector<uint8_t> shuffle_deflate(const void* data, size_t n_elements, size_t element_size, int level) {
  const auto* in = static_cast<const uint8_t*>(data);
  const size_t bytes = n_elements * element_size;
  std::vector<uint8_t> planes(bytes);
  for (size_t b = 0; b < element_size; ++b)
    for (size_t i = 0; i < n_elements; ++i) planes[b * n_elements + i] = in[i * element_size + b];
  uLongf out_len = compressBound(static_cast<uLong>(bytes));
  std::vector<uint8_t> out(out_len);
  if (compress2(out.data(), &out_len, planes.data(), static_cast<uLong>(bytes), level) != Z_OK)
    throw std::runtime_error("zlib could not compress a spike chunk");
  out.resize(out_len);
  return out;
}

}  // namespace spikesim
