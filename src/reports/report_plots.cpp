#include "reports/report_plots.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "reports/detection_plots.h"
#include "reports/plot_script.h"
#include "reports/report_data.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Settings every plot shares: readable grid, legend outside the data.
constexpr const char* kCommon =
    "set grid lc rgb '#dddddd'\n"
    "set key outside right top box opaque\n"
    "set border lc rgb '#555555'\n";

class Planner {
 public:
  Planner(fs::path dir, std::string prefix) : dir_(std::move(dir)), prefix_(std::move(prefix)) {}

  void add(const std::string& section, const std::string& file, const std::string& caption, std::string script) {
    planned_.jobs.push_back({dir_ / file, kCommon + script});
    planned_.index[section].push_back({prefix_ + file, caption});
  }
  PlannedFigures take() { return std::move(planned_); }

 private:
  fs::path dir_;
  std::string prefix_;
  PlannedFigures planned_;
};

// One time series with its mean and median as dashed lines.
std::string time_series_script(const std::string& run, const TimeSeries& s,
                               const std::vector<std::vector<double>>* cores) {
  const json summary = series_summary(s.values);
  std::string out = datablock("d", {s.t, s.values});
  out += fmt::format("set title {}\n", gp_quote(fmt::format("{}: {} over time", run, s.label)));
  out += fmt::format("set xlabel {}\n", gp_quote(s.timed ? "time since the start of the run (s)" : "sample number"));
  out += fmt::format("set ylabel {}\n", gp_quote(fmt::format("{} ({})", s.label, s.unit)));
  if (s.unit == "%") out += "set yrange [0:*]\n";
  // A cold first run or rare stalls 10x the median would flatten the rest.
  if (s.unit == "ms" && summary["max"].get<double>() > 10 * summary["median"].get<double>() &&
      summary["min"].get<double>() > 0) {
    out += fmt::format("set logscale y\nset ylabel {}\n", gp_quote(fmt::format("{} ({}, log scale)", s.label, s.unit)));
  }
  std::vector<std::string> plots;
  if (cores && cores->size() > 1 && cores->size() <= 16 && (*cores)[0].size() == s.values.size()) {
    // One grey line per core under the mean; only the first is in the legend.
    out += "set style line 100 lw 1 lc rgb '#bbbbbb'\n";
    out += "$cc << EOD\n";
    for (std::size_t i = 0; i < s.t.size(); ++i) {
      out += num(s.t[i]);
      for (const auto& core : *cores) out += ' ' + num(core[i]);
      out += '\n';
    }
    out += "EOD\n";
    plots.push_back(fmt::format("for [k=2:{}] $cc using 1:k with lines ls 100 title (k == 2 ? 'single cores' : '')",
                                cores->size() + 1));
  }
  if (s.label == "inference time" && s.values.size() > 1) {
    // The cold first run is kept out of the mean and median; mark it apart.
    plots.push_back(fmt::format("$d every ::0::0 using 1:2 with points pt 9 ps 2 lc rgb '#D55E00' title {}",
                                gp_quote(fmt::format("first (cold) inference {:.4g} ms", s.values[0]))));
  }
  const bool many = s.values.size() > 400;
  plots.push_back(fmt::format("$d using 1:2 with {} lc rgb '{}' title {}",
                              many && s.label == "inference time" ? "points pt 7 ps 0.3" : "lines lw 2", colour(0),
                              gp_quote(s.label)));
  plots.push_back(fmt::format("{} with lines dt 2 lw 2 lc rgb '#D55E00' title {}", num(summary["mean"].get<double>()),
                              gp_quote(fmt::format("mean {:.4g} {}", summary["mean"].get<double>(), s.unit))));
  plots.push_back(fmt::format("{} with lines dt 3 lw 2 lc rgb '#009E73' title {}", num(summary["median"].get<double>()),
                              gp_quote(fmt::format("median {:.4g} {}", summary["median"].get<double>(), s.unit))));
  out += "plot ";
  for (std::size_t i = 0; i < plots.size(); ++i) {
    if (i) out += ", \\\n     ";
    out += plots[i];
  }
  return out + "\n";
}

