#include "protocols/svg_plot.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "protocols/svg_chart.hpp"

namespace spikesim {

void write_protocol_plot(const std::string& path, const Protocol& p, const ProtocolResult& r) {
  // One simulated series per (variant, dt_s sign on a frequency axis); references as open circles.
  std::map<std::pair<size_t, int>, ChartSeries> sim;
  ChartSeries ref{"reference (published or analytic)", {}, {}, ChartSeries::kOpenCircles};
  for (const auto& row : r.rows) {
    const ProtocolPoint& pt = p.points[row.point];
    const double x = p.x == "dt_s" ? pt.dt_s : p.x == "frequency" ? pt.frequency : static_cast<double>(row.point);
    const int sign = p.x == "frequency" && !std::isnan(pt.dt_s) ? (pt.dt_s > 0 ? 1 : -1) : 0;
    ChartSeries& s = sim[{row.variant, sign}];
    if (s.label.empty()) {
      s.label = p.variants[row.variant].label;
      if (sign) {
        char b[64];
        std::snprintf(b, sizeof b, ", dt_s %+g ms", pt.dt_s);
        s.label += b;
      }
      s.label += " (simulated)";
      s.style = p.x == "label" ? ChartSeries::kDots : ChartSeries::kLineDots;
    }
    s.x.push_back(x);
    s.y.push_back(row.simulated);
    if (!std::isnan(row.reference)) ref.x.push_back(x), ref.y.push_back(row.reference);
  }
  ChartPanel panel{"", p.x_label, p.y_label, {}, {}, true, 520};
  for (auto& [key, s] : sim) panel.series.push_back(std::move(s));
  panel.series.push_back(std::move(ref));
  if (p.x == "label")
    for (const auto& pt : p.points) panel.x_categories.push_back(pt.label);
  write_chart(path, p.title.empty() ? p.name : p.title, {panel});
}

}  // namespace spikesim
