#pragma once
// SIGINT / SIGTERM during a run: the handler only sets a flag; the engine stops at the end
// of the current step, flushes and closes its files, and marks them "interrupted".
namespace spikesim {
void install_stop_handlers();
bool stop_requested();
int stop_signal();  // the signal received, 0 if none
}  // namespace spikesim
