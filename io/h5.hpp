#pragma once
// Thin RAII layer over the HDF5 C API: handles, SONATA attributes (variable-length UTF-8
// strings, enums), and extendable chunked compressed datasets that monitors append to
// during the run.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/archive.hpp"

namespace spikesim {

class H5Id {
 public:
  H5Id() = default;
  H5Id(hid_t id, herr_t (*closer)(hid_t));  // throws RunError on a negative id
  H5Id(H5Id&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = -1; }
  H5Id& operator=(H5Id&& o) noexcept;
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  ~H5Id() { reset(); }
  void reset();
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }

 private:
  hid_t id_ = -1;
  herr_t (*closer_)(hid_t) = nullptr;
};

void h5_check(herr_t status, const std::string& what);  // throws RunError with HDF5's reasons
std::string h5_file_name(hid_t obj);  // the file an object is in
std::string h5_reasons();  // " (HDF5's innermost error descriptions)" of the last failed call, or ""
H5Id h5_create_file(const std::string& path);          // truncates
// How a monitor opens its file. `resume`: an earlier run's file, opened to continue it
// (CheckpointError if missing; untouched until the monitor cuts it back, then "running"). `crash_safe` (runs with checkpoints):
// the file stays readable as of its last flush whatever happens after it (SIGKILL, a power
// cut once the flush is synced): freed space is never reused, metadata reaches the file only
// at flushes; the writers' periodic flushes then write whole chunks only, so no chunk is
// rewritten (and no space left behind) between checkpoints.
struct FileMode {
  bool resume = false;
  bool crash_safe = false;
};
H5Id h5_open_output(const std::string& path, const FileMode& mode);
// Flushes a file and asks the OS to put it on disk (fsync): a checkpoint's files survive a
// power cut as they are at that moment.
void h5_sync(hid_t file);
H5Id h5_open_read(const std::string& path);            // read-only; throws RunError
bool h5_exists(hid_t file, const std::string& path);   // "/a/b/c": every link on the way exists
H5Id h5_create_group(hid_t parent, const std::string& path);
H5Id h5_group(hid_t parent, const std::string& path, bool open);  // opened (a resumed file) or created

void attr_string(hid_t obj, const std::string& name, const std::string& value);  // VL UTF-8, replaces
std::string h5_read_attr_string(hid_t obj, const std::string& name);  // throws RunError
void attr_u32(hid_t obj, const std::string& name, const std::vector<uint32_t>& values);  // scalar if one
void attr_f64(hid_t obj, const std::string& name, const std::vector<double>& values);
void attr_u64(hid_t obj, const std::string& name, uint64_t value);
void attr_sorting(hid_t obj, uint8_t value);  // SONATA enum {none = 0, by_id = 1, by_time = 2}

// A dataset of `cols` columns (0: one-dimensional) whose first dimension grows.
class AppendableDataset {
 public:
  AppendableDataset() = default;
  AppendableDataset(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type, hsize_t cols,
                    hsize_t chunk_rows);
  // An existing dataset (a resumed run's file), `rows` its current extent.
  AppendableDataset(hid_t parent, const std::string& name, hid_t mem_type);
  void append(const void* data, hsize_t rows);
  // Cuts the dataset back to its first `rows` rows (a resumed run continues from there).
  void cut(hsize_t rows);
  // Rows [first, first + rows) read back into `out`.
  void read(hsize_t first, hsize_t rows, void* out) const;
  // Rows [first, first + rows) through HDF5's filters, or (one-dimensional datasets) one
  // whole chunk given already filtered (H5Dwrite_chunk; `first` a multiple of the chunk
  // size). Either may rewrite rows written before; the extent grows to cover what is written.
  void write_at(hsize_t first, const void* data, hsize_t rows);
  void write_chunk(hsize_t first, hsize_t rows, const std::vector<uint8_t>& filtered);
  hsize_t rows() const { return rows_; }
  // How many of `buffered` rows to append so that the dataset ends on a chunk boundary (the
  // most that does; 0 if none): what a crash-safe periodic flush writes.
  hsize_t whole(hsize_t buffered) const {
    const hsize_t to_edge = rows_ % chunk_ ? chunk_ - rows_ % chunk_ : 0;
    return buffered < to_edge ? 0 : to_edge + (buffered - to_edge) / chunk_ * chunk_;
  }
  hid_t id() const { return ds_; }

 private:
  H5Id ds_;
  hid_t mem_type_ = -1;
  hsize_t cols_ = 0, rows_ = 0, chunk_ = 1;
};

// A file's position in a checkpoint (core/archive.hpp), under `k`/rows, after its writer
// wrote every row it buffered: saving syncs the file to disk and records each dataset's rows;
// loading marks the file "running" again and cuts each dataset back to them.
void dataset_positions(Archive& a, const std::string& k, hid_t file, const std::vector<AppendableDataset*>& ds);

// Reads a whole dataset (any shape, flattened) as `mem_type`.
template <class T>
std::vector<T> h5_read_vector(hid_t file, const std::string& path, hid_t mem_type) {
  H5Id ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  H5Id space(H5Dget_space(ds), H5Sclose);
  std::vector<T> v(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  if (!v.empty()) h5_check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + path);
  return v;
}

// Writes a fixed (non-extendable) one-dimensional dataset.
void write_vector(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type, const void* data, hsize_t n);

// The same, for n elements made on the fly: fill(first, count, buf) writes elements
// [first, first + count) into buf. Holds one piece of at most 2^20 elements, never all n.
template <class T, class Fill>
void write_vector_pieces(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type, hsize_t n, Fill fill) {
  constexpr hsize_t kPiece = hsize_t{1} << 20;
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H5Id ds(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  std::vector<T> buf(static_cast<size_t>(n < kPiece ? n : kPiece));
  for (hsize_t first = 0; first < n; first += kPiece) {
    const hsize_t count = n - first < kPiece ? n - first : kPiece;
    fill(static_cast<uint64_t>(first), static_cast<uint64_t>(count), buf.data());
    H5Id mem(H5Screate_simple(1, &count, nullptr), H5Sclose);
    h5_check(H5Sselect_hyperslab(space, H5S_SELECT_SET, &first, nullptr, &count, nullptr), "select " + name);
    h5_check(H5Dwrite(ds, mem_type, mem, space, H5P_DEFAULT, buf.data()), "write " + name);
  }
}

// Root provenance shared by every output file: spikesim version, seed, resolved network JSON
// and the run status ("running", then "complete" or "interrupted").
struct Provenance {
  std::string network_json;
  uint64_t seed = 0;
};
void write_provenance(hid_t file, const Provenance& p);
void write_status(hid_t file, const std::string& status, double t_reached_ms);
// A run that failed: the HDF5 file at `path` (if it is one) gets status "failed" and the
// reason in attribute "failure_reason". Never throws.
void mark_failed(const std::string& path, const std::string& reason) noexcept;

}  // namespace spikesim
