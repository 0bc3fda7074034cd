#pragma once
// An SVG plot of a protocol's curve (protocols/svg_chart.hpp): simulated values as lines
// with filled markers, one series per variant (and per dt_s sign on a frequency axis),
// reference values as open black circles.
#include <string>

#include "protocols/protocol.hpp"

namespace spikesim {

void write_protocol_plot(const std::string& path, const Protocol& p, const ProtocolResult& r);

}  // namespace spikesim