std::string confusion_script(const std::string& run, const ConfusionMatrix& m, const std::vector<std::string>& names,
                             bool normalized) {
  const std::size_t n = m.size();
  std::string out = "$m << EOD\n";
  double top = 0;
  for (const auto& row : m) {
    double total = 0;
    for (auto v : row) total += static_cast<double>(v);
    for (std::size_t j = 0; j < n; ++j) {
      const double v =
          normalized ? (total > 0 ? static_cast<double>(row[j]) / total : 0.0) : static_cast<double>(row[j]);
      top = std::max(top, v);
      if (j) out += ' ';
      out += num(v);
    }
    out += '\n';
  }
  out += "EOD\n";
  out += fmt::format("set title {}\n",
                     gp_quote(fmt::format("{}: confusion matrix ({})", run,
                                          normalized ? "fraction of each actual class" : "sample counts")));
  out += "set xlabel 'predicted class'\nset ylabel 'actual class'\nset size square\nunset grid\nunset key\n";
  out += xtics(names) + " rotate by 45 right\n";
  out += "set ytics (";
  for (std::size_t i = 0; i < n; ++i) out += fmt::format("{}{} {}", i ? ", " : "", gp_quote(names[i]), i);
  out += ")\n";
  out += fmt::format("set xrange [-0.5:{0}]\nset yrange [{0}:-0.5]\n", num(static_cast<double>(n) - 0.5));
  out += fmt::format("set cbrange [0:{}]\nset cblabel {}\n", num(normalized ? 1.0 : std::max(top, 1.0)),
                     gp_quote(normalized ? "fraction of the actual class" : "samples"));
  out += "set palette defined (0 '#ffffff', 1 '#6baed6', 2 '#08306b')\n";
  out += "set tics nomirror\n";
  std::string plot = "plot $m matrix with image notitle";
  if (n <= 30) {
    // Cell values, white on dark cells.
    const std::string f = normalized ? "sprintf('%.2f', $3)" : "sprintf('%d', int($3))";
    const double half = (normalized ? 1.0 : std::max(top, 1.0)) * 0.55;
    plot +=
        fmt::format(", $m matrix using 1:2:($3 > {0} ? {1} : '') with labels tc rgb '#ffffff' notitle", num(half), f);
    plot +=
        fmt::format(", $m matrix using 1:2:($3 <= {0} ? {1} : '') with labels tc rgb '#000000' notitle", num(half), f);
  }
  return out + plot + "\n";
}

std::string per_class_script(const std::string& run, const ClassificationMetrics& metrics,
                             const std::vector<std::string>& names) {
  std::string out = "$b << EOD\n";
  for (std::size_t c = 0; c < names.size(); ++c) {
    out += fmt::format("{} {} {}\n", c, num(metrics.precision[c]), num(metrics.sensitivity[c]));
  }
  out += "EOD\n";
  out += fmt::format("set title {}\n", gp_quote(run + ": precision and sensitivity per class"));
  out += "set xlabel 'class'\nset ylabel 'score (fraction of samples)'\nset yrange [0:1.05]\n";
  out += fmt::format("set xrange [-0.6:{}]\n", num(static_cast<double>(names.size()) - 0.4));
  out += xtics(names) + " rotate by 45 right\n";
  out += "set style fill solid 0.85 border -1\nset boxwidth 0.38\n";
  out += fmt::format(
      "plot $b using ($1 - 0.2):2 with boxes lc rgb '{}' title 'precision', \\\n"
      "     $b using ($1 + 0.2):3 with boxes lc rgb '{}' title 'sensitivity (recall)'\n",
      colour(0), colour(1));
  return out;
}

