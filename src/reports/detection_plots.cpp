#include "reports/detection_plots.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "reports/gnuplot.h"
#include "reports/plot_script.h"

namespace kenning {

namespace {

// Most points of one curve: every k-th prediction, and always the last, keep
// the shape of a curve of hundreds of thousands of predictions.
constexpr std::size_t kMaxCurvePoints = 1000;

// Classes worth a line or a bar: those with ground truth, most boxes first
// for the precision-recall figure, at most `limit` of them.
std::vector<const ClassDetection*> classes_with_ground_truth(const DetectionSummary& s, std::size_t limit,
                                                             bool by_boxes) {
  std::vector<const ClassDetection*> out;
  for (const auto& c : s.classes) {
    if (c.ground_truth > 0) out.push_back(&c);
  }
  if (by_boxes) {
    std::stable_sort(out.begin(), out.end(), [](const ClassDetection* a, const ClassDetection* b) {
      return a->ground_truth > b->ground_truth;
    });
  }
  if (out.size() > limit) out.resize(limit);
  return out;
}

DetectionFigure pr_curves(const std::string& run, const DetectionSummary& s) {
  const auto shown = classes_with_ground_truth(s, kMaxPrCurves, true);
  std::size_t with_gt = 0;
  for (const auto& c : s.classes) with_gt += c.ground_truth > 0 ? 1 : 0;
  std::string script, plot = "plot ";
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const ClassDetection& c = *shown[k];
    // The curve starts at recall 0 with the first prediction's precision.
    std::vector<double> recall{0.0}, precision{c.precision.empty() ? 0.0 : c.precision.front()};
    const std::size_t n = c.recall.size();
    const std::size_t stride = std::max<std::size_t>(1, (n + kMaxCurvePoints - 1) / kMaxCurvePoints);
    for (std::size_t i = 0; i < n; i += stride) recall.push_back(c.recall[i]), precision.push_back(c.precision[i]);
    if (n && (n - 1) % stride) recall.push_back(c.recall.back()), precision.push_back(c.precision.back());
    script += datablock(fmt::format("c{}", k), {recall, precision});
    plot += fmt::format("{}$c{} using 1:2 with lines lw 2 lc rgb '{}' title {}", k ? ", \\\n     " : "", k, colour(k),
                        gp_quote(fmt::format("{} (AP@0.5 {:.3f}, {} boxes)", c.name, c.ap50, c.ground_truth)));
  }
  script += fmt::format("set title {}\n", gp_quote(run + ": precision-recall at IoU 0.5"));
  script += "set xlabel 'recall'\nset ylabel 'precision'\nset xrange [0:1.02]\nset yrange [0:1.05]\n";
  std::string caption = run + ": precision against recall at IoU 0.5, one line per class";
  if (with_gt > shown.size())
    caption += fmt::format(" (the {} of {} classes with the most boxes)", shown.size(), with_gt);
  return {"pr-curves", caption, script + plot + "\n"};
}

DetectionFigure ap_per_class(const std::string& run, const DetectionSummary& s) {
  const auto shown = classes_with_ground_truth(s, s.classes.size(), false);
  std::vector<double> x, ap50, ap50_95;
  std::vector<std::string> names;
  for (std::size_t k = 0; k < shown.size(); ++k) {
    x.push_back(static_cast<double>(k));
    ap50.push_back(shown[k]->ap50);
    ap50_95.push_back(shown[k]->ap50_95);
    names.push_back(shown[k]->name);
  }
  std::string script = datablock("b", {x, ap50, ap50_95});
  script += fmt::format("set title {}\n", gp_quote(run + ": average precision per class"));
  script += "set xlabel 'class'\nset ylabel 'average precision'\nset yrange [0:1.05]\n";
  script += fmt::format("set xrange [-0.6:{}]\n", num(static_cast<double>(shown.size()) - 0.4));
  script += xtics(names) + (names.size() > 4 ? " rotate by 45 right\n" : "\n");
  script += "set style fill solid 0.85 border -1\nset boxwidth 0.38\n";
  script += fmt::format(
      "plot $b using ($1 - 0.2):2 with boxes lc rgb '{}' title 'AP@0.5', \\\n"
      "     $b using ($1 + 0.2):3 with boxes lc rgb '{}' title 'AP@0.5:0.95', \\\n"
      "     {} with lines dt 2 lw 2 lc rgb '{}' title {}\n",
      colour(0), colour(1), num(s.map50_95), colour(1), gp_quote(fmt::format("mAP@0.5:0.95 {:.3f}", s.map50_95)));
  return {"ap-per-class", run + ": average precision per class at IoU 0.5 and averaged over 0.5:0.95", script};
}

DetectionFigure map_per_iou(const std::string& run, const DetectionSummary& s) {
  std::string script = datablock("m", {s.thresholds, s.map_per_threshold});
  script += fmt::format("set title {}\n", gp_quote(run + ": mAP against the IoU threshold"));
  script += "set xlabel 'IoU threshold for a true positive'\nset ylabel 'mAP'\nset yrange [0:1.05]\n";
  script += "set xrange [0.48:0.97]\nset xtics 0.05\n";
  script += fmt::format(
      "plot $m using 1:2 with linespoints lw 2 pt 7 lc rgb '{}' title 'mAP', \\\n"
      "     {} with lines dt 2 lw 2 lc rgb '{}' title {}\n",
      colour(0), num(s.map50_95), colour(1),
      gp_quote(fmt::format("mean over thresholds (mAP@0.5:0.95) {:.3f}", s.map50_95)));
  return {"map-per-iou", run + ": mAP at each IoU threshold from 0.5 to 0.95", script};
}

DetectionFigure tp_iou_histogram(const std::string& run, const DetectionSummary& s) {
  // 20 bins of 0.025 over [0.5, 1]: true positives have IoU >= 0.5.
  constexpr int kBins = 20;
  std::vector<double> centre(kBins), count(kBins, 0.0);
  for (int b = 0; b < kBins; ++b) centre[b] = 0.5 + 0.025 * (b + 0.5);
  // An IoU on a bin edge (0.85) goes to the bin above despite its float
  // rounding (IoUs are computed and stored in single precision).
  for (double iou : s.tp_iou) count[std::clamp(static_cast<int>((iou - 0.5) / 0.025 + 1e-4), 0, kBins - 1)] += 1;
  std::vector<double> sorted = s.tp_iou;
  std::sort(sorted.begin(), sorted.end());
  const double median =
      sorted.size() % 2 ? sorted[sorted.size() / 2] : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  std::string script = datablock("h", {centre, count});
  script += fmt::format("set title {}\n",
                        gp_quote(fmt::format("{}: IoU of the {} true positives at 0.5", run, s.tp_iou.size())));
  script += "set xlabel 'IoU with the matched ground-truth box'\nset ylabel 'true positives'\n";
  // Whole counts on the y axis, about five tics.
  const double most = *std::max_element(count.begin(), count.end());
  script += fmt::format("set xrange [0.5:1]\nset yrange [0:*]\nset xtics 0.05\nset ytics {}\n",
                        num(std::max(1.0, std::ceil(most / 5))));
  script += "set style fill solid 0.85 border -1\nset boxwidth 0.025\n";
  script += fmt::format("set arrow 1 from {0},graph 0 to {0},graph 1 nohead dt 2 lw 2 lc rgb '{1}'\n", num(median),
                        colour(1));
  script += fmt::format(
      "plot $h using 1:2 with boxes lc rgb '{}' title 'true positives', \\\n"
      "     keyentry with lines dt 2 lw 2 lc rgb '{}' title {}\n",
      colour(0), colour(1), gp_quote(fmt::format("median IoU {:.3f}", median)));
  return {"tp-iou", run + ": how tightly the true positives fit their boxes (IoU histogram)", script};
}

}  // namespace

