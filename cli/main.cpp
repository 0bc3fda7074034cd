#include "cli/commands.hpp"

int main(int argc, char** argv) { return spikesim::main_cli(argc, argv); }