std::optional<std::vector<double>> epoch_column(const json& d, const char* key, std::size_t n) {
  std::vector<double> v(n, NAN);
  if (!d.contains(key) || !d[key].is_array()) return std::nullopt;
  bool any = false;
  for (std::size_t i = 0; i < n && i < d[key].size(); ++i) {
    if (d[key][i].is_number()) {
      v[i] = d[key][i].get<double>();
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return v;
}

void training_figures(Planner& p, std::size_t i, const ReportRun& r) {
  const json& d = r.data;
  if (!d.contains(keys::training_epoch) || !d[keys::training_epoch].is_array() || d[keys::training_epoch].empty())
    return;
  const std::size_t n = d[keys::training_epoch].size();
  std::vector<double> epochs(n);
  for (std::size_t e = 0; e < n; ++e) {
    epochs[e] =
        d[keys::training_epoch][e].is_number() ? d[keys::training_epoch][e].get<double>() : static_cast<double>(e + 1);
  }
  for (const auto& [what, unit, train_key, val_key] :
       {std::tuple{"loss", "loss", "training_train_loss", "training_val_loss"},
        std::tuple{"accuracy", "accuracy (fraction)", "training_train_accuracy", "training_val_accuracy"}}) {
    const auto train = epoch_column(d, train_key, n);
    const auto val = epoch_column(d, val_key, n);
    if (!train && !val) continue;
    std::string script = datablock(
        "t", {epochs, train.value_or(std::vector<double>(n, NAN)), val.value_or(std::vector<double>(n, NAN))});
    script += fmt::format("set title {}\n", gp_quote(fmt::format("{}: {} per epoch", r.name, what)));
    script += fmt::format("set xlabel 'epoch'\nset ylabel {}\nset xtics 1\n", gp_quote(unit));
    script += "set datafile missing NaN\nplot ";
    if (train) script += fmt::format("$t using 1:2 with linespoints lw 2 pt 7 lc rgb '{}' title 'training'", colour(0));
    if (train && val) script += ", \\\n     ";
    if (val) script += fmt::format("$t using 1:3 with linespoints lw 2 pt 5 lc rgb '{}' title 'validation'", colour(1));
    p.add(fmt::format("training:{}", i), fmt::format("training-{}-{}.png", i, what),
          fmt::format("{}: {} per epoch", r.name, what), script + "\n");
  }
}

// Quality of a run for the comparison: accuracy of a classifier, or
// mAP@0.5:0.95 of a detector, with what it is.
struct Quality {
  double value;
  const char* label;
};
std::optional<Quality> quality_of(const ReportRun& r) {
  std::string why;
  if (const auto m = matrix_of(r.data, why)) return Quality{compute_classification_metrics(*m, 0).accuracy, "accuracy"};
  if (r.detection) return Quality{r.detection->map50_95, "mAP@0.5:0.95"};
  return std::nullopt;
}

// Bubbles: x mean latency, y accuracy (or mAP), area proportional to the
// model size. Runs measuring different qualities are not put on one axis.
void bubble_figure(Planner& p, const std::vector<ReportRun>& runs) {
  struct Point {
    std::size_t run;
    double latency_ms, quality, size;
  };
  std::vector<Point> points;
  std::string label;
  double biggest = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::string why;
    const auto st = stats_of(runs[i].data, why);
    const auto q = quality_of(runs[i]);
    if (!st || !q) continue;
    if (!label.empty() && label != q->label) return;
    label = q->label;
    const double size = number_of(runs[i].data, "compiled_model_size").value_or(0);
    points.push_back({i, (*st)["steady_state"]["mean"].get<double>() * 1e3, q->value, size});
    biggest = std::max(biggest, size);
  }
  if (points.size() < 2) return;
  std::string script =
      fmt::format("set title {}\n", gp_quote(label + " against mean inference time (bubble area: model size)"));
  script += fmt::format("set xlabel 'mean inference time (ms)'\nset ylabel {}\n",
                        gp_quote(label == "accuracy" ? "accuracy (fraction)" : label));
  script += "set offsets graph 0.25, graph 0.25, graph 0.3, graph 0.15\nunset key\n";
  std::string plot = "plot ";
  for (std::size_t k = 0; k < points.size(); ++k) {
    const Point& pt = points[k];
    // Point size scales the radius, so sqrt keeps the area proportional.
    const double ps = biggest > 0 && pt.size > 0 ? 2 + 8 * std::sqrt(pt.size / biggest) : 3;
    script += fmt::format("$p{} << EOD\n{} {}\nEOD\n", k, num(pt.latency_ms), num(pt.quality));
    const std::string title = gp_quote_lines(
        {runs[pt.run].name, pt.size > 0 ? fmt::format("{:.3g} MB", pt.size / 1e6) : std::string("size unknown")});
    plot +=
        fmt::format("$p{} using 1:2 with points pt 7 ps {} lc rgb '{}' notitle, \\\n     ", k, num(ps), colour(pt.run));
    plot += fmt::format("$p{} using 1:2:({}) with labels offset 0,{} notitle, \\\n     ", k, title, num(ps * 0.6 + 1));
  }
  plot.erase(plot.size() - 9);  // the last ", \\\n     "
  const std::string file = label == "accuracy" ? "comparison-accuracy-latency.png" : "comparison-map-latency.png";
  p.add("comparison", file,
        fmt::format("{} against mean inference time; bubble area is the model size",
                    label == "accuracy" ? "Accuracy" : label),
        script + plot + "\n");
}

// mAP against the IoU threshold of every run that evaluated detection.
void detection_comparison_figure(Planner& p, const std::vector<ReportRun>& runs) {
  std::vector<NamedDetection> named;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].detection) named.push_back({runs[i].name, i, &*runs[i].detection});
  }
  if (named.size() < 2) return;
  p.add("comparison", "comparison-map-per-iou.png", "mAP against the IoU threshold of each run",
        map_per_iou_comparison_script(named));
}

