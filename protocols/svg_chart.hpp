#pragma once
// Plain SVG 1.1 charts with no dependency: panels stacked vertically, each with axes,
// gridlines, a legend and series drawn as lines, dots, open circles (reference values) or
// vertical marks (events). Used by the protocols' plots.
#include <string>
#include <vector>

namespace spikesim {

struct ChartSeries {
  enum Style { kLine, kLineDots, kDots, kOpenCircles, kEvents };
  std::string label;
  std::vector<double> x, y;  // kEvents: only x
  Style style = kLineDots;
  int color = -1;  // palette index; -1: the series' position in its panel
};

struct ChartPanel {
  std::string title, x_label, y_label;
  std::vector<ChartSeries> series;
  std::vector<std::string> x_categories;  // non-empty: x is the index of a category, labels slanted
  bool zero_line = true;                  // y range includes 0, drawn as a line
  double height = 0;                      // pixels; 0: the default
};

void write_chart(const std::string& path, const std::string& title, const std::vector<ChartPanel>& panels,
                 double width = 860);

}  // namespace spikesim
