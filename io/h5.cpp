#include "io/h5.hpp"

#include <algorithm>

#include <unistd.h>

#include "build_info.hpp"
#include "core/archive.hpp"
#include "core/error.hpp"

namespace spikesim {

H5Id::H5Id(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {
  if (id < 0) throw RunError("HDF5 call failed");
}

H5Id& H5Id::operator=(H5Id&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = -1;
  }
  return *this;
}

void H5Id::reset() {
  if (id_ >= 0 && closer_) closer_(id_);
  id_ = -1;
}

std::string h5_file_name(hid_t obj) {
  char name[4096] = {0};
  return H5Fget_name(obj, name, sizeof name) > 0 ? name : "an HDF5 file";
}

// A failure names what failed and HDF5's innermost reasons: for a write to a full disk, the
// file driver's "file write failed: ... filename = '...', errno = 28, error message = 'No
// space left on device'", so the message says which file and why. The reasons are read
// before any other HDF5 call (each clears the error stack).
std::string h5_reasons() {
  std::vector<std::string> reasons;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD,
           [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
             if (e->desc && *e->desc) static_cast<std::vector<std::string>*>(data)->push_back(e->desc);
             return 0;
           },
           &reasons);
  std::string detail;
  for (size_t i = reasons.size() > 2 ? reasons.size() - 2 : 0; i < reasons.size(); ++i)
    detail += (detail.empty() ? "" : "; ") + reasons[i];
  return detail.empty() ? "" : " (" + detail + ")";
}

void h5_check(herr_t status, const std::string& what) {
  if (status < 0) throw RunError("HDF5: " + what + " failed" + h5_reasons());
}

namespace {
void quiet_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }  // errors become exceptions with our message
}  // namespace

namespace {

// Crash-safe output files (FileMode::crash_safe) stay readable, as of their last flush,
// whatever happens to the process after it (SIGKILL, power cut with the flush synced): space
// freed by a rewritten chunk is never reused (what the flushed metadata points to stays as
// it was; allocation only at the end of the file), and metadata reaches the file only at
// flushes, never by eviction.
H5Id crash_safe_creation() {
  H5Id fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  h5_check(H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1), "file space strategy");
  return fcpl;
}

H5Id crash_safe_access() {
  H5Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5AC_cache_config_t mdc;
  mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  h5_check(H5Pget_mdc_config(fapl, &mdc), "metadata cache config");
  mdc.evictions_enabled = false;
  mdc.incr_mode = H5C_incr__off;
  mdc.flash_incr_mode = H5C_flash_incr__off;
  mdc.decr_mode = H5C_decr__off;
  mdc.set_initial_size = true;
  mdc.initial_size = 16 << 20;
  mdc.max_size = 64 << 20;
  mdc.min_size = 1 << 20;
  h5_check(H5Pset_mdc_config(fapl, &mdc), "metadata cache config");
  return fapl;
}

}  // namespace

H5Id h5_create_file(const std::string& path) { return h5_open_output(path, FileMode{}); }

H5Id h5_open_output(const std::string& path, const FileMode& mode) {
  quiet_errors();
  if (mode.resume) {  // a resumed run is a run with checkpoints: crash safe
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, crash_safe_access());
    if (f < 0) throw CheckpointError("cannot open the output file " + path + " to continue it (missing or unreadable)");
    return H5Id(f, H5Fclose);  // status "running" once it is cut back (Monitor::checkpoint)
  }
  const hid_t f = mode.crash_safe ? H5Fcreate(path.c_str(), H5F_ACC_TRUNC, crash_safe_creation(), crash_safe_access())
                                  : H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw RunError("cannot create HDF5 file " + path);
  return H5Id(f, H5Fclose);
}

void h5_sync(hid_t file) {
  h5_check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush");
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) >= 0 && handle) ::fsync(*static_cast<int*>(handle));
}

H5Id h5_open_read(const std::string& path) {
  quiet_errors();
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw RunError("cannot open HDF5 file " + path);
  return H5Id(f, H5Fclose);
}

std::string h5_read_attr_string(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) throw RunError("no attribute \"" + name + "\"");
  H5Id a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  H5Id t(H5Aget_type(a), H5Tclose);
  if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) <= 0) throw RunError("attribute \"" + name + "\" is not a variable-length string");
  char* s = nullptr;
  h5_check(H5Aread(a, t, &s), "read attribute " + name);
  std::string out = s ? s : "";
  H5free_memory(s);
  return out;
}