void latency_box_figure(Planner& p, const std::vector<ReportRun>& runs) {
  std::string script, plot = "plot ";
  std::vector<std::string> names;
  std::size_t shown = 0;
  double lo = INFINITY, hi = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::string why;
    auto steps = steps_of(runs[i].data, why);
    if (!steps || steps->size() < 2) continue;
    // The cold first inference is reported apart; the boxes show the steady state.
    std::vector<double> ms(steps->begin() + 1, steps->end());
    for (auto& v : ms) v *= 1e3;
    lo = std::min(lo, *std::min_element(ms.begin(), ms.end()));
    hi = std::max(hi, *std::max_element(ms.begin(), ms.end()));
    script += datablock(fmt::format("l{}", shown), {ms});
    plot += fmt::format("{}$l{} using ({}):1 lc rgb '{}' title {}", shown ? ", \\\n     " : "", shown, shown + 1,
                        colour(i), gp_quote(runs[i].name));
    names.push_back(runs[i].name);
    ++shown;
  }
  if (shown < 2) return;
  script += "set title 'steady-state inference time per run (box: quartiles, whiskers: 1.5 IQR, dots: outliers)'\n";
  script += "set xlabel 'run'\nset ylabel 'inference time (ms, log scale)'\nset logscale y\n";
  if (lo > 0) script += fmt::format("set yrange [{}:{}]\n", num(lo * 0.8), num(hi * 1.25));
  script += "set style data boxplot\nset style boxplot outliers pointtype 7\nset pointsize 0.3\n";
  script += "set style fill solid 0.35 border -1\nset boxwidth 0.5\n";
  script += fmt::format("set xrange [0.4:{}]\n", num(static_cast<double>(shown) + 0.6));
  script += xtics(names, 1) + "\n";
  p.add("comparison", "comparison-latency-box.png", "Steady-state inference time distributions", script + plot + "\n");
}

// A radar of resource use: each axis scaled to the largest run's value.
void radar_figure(Planner& p, const std::vector<ReportRun>& runs) {
  struct Axis {
    std::string label, unit;
    std::vector<double> values;
  };
  std::vector<Axis> axes;
  auto axis = [&](const std::string& label, const std::string& unit, auto value_of) {
    Axis a{label, unit, {}};
    bool any = false;
    for (const auto& r : runs) {
      const std::optional<double> v = value_of(r.data);
      a.values.push_back(v.value_or(NAN));
      any = any || (v && *v > 0);
    }
    if (any) axes.push_back(std::move(a));
  };
  auto stat = [](const char* key) {
    return [key](const json& d) -> std::optional<double> {
      std::string why;
      const auto st = stats_of(d, why);
      if (!st || !(*st)["steady_state"][key].is_number()) return std::nullopt;
      return (*st)["steady_state"][key].get<double>() * 1e3;
    };
  };
  auto series_mean = [](const std::string& label) {
    return [label](const json& d) -> std::optional<double> {
      for (const auto& s : time_series_of(d)) {
        if (s.label == label) return series_summary(s.values)["mean"].get<double>();
      }
      return std::nullopt;
    };
  };
  axis("median inference time", "ms", stat("median"));
  axis("max inference time", "ms", stat("max"));
  axis("CPU", "%", series_mean("CPU (mean over cores)"));
  axis("memory", "%", series_mean("memory"));
  axis("GPU", "%", series_mean("GPU"));
  axis("GPU memory", "%", series_mean("GPU memory"));
  axis("model size", "MB", [](const json& d) -> std::optional<double> {
    const auto v = number_of(d, "compiled_model_size");
    return v ? std::optional<double>(*v / 1e6) : std::nullopt;
  });
  if (axes.size() < 3) return;
  const std::size_t k = axes.size();
  auto angle = [&](std::size_t a) { return M_PI / 2 - 2 * M_PI * static_cast<double>(a) / static_cast<double>(k); };
  std::string script = "set title 'resource use (each axis scaled to the largest run; lower is better)'\n";
  script += "unset xtics\nunset ytics\nunset border\nunset grid\nset size ratio -1\n";
  script += "set xrange [-1.9:1.9]\nset yrange [-1.3:1.35]\nset style fill transparent solid 0.15\n";
  // Rings at 25 % steps and one spoke per axis, with the axis scale.
  std::string grid = "$g << EOD\n";
  for (double ring : {0.25, 0.5, 0.75, 1.0}) {
    for (std::size_t a = 0; a <= k; ++a) {
      grid += fmt::format("{} {}\n", num(ring * std::cos(angle(a % k))), num(ring * std::sin(angle(a % k))));
    }
    grid += "\n";
  }
  for (std::size_t a = 0; a < k; ++a) {
    grid += fmt::format("0 0\n{} {}\n\n", num(std::cos(angle(a))), num(std::sin(angle(a))));
    double top = 0;
    for (double v : axes[a].values) top = std::isfinite(v) ? std::max(top, v) : top;
    const double c = std::cos(angle(a)), s = std::sin(angle(a));
    script += fmt::format("set label {} {} at {},{} {} front\n", a + 1,
                          gp_quote_lines({axes[a].label, fmt::format("(outer ring {:.4g} {})", top, axes[a].unit)}),
                          num(1.22 * c), num(s * (1.12 + 0.1 * std::abs(s))),
                          std::abs(c) < 0.2 ? "center" : (c > 0 ? "left" : "right"));
    for (auto& v : axes[a].values) v = top > 0 && std::isfinite(v) ? v / top : 0;
  }
  script += grid + "EOD\n";
  std::string plot = "plot $g using 1:2 with lines lc rgb '#cccccc' notitle";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    script += fmt::format("$r{} << EOD\n", r);
    for (std::size_t a = 0; a <= k; ++a) {
      const double v = axes[a % k].values[r];
      script += fmt::format("{} {}\n", num(v * std::cos(angle(a % k))), num(v * std::sin(angle(a % k))));
    }
    script += "EOD\n";
    plot += fmt::format(
        ", \\\n     $r{0} using 1:2 with filledcurves closed lc rgb '{1}' notitle, "
        "$r{0} using 1:2 with linespoints lw 2 pt 7 lc rgb '{1}' title {2}",
        r, colour(r), gp_quote(runs[r].name));
  }
  p.add("comparison", "comparison-resources-radar.png", "Resource use of each run", script + plot + "\n");
}

}  // namespace

