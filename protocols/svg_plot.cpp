#include "protocols/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

namespace spikesim {

namespace {

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

double nice_step(double range) {
  const double raw = range / 6.0, mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return o;
}

struct Series {
  std::string label;
  std::vector<std::pair<double, double>> sim, ref;
};

}  // namespace

void write_protocol_plot(const std::string& path, const Protocol& p, const ProtocolResult& r) {
  std::map<std::pair<size_t, int>, Series> series;  // (variant, dt_s sign on a frequency axis)
  for (const auto& row : r.rows) {
    const ProtocolPoint& pt = p.points[row.point];
    const double x = p.x == "dt_s" ? pt.dt_s : p.x == "frequency" ? pt.frequency : static_cast<double>(row.point);
    const int sign = p.x == "frequency" && !std::isnan(pt.dt_s) ? (pt.dt_s > 0 ? 1 : -1) : 0;
    Series& s = series[{row.variant, sign}];
    if (s.label.empty()) {
      s.label = p.variants[row.variant].label;
      if (sign) {
        char b[64];
        std::snprintf(b, sizeof b, ", dt_s %+g ms", pt.dt_s);
        s.label += b;
      }
    }
    s.sim.emplace_back(x, row.simulated);
    if (!std::isnan(row.reference)) s.ref.emplace_back(x, row.reference);
  }
  double x0 = INFINITY, x1 = -INFINITY, y0 = 0.0, y1 = 0.0;
  for (const auto& [k, s] : series)
    for (const auto* v : {&s.sim, &s.ref})
      for (const auto& [x, y] : *v) {
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
  if (p.x == "label") x0 -= 0.5, x1 += 0.5;
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) y1 = y0 + 1;
  const double pad = 0.08 * (y1 - y0);
  y0 -= pad, y1 += pad;
  const double W = 860, H = 520, L = 80, R = 20, T = 50, B = p.x == "label" ? 140 : 60;
  auto sx = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto sy = [&](double y) { return T + (y1 - y) / (y1 - y0) * (H - T - B); };

  std::ofstream o(path);
  char b[512];
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::snprintf(b, sizeof b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
  o << b << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  std::snprintf(b, sizeof b, "<text x=\"%g\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">", W / 2);
  o << b << esc(p.title.empty() ? p.name : p.title) << "</text>\n";
  // axes, ticks, zero line
  std::snprintf(b, sizeof b, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"black\"/>\n", L, T, W - L - R, H - T - B);
  o << b;
  const double ys = nice_step(y1 - y0);
  for (double y = std::ceil(y0 / ys) * ys; y <= y1; y += ys) {
    std::snprintf(b, sizeof b, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                  L, W - R, sy(y), sy(y), L - 6, sy(y) + 4, std::fabs(y) < ys * 1e-6 ? 0.0 : y);
    o << b;
  }
  std::snprintf(b, sizeof b, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n", L, W - R, sy(0), sy(0));
  o << b;
  if (p.x == "label") {
    for (size_t i = 0; i < p.points.size(); ++i) {
      std::snprintf(b, sizeof b, "<text transform=\"translate(%.1f,%g) rotate(-35)\" text-anchor=\"end\">", sx(static_cast<double>(i)), H - B + 16);
      o << b << esc(p.points[i].label) << "</text>\n";
    }
  } else {
    const double xs = nice_step(x1 - x0);
    for (double x = std::ceil(x0 / xs) * xs; x <= x1 + 1e-9; x += xs) {
      std::snprintf(b, sizeof b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%g</text>\n",
                    sx(x), sx(x), T, H - B, sx(x), H - B + 18, x);
      o << b;
    }
  }
  std::snprintf(b, sizeof b, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", (L + W - R) / 2, H - 14);
  o << b << esc(p.x_label) << "</text>\n";
  std::snprintf(b, sizeof b, "<text transform=\"translate(20,%g) rotate(-90)\" text-anchor=\"middle\">", (T + H - B) / 2);
  o << b << esc(p.y_label) << "</text>\n";
  // series and legend
  int k = 0;
  double ly = T + 16;
  for (auto& [key, s] : series) {
    const char* c = kColors[k++ % 8];
    std::sort(s.sim.begin(), s.sim.end());
    std::string pts;
    for (const auto& [x, y] : s.sim) {
      std::snprintf(b, sizeof b, "%.1f,%.1f ", sx(x), sy(y));
      pts += b;
    }
    if (p.x != "label") o << "<polyline fill=\"none\" stroke=\"" << c << "\" stroke-width=\"1.5\" points=\"" << pts << "\"/>\n";
    for (const auto& [x, y] : s.sim) {
      std::snprintf(b, sizeof b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", sx(x), sy(y), c);
      o << b;
    }
    for (const auto& [x, y] : s.ref) {
      std::snprintf(b, sizeof b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"black\"/>\n", sx(x), sy(y));
      o << b;
    }
    std::snprintf(b, sizeof b, "<circle cx=\"%g\" cy=\"%g\" r=\"4\" fill=\"%s\"/><text x=\"%g\" y=\"%g\">", L + 14, ly, c, L + 24, ly + 4);
    o << b << esc(s.label) << " (simulated)</text>\n";
    ly += 16;
  }
  std::snprintf(b, sizeof b, "<circle cx=\"%g\" cy=\"%g\" r=\"6\" fill=\"none\" stroke=\"black\"/><text x=\"%g\" y=\"%g\">reference (published or analytic)</text>\n",
                L + 14, ly, L + 24, ly + 4);
  o << b << "</svg>\n";
}

}  // namespace spikesim
