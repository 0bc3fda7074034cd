#include "io/chunk_codec.hpp"

#include <libdeflate.h>

#include <memory>
#include <stdexcept>

namespace spikesim {

// libdeflate writes the same zlib stream format as zlib (HDF5's deflate filter inflates it),
// 1.3-1.9x faster at level 1 on a spike chunk, and 3-18% smaller (bench/NOTES.md section 15).
std::vector<uint8_t> shuffle_deflate(const void* data, size_t n_elements, size_t element_size, int level) {
  const auto* in = static_cast<const uint8_t*>(data);
  const size_t bytes = n_elements * element_size;
  std::vector<uint8_t> planes(bytes);
  for (size_t b = 0; b < element_size; ++b)
    for (size_t i = 0; i < n_elements; ++i) planes[b * n_elements + i] = in[i * element_size + b];
  // One compressor per thread (the helper thread and thread 0 both compress), kept for the
  // next chunk: allocating one costs more than a small chunk's compression.
  using Compressor = std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)>;
  thread_local Compressor c(nullptr, libdeflate_free_compressor);
  thread_local int c_level = -1;
  if (!c || c_level != level) {
    c.reset(libdeflate_alloc_compressor(level));
    c_level = level;
  }
  if (!c) throw std::runtime_error("libdeflate could not allocate a compressor");
  std::vector<uint8_t> out(libdeflate_zlib_compress_bound(c.get(), bytes));
  const size_t n = libdeflate_zlib_compress(c.get(), planes.data(), bytes, out.data(), out.size());
  if (n == 0) throw std::runtime_error("libdeflate could not compress a spike chunk");
  out.resize(n);
  return out;
}

const char* chunk_codec_version() { return "libdeflate " LIBDEFLATE_VERSION_STRING; }

}  // namespace spikesim