PlannedFigures plan_report_figures(const std::vector<ReportRun>& runs, const std::vector<std::string>& types,
                                   const fs::path& render_dir, const std::string& link_prefix) {
  Planner p(render_dir, link_prefix);
  auto wants = [&](const char* t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  if (runs.size() > 1) {
    if ((wants("classification") || wants("detection")) && wants("performance")) bubble_figure(p, runs);
    if (wants("detection")) detection_comparison_figure(p, runs);
    if (wants("performance")) {
      latency_box_figure(p, runs);
      radar_figure(p, runs);
    }
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const ReportRun& r = runs[i];
    if (wants("performance")) {
      const auto cores = cpu_per_core_of(r.data);
      std::size_t k = 0;
      for (const auto& s : time_series_of(r.data)) {
        const bool cpu = s.label.rfind("CPU", 0) == 0;
        p.add(fmt::format("performance:{}", i), fmt::format("performance-{}-{}.png", i, k++),
              fmt::format("{}: {} over time", r.name, s.label), time_series_script(r.name, s, cpu ? &cores : nullptr));
      }
    }
    if (wants("classification")) {
      std::string why;
      if (const auto m = matrix_of(r.data, why)) {
        const auto names = class_names_of(r.data, m->size());
        const auto key = fmt::format("classification:{}", i);
        p.add(key, fmt::format("classification-{}-confusion.png", i), r.name + ": confusion matrix (counts)",
              confusion_script(r.name, *m, names, false));
        p.add(key, fmt::format("classification-{}-confusion-normalized.png", i),
              r.name + ": confusion matrix (normalized per actual class)", confusion_script(r.name, *m, names, true));
        p.add(key, fmt::format("classification-{}-per-class.png", i), r.name + ": precision and sensitivity per class",
              per_class_script(r.name, compute_classification_metrics(*m, 0), names));
      }
    }
    if (wants("detection") && r.detection) {
      for (const auto& f : detection_figures(r.name, *r.detection)) {
        p.add(fmt::format("detection:{}", i), fmt::format("detection-{}-{}.png", i, f.name), f.caption, f.script);
      }
    }
    if (wants("training")) training_figures(p, i, r);
  }
  return p.take();
}

}  // namespace kenning
