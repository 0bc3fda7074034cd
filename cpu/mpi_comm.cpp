#include "cpu/mpi_comm.hpp"

#include <cstdlib>

#ifdef SPIKESIM_HAVE_MPI
#include <mpi.h>

#include <algorithm>
#include <stdexcept>
#endif

namespace spikesim {

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

#ifndef SPIKESIM_HAVE_MPI

bool mpi_built() { return false; }
std::unique_ptr<Comm> make_mpi_comm(int*, char***) { return nullptr; }

#else

bool mpi_built() { return true; }

namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

class MpiComm final : public Comm {
 public:
  MpiComm(int* argc, char*** argv) {
    int provided = 0;
    check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiComm() override { MPI_Finalize(); }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  // One MPI_Allgather of a fixed capacity per rank (a count, then up to cap_ words); only a
  // rank with more than cap_ words makes a second round (MPI_Allgatherv of the rest), and
  // then every rank raises cap_ alike, from the counts all of them received.
  void allgather(const std::vector<uint32_t>& mine, std::vector<uint32_t>& all, std::vector<int>& counts) override {
    const size_t w = cap_ + 1;
    send_.resize(w);
    send_[0] = static_cast<uint32_t>(mine.size());
    std::copy(mine.begin(), mine.begin() + std::min<size_t>(mine.size(), cap_), send_.begin() + 1);
    recv_.resize(w * size_);
    check(MPI_Allgather(send_.data(), static_cast<int>(w), MPI_UINT32_T, recv_.data(), static_cast<int>(w), MPI_UINT32_T,
                        MPI_COMM_WORLD), "MPI_Allgather");
    counts.resize(size_);
    size_t total = 0, most = 0;
    for (int r = 0; r < size_; ++r) {
      counts[r] = static_cast<int>(recv_[w * r]);
      total += counts[r];
      most = std::max<size_t>(most, counts[r]);
    }
    all.resize(total);
    std::vector<int> rest(size_), displ(size_);
    size_t k = 0, extra = 0;
    for (int r = 0; r < size_; ++r) {
      const size_t here = std::min<size_t>(counts[r], cap_);
      std::copy(recv_.begin() + w * r + 1, recv_.begin() + w * r + 1 + here, all.begin() + k);
      k += counts[r];
      rest[r] = static_cast<int>(counts[r] - here);
      displ[r] = static_cast<int>(extra);
      extra += rest[r];
    }
    // The capacity follows the largest record (the same counts on every rank, so the same
    // decision): raised past it at once, lowered by a quarter while it stays under half.
    const size_t want = most + most / 2 + 8;
    if (most <= cap_) {
      if (want < cap_ / 2) cap_ = std::max(want, cap_ - cap_ / 4);
      return;
    }
    std::vector<uint32_t> more(extra);
    const uint32_t* tail = mine.data() + std::min<size_t>(mine.size(), cap_);
    check(MPI_Allgatherv(tail, rest[rank_], MPI_UINT32_T, more.data(), rest.data(), displ.data(), MPI_UINT32_T, MPI_COMM_WORLD),
          "MPI_Allgatherv");
    k = 0;
    for (int r = 0; r < size_; ++r) {
      const size_t here = std::min<size_t>(counts[r], cap_);
      std::copy(more.begin() + displ[r], more.begin() + displ[r] + rest[r], all.begin() + k + here);
      k += counts[r];
    }
    cap_ = want;
  }

  void gather(const void* mine, size_t bytes, std::vector<char>& all, std::vector<size_t>& counts) override {
    uint64_t n = bytes;
    std::vector<uint64_t> sizes(size_);
    // Every rank learns every size: all of them take part in each round of pieces below.
    check(MPI_Allgather(&n, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD), "MPI_Allgather");
    std::vector<MPI_Count> cnt(size_), displ(size_);
    MPI_Count total = 0;
    for (int r = 0; r < size_; ++r) {
      cnt[r] = static_cast<MPI_Count>(sizes[r]);
      displ[r] = total;
      total += cnt[r];
    }
    if (rank_ == 0) {
      all.resize(static_cast<size_t>(total));
      counts.assign(sizes.begin(), sizes.end());
    }
    // Gathered in pieces of at most 1 GiB per rank: MPI's counts are int.
    const MPI_Count piece = MPI_Count{1} << 30;
    for (MPI_Count off = 0;; off += piece) {
      bool any = false;
      std::vector<int> c(size_), d(size_);
      MPI_Count at = 0;
      std::vector<char> part;
      for (int r = 0; r < size_; ++r) {
        const MPI_Count left = std::max<MPI_Count>(0, cnt[r] - off);
        c[r] = static_cast<int>(std::min(left, piece));
        d[r] = static_cast<int>(at);
        at += c[r];
        any = any || left > 0;
      }
      if (!any) break;
      if (rank_ == 0) part.resize(static_cast<size_t>(at));
      check(MPI_Gatherv(static_cast<const char*>(mine) + std::min<MPI_Count>(off, cnt[rank_]), c[rank_], MPI_BYTE, part.data(),
                        c.data(), d.data(), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Gatherv");
      if (rank_ == 0)
        for (int r = 0; r < size_; ++r) std::copy(part.begin() + d[r], part.begin() + d[r] + c[r], all.begin() + displ[r] + off);
    }
  }

  void sum(std::vector<uint64_t>& v) override {
    check(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  }
  uint64_t min(uint64_t x) override {
    check(MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    return x;
  }
  uint64_t max(uint64_t x) override {
    check(MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return x;
  }
  bool any(bool x) override {
    int v = x ? 1 : 0;
    check(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD), "MPI_Allreduce");
    return v != 0;
  }
  void broadcast(std::vector<uint64_t>& v) override {
    uint64_t n = v.size();
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
    v.resize(n);
    check(MPI_Bcast(v.data(), static_cast<int>(n), MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
  }

 private:
  int rank_ = 0, size_ = 1;
  size_t cap_ = 64;  // words per rank in the exchange's first round (adapted: allgather)
  std::vector<uint32_t> send_, recv_;
};

}  // namespace

std::unique_ptr<Comm> make_mpi_comm(int* argc, char*** argv) { return std::make_unique<MpiComm>(argc, argv); }

#endif

}  // namespace spikesim
