#include "protocols/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

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

// One panel with its top edge at y = top; returns its height.
double draw_panel(std::ofstream& o, const ChartPanel& p, double top, double W) {
  const bool cat = !p.x_categories.empty();
  const double H = p.height > 0 ? p.height : 470, L = 80, R = 20, T = top + 30, B = cat ? 140 : 60;
  double x0 = INFINITY, x1 = -INFINITY, y0 = p.zero_line ? 0.0 : INFINITY, y1 = p.zero_line ? 0.0 : -INFINITY;
  for (const auto& s : p.series) {
    for (double x : s.x) x0 = std::min(x0, x), x1 = std::max(x1, x);
    for (double y : s.y) y0 = std::min(y0, y), y1 = std::max(y1, y);
  }
  if (cat) x0 = -0.5, x1 = p.x_categories.size() - 0.5;
  if (!(x1 > x0)) x1 = (std::isfinite(x0) ? x0 : (x0 = 0)) + 1;
  if (!(y1 > y0)) y0 = std::isfinite(y0) ? y0 - 0.5 : 0, y1 = y0 + 1;
  const double pad = 0.08 * (y1 - y0);
  y0 -= pad, y1 += pad;
  const double bottom = top + H - B;
  auto sx = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto sy = [&](double y) { return T + (y1 - y) / (y1 - y0) * (bottom - T); };
  char b[512];
  std::snprintf(b, sizeof b, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-size=\"14\">", W / 2, top + 20);
  o << b << esc(p.title) << "</text>\n";
  std::snprintf(b, sizeof b, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"black\"/>\n", L, T, W - L - R, bottom - T);
  o << b;
  const double ys = nice_step(y1 - y0);
  for (double y = std::ceil(y0 / ys) * ys; y <= y1; y += ys) {
    std::snprintf(b, sizeof b, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                  L, W - R, sy(y), sy(y), L - 6, sy(y) + 4, std::fabs(y) < ys * 1e-6 ? 0.0 : y);
    o << b;
  }
  if (p.zero_line) {
    std::snprintf(b, sizeof b, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n", L, W - R, sy(0), sy(0));
    o << b;
  }
  if (cat) {
    for (size_t i = 0; i < p.x_categories.size(); ++i) {
      std::snprintf(b, sizeof b, "<text transform=\"translate(%.1f,%g) rotate(-35)\" text-anchor=\"end\">", sx(static_cast<double>(i)), bottom + 16);
      o << b << esc(p.x_categories[i]) << "</text>\n";
    }
  } else {
    const double xs = nice_step(x1 - x0);
    for (double x = std::ceil(x0 / xs) * xs; x <= x1 + 1e-9 * xs; x += xs) {
      std::snprintf(b, sizeof b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%g</text>\n",
                    sx(x), sx(x), T, bottom, sx(x), bottom + 18, std::fabs(x) < xs * 1e-6 ? 0.0 : x);
      o << b;
    }
  }
  std::snprintf(b, sizeof b, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", (L + W - R) / 2, bottom + (cat ? B - 14 : 40));
  o << b << esc(p.x_label) << "</text>\n";
  std::snprintf(b, sizeof b, "<text transform=\"translate(20,%g) rotate(-90)\" text-anchor=\"middle\">", (T + bottom) / 2);
  o << b << esc(p.y_label) << "</text>\n";
  double ly = T + 16;
  for (size_t k = 0; k < p.series.size(); ++k) {
    const ChartSeries& s = p.series[k];
    const char* c = s.style == ChartSeries::kOpenCircles ? "black" : kColors[(s.color >= 0 ? s.color : k) % 8];
    if (s.style == ChartSeries::kEvents) {
      for (double x : s.x) {
        std::snprintf(b, sizeof b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-dasharray=\"4,3\"/>\n", sx(x), sx(x), T, bottom, c);
        o << b;
      }
    }
    if ((s.style == ChartSeries::kLine || s.style == ChartSeries::kLineDots) && !cat) {
      std::vector<std::pair<double, double>> pts;
      for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) pts.emplace_back(s.x[i], s.y[i]);
      std::sort(pts.begin(), pts.end());
      o << "<polyline fill=\"none\" stroke=\"" << c << "\" stroke-width=\"1.5\" points=\"";
      for (const auto& [x, y] : pts) {
        std::snprintf(b, sizeof b, "%.1f,%.1f ", sx(x), sy(y));
        o << b;
      }
      o << "\"/>\n";
    }
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (s.style == ChartSeries::kLineDots || s.style == ChartSeries::kDots)
        std::snprintf(b, sizeof b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", sx(s.x[i]), sy(s.y[i]), c);
      else if (s.style == ChartSeries::kOpenCircles)
        std::snprintf(b, sizeof b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"black\"/>\n", sx(s.x[i]), sy(s.y[i]));
      else
        continue;
      o << b;
    }
    if (s.label.empty()) continue;
    if (s.style == ChartSeries::kOpenCircles)
      std::snprintf(b, sizeof b, "<circle cx=\"%g\" cy=\"%g\" r=\"6\" fill=\"none\" stroke=\"black\"/>", L + 14, ly);
    else if (s.style == ChartSeries::kEvents || s.style == ChartSeries::kLine)
      std::snprintf(b, sizeof b, "<line x1=\"%g\" x2=\"%g\" y1=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-width=\"2\"%s/>", L + 6, L + 22, ly, ly, c,
                    s.style == ChartSeries::kEvents ? " stroke-dasharray=\"4,3\"" : "");
    else
      std::snprintf(b, sizeof b, "<circle cx=\"%g\" cy=\"%g\" r=\"4\" fill=\"%s\"/>", L + 14, ly, c);
    o << b;
    std::snprintf(b, sizeof b, "<text x=\"%g\" y=\"%g\">", L + 28, ly + 4);
    o << b << esc(s.label) << "</text>\n";
    ly += 16;
  }
  return H;
}

}  // namespace

void write_chart(const std::string& path, const std::string& title, const std::vector<ChartPanel>& panels, double width) {
  double total = title.empty() ? 0 : 30;
  for (const auto& p : panels) total += p.height > 0 ? p.height : 470;
  std::ofstream o(path);
  char b[256];
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::snprintf(b, sizeof b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" font-family=\"sans-serif\" font-size=\"12\">\n", width, total);
  o << b << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  double top = 0;
  if (!title.empty()) {
    std::snprintf(b, sizeof b, "<text x=\"%g\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">", width / 2);
    o << b << esc(title) << "</text>\n";
    top = 30;
  }
  for (const auto& p : panels) top += draw_panel(o, p, top, width);
  o << "</svg>\n";
}

}  // namespace spikesim
