// MPI set up and torn down with the run (RAII), and whether this process was started by an MPI
// launcher at all: a CXSIM_MPI build run without mpirun or srun behaves as the plain build.
#pragma once

namespace cxsim {

// True when an MPI launcher (Open MPI's mpirun, or srun with PMI or PMIx) started this process.
bool launched_by_mpi();

class MpiSession {
 public:
  // MPI_Init_thread with MPI_THREAD_FUNNELED: only the thread that built the session calls MPI.
  MpiSession();
  ~MpiSession();  // MPI_Finalize
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Ends every rank of the job at once (MPI_Abort); for failures that leave ranks waiting.
  [[noreturn]] static void abort_job(int exit_code);

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace cxsim
