#pragma once
// HDF5's shuffle + deflate filters applied by hand, so that a chunk can be compressed on a
// helper thread (HDF5 itself is not thread-safe) and written with H5Dwrite_chunk. The bytes
// are what HDF5's own filters read: byte planes (shuffle), then a zlib stream (deflate, by libdeflate).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spikesim {

std::vector<uint8_t> shuffle_deflate(const void* data, size_t n_elements, size_t element_size, int level);

// The compressor's name and version, for --version ("libdeflate 1.14").
const char* chunk_codec_version();

}  // namespace spikesim
