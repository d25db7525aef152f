#include "testbenches/savp/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace savp::tb {

using common::Json;

namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '&':
        o += "&amp;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

std::string cell(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

bool numeric(const Json& v, double& out) {
  if (v.is_number()) {
    out = v.get<double>();
    return std::isfinite(out);
  }
  return false;
}

// One SVG line plot of `metric` against the first axis, a series per value of the second.
std::string plot(const std::vector<Json>& rows, const std::string& x, const std::string& group,
                 const std::string& metric) {
  std::map<std::string, std::vector<std::pair<double, double>>> series;
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const Json& r : rows) {
    double xv, yv;
    if (!r.contains(x) || !r.contains(metric) || !numeric(r[x], xv) || !numeric(r[metric], yv)) continue;
    series[group.empty() || !r.contains(group) ? "" : cell(r[group])].emplace_back(xv, yv);
    x0 = std::min(x0, xv), x1 = std::max(x1, xv), y0 = std::min(y0, yv), y1 = std::max(y1, yv);
  }
  if (series.empty()) return "";
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;
  const double W = 480, H = 260, L = 70, B = 40, T = 20, R = 130;
  auto px = [&](double v) { return L + (v - x0) / (x1 - x0) * (W - L - R); };
  auto py = [&](double v) { return H - B - (v - y0) / (y1 - y0) * (H - B - T); };
  const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"};
  std::ostringstream s;
  s << "<figure><svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H << "'>";
  s << "<line x1='" << L << "' y1='" << H - B << "' x2='" << W - R << "' y2='" << H - B
    << "' stroke='#444'/>";
  s << "<line x1='" << L << "' y1='" << T << "' x2='" << L << "' y2='" << H - B << "' stroke='#444'/>";
  s << "<text x='" << L << "' y='" << H - 22 << "' font-size='10'>" << x0 << "</text>";
  s << "<text x='" << W - R << "' y='" << H - 22 << "' font-size='10' text-anchor='end'>" << x1 << "</text>";
  s << "<text x='" << L - 4 << "' y='" << H - B << "' font-size='10' text-anchor='end'>" << y0 << "</text>";
  s << "<text x='" << L - 4 << "' y='" << T + 8 << "' font-size='10' text-anchor='end'>" << y1 << "</text>";
  s << "<text x='" << (L + W - R) / 2 << "' y='" << H - 6 << "' font-size='11' text-anchor='middle'>"
    << esc(x) << "</text>";
  int k = 0;
  for (auto& [name, pts] : series) {
    std::sort(pts.begin(), pts.end());
    const char* c = colours[k % 7];
    s << "<polyline fill='none' stroke='" << c << "' stroke-width='2' points='";
    for (const auto& [a, b] : pts) s << px(a) << "," << py(b) << " ";
    s << "'/>";
    for (const auto& [a, b] : pts)
      s << "<circle cx='" << px(a) << "' cy='" << py(b) << "' r='3' fill='" << c << "'/>";
    s << "<text x='" << W - R + 8 << "' y='" << T + 14 * (k + 1) << "' font-size='10' fill='" << c << "'>"
      << esc(group.empty() ? metric : group.substr(group.rfind('.') + 1) + "=" + name) << "</text>";
    ++k;
  }
  s << "</svg><figcaption>" << esc(metric) << "</figcaption></figure>\n";
  return s.str();
}

}  // namespace

std::string sweep_report_html(const SweepSpec& spec, const std::vector<Json>& rows,
                              const std::vector<std::string>& columns) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>SAVP sweep report</title>\n<style>"
       "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:12px}"
       "th,td{border:1px solid #ccc;padding:2px 6px}th{cursor:pointer;background:#eee}"
       "figure{display:inline-block;margin:0.5em}pre{background:#f6f6f6;padding:0.5em;overflow:auto}</"
       "style></head>\n"
       "<body>\n<h1>SAVP sweep report</h1>\n<p>Sweep <code>"
    << esc(spec.file) << "</code> over <code>" << esc(spec.base) << "</code>: " << rows.size()
    << " points.</p>\n<h2>Definition</h2>\n<pre>" << esc(spec.resolved.dump(2)) << "</pre>\n";
  h << "<h2>Plots</h2>\n<div id='plots'>";
  const std::string x = spec.axes.empty() ? "" : spec.axes[0], g = spec.axes.size() > 1 ? spec.axes[1] : "";
  for (const char* m : {"latency_ns", "energy_pj", "cycles", "throughput_gops", "dram_bandwidth_gbps",
                        "rel_l2_err", "ops_per_j", "ops_per_s_per_mm2"}) {
    if (!x.empty()) h << plot(rows, x, g, m);
  }
  h << "</div>\n<h2>Results</h2>\n<table id='results'><thead><tr>";
  for (const auto& c : columns) h << "<th>" << esc(c) << "</th>";
  h << "</tr></thead><tbody>\n";
  for (const Json& r : rows) {
    h << "<tr>";
    for (const auto& c : columns) h << "<td>" << esc(r.contains(c) ? cell(r[c]) : "") << "</td>";
    h << "</tr>\n";
  }
  h << "</tbody></table>\n<script>\n"
       "(function(){var t=document.getElementById('results');var hs=t.tHead.rows[0].cells;"
       "for(var i=0;i<hs.length;i++){(function(i){hs[i].addEventListener('click',function(){"
       "var b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows),asc=hs[i].dataset.asc!=='1';"
       "rs.sort(function(p,q){var "
       "a=p.cells[i].textContent,c=q.cells[i].textContent,x=parseFloat(a),y=parseFloat(c);"
       "var r=(!isNaN(x)&&!isNaN(y))?x-y:a.localeCompare(c);return asc?r:-r;});"
       "rs.forEach(function(r){b.appendChild(r);});hs[i].dataset.asc=asc?'1':'0';});})(i);}"
       "document.body.setAttribute('data-ready',String(t.tBodies[0].rows.length));})();\n"
       "</script>\n</body></html>\n";
  return h.str();
}

}  // namespace savp::tb
