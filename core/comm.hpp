#pragma once
// The ranks of a distributed run (docs/mpi.md): what the engine and the run loop ask of
// them, written once here; cpu/mpi_comm.cpp implements it with MPI (when CMake found
// OpenMPI), and solo_comm() is the one-process run every other command uses.
//
// Every call is collective: each rank calls it at the same point of the run, in the same
// order (the run is deterministic, so the ranks' calls line up by construction).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spikesim {

class Comm {
 public:
  virtual ~Comm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool root() const { return rank() == 0; }
  // Every rank's `mine` concatenated in rank order, on every rank; counts[r]: rank r's size.
  // The engine's one collective per communication interval (its spikes).
  virtual void allgather(const std::vector<uint32_t>& mine, std::vector<uint32_t>& all, std::vector<int>& counts) = 0;
  // Every rank's bytes concatenated in rank order on rank 0 (`all` and `counts` untouched elsewhere).
  virtual void gather(const void* mine, size_t bytes, std::vector<char>& all, std::vector<size_t>& counts) = 0;
  // Element-wise sums (exact: integers), minima and the logical or, on every rank.
  virtual void sum(std::vector<uint64_t>& v) = 0;
  virtual uint64_t min(uint64_t x) = 0;
  virtual uint64_t max(uint64_t x) = 0;
  // Rank 0's `v` (its size too) on every rank.
  virtual void broadcast(std::vector<uint64_t>& v) = 0;
  virtual bool any(bool x) = 0;
  // Stops every rank at once after a failure on one (MPI_Abort): a collective that a failed
  // rank never reaches would otherwise hang the others.
  [[noreturn]] virtual void abort(int code) = 0;
};

// One process: every collective is the identity.
Comm& solo_comm();
// `c`, or this process alone where it is null (RunOptions::comm).
inline Comm& comm_or_solo(Comm* c) { return c ? *c : solo_comm(); }

// Gathers typed arrays (each rank's `mine`) into `all` on rank 0, in rank order.
template <class T>
void gather_vec(Comm& c, const T* mine, size_t n, std::vector<T>& all) {
  std::vector<char> bytes;
  std::vector<size_t> counts;
  c.gather(mine, n * sizeof(T), bytes, counts);
  if (!c.root()) return;
  all.resize(bytes.size() / sizeof(T));
  if (!bytes.empty()) __builtin_memcpy(all.data(), bytes.data(), bytes.size());
}

}  // namespace spikesim