bool h5_exists(hid_t file, const std::string& path) {
  for (size_t pos = path.find('/', 1);; pos = path.find('/', pos + 1)) {
    if (H5Lexists(file, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

H5Id h5_create_group(hid_t parent, const std::string& path) {
  H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  h5_check(H5Pset_create_intermediate_group(lcpl, 1), "group property");
  return H5Id(H5Gcreate2(parent, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
}

H5Id h5_group(hid_t parent, const std::string& path, bool open) {
  if (!open) return h5_create_group(parent, path);
  if (!h5_exists(parent, path)) throw CheckpointError("the output file has no group " + path);
  return H5Id(H5Gopen2(parent, path.c_str(), H5P_DEFAULT), H5Gclose);
}

namespace {
void write_attr(hid_t obj, const std::string& name, hid_t type, hid_t space, const void* data) {
  if (H5Aexists(obj, name.c_str()) > 0) h5_check(H5Adelete(obj, name.c_str()), "attribute delete " + name);
  H5Id a(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  h5_check(H5Awrite(a, type, data), "attribute write " + name);
}
H5Id space_for(size_t n) {
  if (n == 1) return H5Id(H5Screate(H5S_SCALAR), H5Sclose);
  const hsize_t dims[1] = {n};
  return H5Id(H5Screate_simple(1, dims, nullptr), H5Sclose);
}
}  // namespace

void attr_string(hid_t obj, const std::string& name, const std::string& value) {
  H5Id t(H5Tcopy(H5T_C_S1), H5Tclose);
  h5_check(H5Tset_size(t, H5T_VARIABLE), "string type");
  h5_check(H5Tset_cset(t, H5T_CSET_UTF8), "string cset");
  const char* s = value.c_str();
  write_attr(obj, name, t, space_for(1), &s);
}

void attr_u32(hid_t obj, const std::string& name, const std::vector<uint32_t>& v) {
  write_attr(obj, name, H5T_NATIVE_UINT32, space_for(v.size()), v.data());
}

void attr_f64(hid_t obj, const std::string& name, const std::vector<double>& v) {
  write_attr(obj, name, H5T_NATIVE_DOUBLE, space_for(v.size()), v.data());
}

void attr_u64(hid_t obj, const std::string& name, uint64_t value) {
  write_attr(obj, name, H5T_NATIVE_UINT64, space_for(1), &value);
}

void attr_sorting(hid_t obj, uint8_t value) {
  H5Id t(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose);
  const char* names[3] = {"none", "by_id", "by_time"};
  for (uint8_t i = 0; i < 3; ++i) h5_check(H5Tenum_insert(t, names[i], &i), "enum insert");
  write_attr(obj, "sorting", t, space_for(1), &value);
}

AppendableDataset::AppendableDataset(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type,
                                     hsize_t cols, hsize_t chunk_rows)
    : mem_type_(mem_type), cols_(cols), chunk_(chunk_rows) {
  const int rank = cols ? 2 : 1;
  const hsize_t dims[2] = {0, cols}, maxdims[2] = {H5S_UNLIMITED, cols};
  const hsize_t chunk[2] = {chunk_rows, cols ? cols : 1};
  H5Id space(H5Screate_simple(rank, dims, maxdims), H5Sclose);
  H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  h5_check(H5Pset_chunk(dcpl, rank, chunk), "chunk");
  h5_check(H5Pset_shuffle(dcpl), "shuffle");
  h5_check(H5Pset_deflate(dcpl, 1), "deflate");  // level 1: after shuffle almost as small as 4, at a fraction of the time
  ds_ = H5Id(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose);
}

AppendableDataset::AppendableDataset(hid_t parent, const std::string& name, hid_t mem_type) : mem_type_(mem_type) {
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) <= 0) throw CheckpointError("the output file has no dataset " + name);
  ds_ = H5Id(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
  H5Id space(H5Dget_space(ds_), H5Sclose);
  hsize_t dims[2] = {0, 0};
  const int rank = H5Sget_simple_extent_dims(space, dims, nullptr);
  rows_ = dims[0];
  cols_ = rank == 2 ? dims[1] : 0;
  H5Id dcpl(H5Dget_create_plist(ds_), H5Pclose);
  hsize_t chunk[2] = {1, 1};
  if (H5Pget_chunk(dcpl, 2, chunk) > 0) chunk_ = chunk[0];
}

void AppendableDataset::cut(hsize_t rows) {
  if (rows > rows_) throw CheckpointError("an output file holds fewer rows (" + std::to_string(rows_) + ") than its checkpoint (" +
                                          std::to_string(rows) + ")");
  const hsize_t dims[2] = {rows, cols_};
  h5_check(H5Dset_extent(ds_, dims), "cut dataset");
  rows_ = rows;
}

void AppendableDataset::read(hsize_t first, hsize_t rows, void* out) const {
  if (rows == 0) return;
  const int rank = cols_ ? 2 : 1;
  H5Id fspace(H5Dget_space(ds_), H5Sclose);
  const hsize_t start[2] = {first, 0}, count[2] = {rows, cols_};
  h5_check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr), "select");
  H5Id mspace(H5Screate_simple(rank, count, nullptr), H5Sclose);
  h5_check(H5Dread(ds_, mem_type_, mspace, fspace, H5P_DEFAULT, out), "read back");
}

void AppendableDataset::append(const void* data, hsize_t rows) { write_at(rows_, data, rows); }

void AppendableDataset::write_at(hsize_t first, const void* data, hsize_t rows) {
  if (rows == 0) return;
  const int rank = cols_ ? 2 : 1;
  if (first + rows > rows_) {
    const hsize_t dims[2] = {first + rows, cols_};
    h5_check(H5Dset_extent(ds_, dims), "extend dataset");
    rows_ = first + rows;
  }
  H5Id fspace(H5Dget_space(ds_), H5Sclose);
  const hsize_t start[2] = {first, 0}, count[2] = {rows, cols_};
  h5_check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr), "select");
  H5Id mspace(H5Screate_simple(rank, count, nullptr), H5Sclose);
  if (H5Dwrite(ds_, mem_type_, mspace, fspace, H5P_DEFAULT, data) < 0) {
    const std::string why = h5_reasons();
    throw RunError("HDF5: write to " + h5_file_name(ds_) + " failed" + why);
  }
}

void AppendableDataset::write_chunk(hsize_t first, hsize_t rows, const std::vector<uint8_t>& filtered) {
  const hsize_t end = first + rows;
  if (end > rows_) h5_check(H5Dset_extent(ds_, &end), "extend dataset");
  rows_ = std::max(rows_, end);
  if (H5Dwrite_chunk(ds_, H5P_DEFAULT, 0, &first, filtered.size(), filtered.data()) < 0) {
    const std::string why = h5_reasons();
    throw RunError("HDF5: write a chunk to " + h5_file_name(ds_) + " failed" + why);
  }
}

void write_vector(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type, const void* data, hsize_t n) {
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H5Id ds(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (n) h5_check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
}

void write_provenance(hid_t file, const Provenance& p) {
  // SONATA's file identification (the same on nodes, edges and report files): magic 0x0A7A,
  // format version 0.1.
  attr_u32(file, "magic", {0x0A7Au});
  attr_u32(file, "version", {0u, 1u});
  attr_string(file, "spikesim_version", SPIKESIM_VERSION);
  attr_u64(file, "seed", p.seed);
  attr_string(file, "network", p.network_json);
  write_status(file, "running", 0.0);
}

void write_status(hid_t file, const std::string& status, double t_reached_ms) {
  attr_string(file, "status", status);
  attr_f64(file, "t_reached", {t_reached_ms});
}

void dataset_positions(Archive& a, const std::string& k, hid_t file, const std::vector<AppendableDataset*>& ds) {
  std::vector<uint64_t> rows;
  if (!a.loading()) {
    h5_sync(file);
    for (const AppendableDataset* d : ds) rows.push_back(d->rows());
  }
  a.array(k + "/rows", rows);
  if (!a.loading()) return;
  if (rows.size() != ds.size()) throw CheckpointError(k + "/rows: another number of datasets");
  write_status(file, "running", 0.0);
  for (size_t i = 0; i < ds.size(); ++i) ds[i]->cut(rows[i]);
}

void mark_failed(const std::string& path, const std::string& reason) noexcept {
  try {
    quiet_errors();
    if (H5Fis_hdf5(path.c_str()) <= 0) return;
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) return;
    H5Id file(f, H5Fclose);
    attr_string(file, "status", "failed");
    attr_string(file, "failure_reason", reason);
  } catch (...) {
  }
}

}  // namespace spikesim