std::vector<DetectionFigure> detection_figures(const std::string& run, const DetectionSummary& s) {
  std::vector<DetectionFigure> out;
  if (classes_with_ground_truth(s, 1, false).empty()) return out;
  out.push_back(pr_curves(run, s));
  out.push_back(ap_per_class(run, s));
  out.push_back(map_per_iou(run, s));
  if (!s.tp_iou.empty()) out.push_back(tp_iou_histogram(run, s));
  return out;
}

std::string map_per_iou_comparison_script(const std::vector<NamedDetection>& runs) {
  std::string script = "set title 'mAP against the IoU threshold'\n";
  script += "set xlabel 'IoU threshold for a true positive'\nset ylabel 'mAP'\nset yrange [0:1.05]\n";
  script += "set xrange [0.48:0.97]\nset xtics 0.05\n";
  std::string plot = "plot ";
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const DetectionSummary& s = *runs[k].summary;
    script += datablock(fmt::format("m{}", k), {s.thresholds, s.map_per_threshold});
    plot += fmt::format("{}$m{} using 1:2 with linespoints lw 2 pt 7 lc rgb '{}' title {}", k ? ", \\\n     " : "", k,
                        colour(runs[k].colour_index),
                        gp_quote(fmt::format("{} (mAP@0.5:0.95 {:.3f})", runs[k].run, s.map50_95)));
  }
  return script + plot + "\n";
}

}  // namespace kenning
