#pragma once
// The `spikesim` command line. Exit codes: 0 success, 2 bad usage or bad network file,
// 1 runtime failure, 128 + signal when a run was interrupted by SIGINT/SIGTERM (files are
// closed, readable, and marked "interrupted").
namespace spikesim {
int main_cli(int argc, char** argv);
}
