// What a distributed run's monitors cost to write (issue #25, docs/mpi.md): rank 0 gathering
// and writing with serial HDF5 (-DGATHER: spikes and state gathered every step; with
// -DEXCHANGED only the state, as in spikesim, where the engine's exchange has already put
// every spike on every rank), against every rank writing its own part with parallel HDF5
// (-DPARALLEL, Debian's libhdf5-openmpi-dev). bench/monitor_write.sh
// builds and runs both; neither is part of spikesim.
//
// Workload, from the 256k COBA run of bench/mpi.py: S spikes per step in all (node id and
// time per spike), and a state report of C neurons every step, over STEPS steps; each rank
// owns 1/R of both. Written in blocks of B steps: spikes appended to two 1-D datasets, state
// rows to a [steps x C] dataset. Uncompressed in both (parallel HDF5 1.10 writes filtered
// datasets only collectively with extra constraints). Prints the wall seconds of rank 0.
#include <hdf5.h>
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

// Writes the block `cnt` at `off` of dataset d (of rank_of_space dimensions), after growing
// it to `ext` where given.
void write_block(hid_t d, hid_t type, hid_t xfer, const void* buf, const hsize_t* off, const hsize_t* cnt, int rank_of_space,
                 const hsize_t* ext = nullptr) {
  if (ext) H5Dset_extent(d, ext);
  hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank_of_space, cnt, nullptr);
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, nullptr, cnt, nullptr);
  H5Dwrite(d, type, ms, fs, xfer, buf);
  H5Sclose(fs);
  H5Sclose(ms);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, R;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &R);
  const long S = argc > 2 ? std::atol(argv[2]) : 487, C = argc > 3 ? std::atol(argv[3]) : 1000;
  const long STEPS = argc > 4 ? std::atol(argv[4]) : 10000, B = 1000;
  const long my_s = S / R + (rank < S % R), my_c = C / R;
  std::vector<unsigned> ids;
  std::vector<double> ts;
  std::vector<float> state(static_cast<size_t>(B * my_c));
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
#ifdef PARALLEL
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
  hid_t f = H5Fcreate(argv[1], H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
#else
  hid_t f = rank == 0 ? H5Fcreate(argv[1], H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT) : -1;
  hid_t xfer = H5P_DEFAULT;
  std::vector<unsigned> all_ids;
  std::vector<double> all_ts;
  std::vector<float> all_state;
#endif
  hid_t d_ids = -1, d_ts = -1, d_state = -1;
  hsize_t written = 0;
  if (f >= 0) {
    hsize_t zero = 0, unlim = H5S_UNLIMITED, chunk = 65536;
    hid_t sp = H5Screate_simple(1, &zero, &unlim), cp = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(cp, 1, &chunk);
    d_ids = H5Dcreate2(f, "node_ids", H5T_NATIVE_UINT, sp, H5P_DEFAULT, cp, H5P_DEFAULT);
    d_ts = H5Dcreate2(f, "timestamps", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, cp, H5P_DEFAULT);
    hsize_t dims[2] = {static_cast<hsize_t>(STEPS), static_cast<hsize_t>(C)};
    hsize_t ch2[2] = {static_cast<hsize_t>(B), static_cast<hsize_t>(C / R)};
    hid_t sp2 = H5Screate_simple(2, dims, nullptr), cp2 = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(cp2, 2, ch2);
    d_state = H5Dcreate2(f, "data", H5T_NATIVE_FLOAT, sp2, H5P_DEFAULT, cp2, H5P_DEFAULT);
  }
  unsigned seed = 12345u + rank;
  for (long blk = 0; blk < STEPS / B; ++blk) {
    ids.clear();
    ts.clear();
    for (long s = 0; s < B; ++s) {
      const long step = blk * B + s;
      for (long k = 0; k < my_s; ++k) {  // this rank's spikes of the step
        seed = seed * 1664525u + 1013904223u;
        ids.push_back(seed % 256000);
        ts.push_back(step * 0.1);
      }
      for (long c = 0; c < my_c; ++c) state[s * my_c + c] = -60.0f + step * 1e-4f + c;
#ifndef PARALLEL
      // Gather: what the engine moves every interval (one step here), to rank 0.
      int n = static_cast<int>(my_s), cnt[64], dsp[64];
      int tot = 0;
#ifdef EXCHANGED
      tot = rank == 0 ? static_cast<int>(S) : 0;
#else
      MPI_Gather(&n, 1, MPI_INT, cnt, 1, MPI_INT, 0, MPI_COMM_WORLD);
      if (rank == 0)
        for (int r = 0; r < R; ++r) dsp[r] = tot, tot += cnt[r];
#endif
      std::vector<unsigned> gi(tot);
      std::vector<double> gt(tot);
#ifdef EXCHANGED
      // spikesim's case: the engine's exchange already gave rank 0 every spike of the step.
      if (rank == 0)
        for (long k = 0; k < S; ++k) gi[k] = static_cast<unsigned>(k), gt[k] = step * 0.1;
#else
      MPI_Gatherv(ids.data() + ids.size() - n, n, MPI_UNSIGNED, gi.data(), cnt, dsp, MPI_UNSIGNED, 0, MPI_COMM_WORLD);
      MPI_Gatherv(ts.data() + ts.size() - n, n, MPI_DOUBLE, gt.data(), cnt, dsp, MPI_DOUBLE, 0, MPI_COMM_WORLD);
#endif
      std::vector<float> gs(rank == 0 ? C : 0);
      MPI_Gather(state.data() + s * my_c, static_cast<int>(my_c), MPI_FLOAT, gs.data(), static_cast<int>(my_c), MPI_FLOAT, 0,
                 MPI_COMM_WORLD);
      if (rank == 0) {
        all_ids.insert(all_ids.end(), gi.begin(), gi.end());
        all_ts.insert(all_ts.end(), gt.begin(), gt.end());
        all_state.insert(all_state.end(), gs.begin(), gs.end());
      }
#endif
    }
#ifdef PARALLEL
    // Each rank's block: its offset from an exclusive scan, the extent set collectively.
    unsigned long n = ids.size(), before = 0, total = 0;
    MPI_Exscan(&n, &before, 1, MPI_UNSIGNED_LONG, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(&n, &total, 1, MPI_UNSIGNED_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0) before = 0;
    const hsize_t ext = written + total, off = written + before, cnt = n;
    write_block(d_ids, H5T_NATIVE_UINT, xfer, ids.data(), &off, &cnt, 1, &ext);
    write_block(d_ts, H5T_NATIVE_DOUBLE, xfer, ts.data(), &off, &cnt, 1, &ext);
    written = ext;
    hsize_t o2[2] = {static_cast<hsize_t>(blk * B), static_cast<hsize_t>(rank * my_c)};
    hsize_t c2[2] = {static_cast<hsize_t>(B), static_cast<hsize_t>(my_c)};
    write_block(d_state, H5T_NATIVE_FLOAT, xfer, state.data(), o2, c2, 2);
#else
    if (rank == 0) {
      const hsize_t ext = written + all_ids.size(), off = written, cnt = all_ids.size();
      write_block(d_ids, H5T_NATIVE_UINT, xfer, all_ids.data(), &off, &cnt, 1, &ext);
      write_block(d_ts, H5T_NATIVE_DOUBLE, xfer, all_ts.data(), &off, &cnt, 1, &ext);
      written = ext;
      // Rows of the block: rank r's columns follow rank r-1's (the gather's order).
      hsize_t o2[2] = {static_cast<hsize_t>(blk * B), 0}, c2[2] = {static_cast<hsize_t>(B), static_cast<hsize_t>(C)};
      write_block(d_state, H5T_NATIVE_FLOAT, xfer, all_state.data(), o2, c2, 2);
      all_ids.clear();
      all_ts.clear();
      all_state.clear();
    }
#endif
  }
  if (f >= 0) {
    H5Dclose(d_ids);
    H5Dclose(d_ts);
    H5Dclose(d_state);
    H5Fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) std::printf("%.4f\n", MPI_Wtime() - t0);
  MPI_Finalize();
}
