#pragma once
// The ranks of a distributed run through MPI (core/comm.hpp; docs/mpi.md). Built when CMake
// finds MPI (Debian's libopenmpi-dev); without it, a run started by mpirun is refused.
#include <memory>

#include "core/comm.hpp"

namespace spikesim {

// True when this process was started by mpirun / mpiexec (more than one rank or not).
bool launched_by_mpi();
// True when this binary was built with MPI.
bool mpi_built();
// MPI initialised (MPI_THREAD_FUNNELED: only the thread that calls the collectives is
// OpenMP's master); finalised when the object goes. Null without MPI.
std::unique_ptr<Comm> make_mpi_comm(int* argc, char*** argv);

}  // namespace spikesim
