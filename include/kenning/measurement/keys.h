// The keys of a measurements JSON, named once.
//
// Every producer writes through Measurements, whose set/append/... take a
// MeasurementKey, and only this header can make one: a misspelt key does
// not compile. Consumers index the JSON with the same constants
// (`data[keys::accuracy]`; a MeasurementKey is a std::string_view).
// docs/measurements.md's key table is generated from KENNING_MEASUREMENT_KEYS
// (scripts/update-docs.sh; the KeysTable test fails while it is stale).
//
// Names follow upstream Kenning where it has the key. A timed series `<key>`
// is paired with `<key>_timestamp` (Measurements::append_timed).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace kenning {

// X(identifier, "key", "what it holds"): the top-level keys.
#define KENNING_MEASUREMENT_KEYS(X)                                                                                  \
  /* What ran */                                                                                                     \
  X(command, "command", "the command line: display lines (list of strings), as upstream writes it")                  \
  X(cfg_path, "cfg_path", "the scenario file, if any")                                                               \
  X(build_cfg, "build_cfg", "the effective scenario, every default filled in")                                       \
  X(kenning_version, "kenning_version", "kenning-cpp's version")                                                     \
  X(host, "host", "the machine: CPU, cores, memory, OS, compiler, build type, git SHA, load, peak GFLOP/s")          \
  X(model_framework, "model_framework", "the model's framework (onnx, torch), as upstream names it")                 \
  X(model_version, "model_version", "its version")                                                                   \
  X(runtime_framework, "runtime_framework", "the runtime's framework")                                               \
  X(runtime_version, "runtime_version", "its version")                                                               \
  X(optimizers, "optimizers", "one entry per optimizer: framework, version, location and what it reports")           \
  X(unoptimized, "__unoptimized__", "with --evaluate-unoptimized: the same test of the model before optimization")   \
  X(optimization_effect, "optimization_effect", "model_size_ratio, inference_time_ratio, accuracy_change")           \
  X(compiled_model_path, "compiled_model_path", "the model file run")                                                \
  X(compiled_model_size, "compiled_model_size", "its size in bytes")                                                 \
  X(class_names, "class_names", "the dataset's classes")                                                             \
  /* Timing */                                                                                                       \
  X(dataset_prepare_time, "dataset_prepare_time", "seconds to prepare the dataset")                                  \
  X(runtime_prepare_time, "runtime_prepare_time", "seconds the runtime took to load the model")                      \
  X(model_upload_time, "model_upload_time", "remote: seconds to upload the I/O spec and the model")                  \
  X(input_preprocess_step, "input_preprocess_step", "seconds per batch of the wrapper's preprocessing (timed)")      \
  X(target_inference_step, "target_inference_step", "seconds per batch of the model run alone (timed)")              \
  X(output_postprocess_step, "output_postprocess_step", "seconds per batch of the wrapper's postprocessing (timed)") \
  X(protocol_inference_step, "protocol_inference_step",                                                              \
    "remote: seconds of the PROCESS round trip per batch, as upstream Kenning (timed)")                              \
  X(protocol_batch_step, "protocol_batch_step",                                                                      \
    "remote: seconds per batch seen from the host: DATA, PROCESS and OUTPUT round trips (timed)")                    \
  X(protocol_overhead_step, "protocol_overhead_step", "remote: protocol_inference_step - target_inference_step")     \
  X(protocol_overhead_median, "protocol_overhead_median", "remote: median of protocol_overhead_step")                \
  X(session_time, "session_time", "seconds of the whole test loop")                                                  \
  X(test_samples, "test_samples", "samples run")                                                                     \
  X(inferencetime_mean, "inferencetime_mean", "mean of target_inference_step")                                       \
  X(inferencetime_median, "inferencetime_median", "median of target_inference_step")                                 \
  X(inferencetime_std, "inferencetime_std", "population std of target_inference_step")                               \
  X(inferencetime_min, "inferencetime_min", "minimum of target_inference_step")                                      \
  X(inferencetime_max, "inferencetime_max", "maximum of target_inference_step")                                      \
  X(inference_statistics, "inference_statistics", "first run, steady state, percentiles, warnings and verdict")      \
  X(throughput_inference_only, "throughput_inference_only", "samples per second of inference alone")                 \
  X(throughput_session, "throughput_session", "samples per second of the whole session")                             \
  X(flops_per_sample, "flops_per_sample", "ONNX models: FLOPs of one sample (2 per multiply-add)")                   \
  X(achieved_gflops, "achieved_gflops", "GFLOP/s reached during inference")                                          \
  X(fraction_of_single_core_peak, "fraction_of_single_core_peak", "achieved_gflops / host.peak_gflops_single_core")  \
  /* Test modes */                                                                                                   \
  X(test_mode, "test_mode", "accuracy, single-stream or offline")                                                    \
  X(test_mode_parameters, "test_mode_parameters", "the mode's minimums, seed, query size and what was issued")       \
  X(loadgen_result, "loadgen_result", "the mode's headline: metric, value, verdict")                                 \
  /* Remote targets */                                                                                               \
  X(target_model_size, "target_model_size", "remote: bytes of the model the target received")                        \
  X(target_benchmark, "target_benchmark", "remote: runs requested and done, warm-ups, whether stopped early")        \
  X(target_benchmark_step, "target_benchmark_step", "remote: seconds of each timed target-side benchmark run")       \
  X(target_benchmark_statistics, "target_benchmark_statistics", "remote: statistics of target_benchmark_step")       \
  X(target_optimizers, "target_optimizers", "remote: what each target-side optimizer reported")                      \
  X(optimized_io_spec, "optimized_io_spec", "remote: the I/O spec of the model the target compiled")                 \
  /* Resource use, sampled every 100 ms */                                                                           \
  X(session_utilization_cpus_percent, "session_utilization_cpus_percent", "% per core per sample")                   \
  X(session_utilization_mem_percent, "session_utilization_mem_percent", "% of memory per sample")                    \
  X(session_utilization_timestamp, "session_utilization_timestamp", "when each sample was taken")                    \
  X(session_utilization_gpu_utilization, "session_utilization_gpu_utilization", "NVIDIA GPUs: % busy per sample")    \
  X(session_utilization_gpu_mem_utilization, "session_utilization_gpu_mem_utilization", "NVIDIA GPUs: % memory")     \
  X(session_utilization_cpus_percent_avg_mean, "session_utilization_cpus_percent_avg_mean", "mean over cores, mean") \
  X(session_utilization_cpus_percent_avg_median, "session_utilization_cpus_percent_avg_median", "... median")        \
  X(session_utilization_cpus_percent_avg_std, "session_utilization_cpus_percent_avg_std", "... std")                 \
  /* Quality */                                                                                                      \
  X(evaluation, "evaluation", "\"none\" when no quality metrics were computed")                                      \
  X(evaluation_skipped_reason, "evaluation_skipped_reason", "why not")                                               \
  X(eval_confusion_matrix, "eval_confusion_matrix", "classification: counts [actual][predicted]")                    \
  X(top_5_count, "top_5_count", "classification: samples whose class was in the top 5")                              \
  X(total, "total", "classification: samples scored")                                                                \
  X(accuracy, "accuracy", "classification: fraction correct")                                                        \
  X(top_5_accuracy, "top_5_accuracy", "classification: fraction with the class in the top 5")                        \
  X(mean_precision, "mean_precision", "classification: mean over classes")                                           \
  X(mean_sensitivity, "mean_sensitivity", "classification: mean over classes")                                       \
  X(g_mean, "g_mean", "classification: geometric mean of the sensitivities")                                         \
  X(eval_skipped_images, "eval_skipped_images", "detection: images that could not be scored")                        \
  X(eval_map_50, "eval_map_50", "detection: mAP at IoU 0.5")                                                         \
  X(eval_map_50_95, "eval_map_50_95", "detection: mAP over IoU 0.5:0.95")                                            \
  X(eval_map_per_iou, "eval_map_per_iou", "detection: thresholds and the mAP at each")                               \
  X(eval_tp_iou, "eval_tp_iou", "detection: mean IoU of the true positives")                                         \
  /* Training */                                                                                                     \
  X(training_epoch, "training_epoch", "the epoch of each entry below")                                               \
  X(training_train_loss, "training_train_loss", "training loss per epoch")                                           \
  X(training_train_accuracy, "training_train_accuracy", "training accuracy per epoch")                               \
  X(training_val_loss, "training_val_loss", "validation loss per epoch")                                             \
  X(training_val_accuracy, "training_val_accuracy", "validation accuracy per epoch")                                 \
  X(training_epoch_time, "training_epoch_time", "seconds per epoch")                                                 \
  X(trained_model_path, "trained_model_path", "where the trained model was saved")

// X(identifier, "prefix", "what each key holds"): one key per class,
// `<prefix><class name>`.
#define KENNING_MEASUREMENT_KEY_FAMILIES(X)                                              \
  X(eval_det, "eval_det/", "detection: [score, true positive, IoU, mask] per detection") \
  X(eval_gtcount, "eval_gtcount/", "detection: ground-truth boxes")                      \
  X(eval_pr_curve, "eval_pr_curve/", "detection: recall and precision at each score")    \
  X(eval_ap50, "eval_ap50/", "detection: AP at IoU 0.5")                                 \
  X(eval_ap50_95, "eval_ap50_95/", "detection: AP over IoU 0.5:0.95")

struct keys;

// A top-level key; only `keys` makes them.
class MeasurementKey : public std::string_view {
 public:
  std::string_view doc;

 private:
  friend struct keys;
  constexpr MeasurementKey(std::string_view name, std::string_view what) : std::string_view(name), doc(what) {}
};

// A family of per-class keys (`eval_det/<class>`); only `keys` makes them.
class MeasurementKeyFamily : public std::string_view {
 public:
  std::string_view doc;

 private:
  friend struct keys;
  constexpr MeasurementKeyFamily(std::string_view prefix, std::string_view what)
      : std::string_view(prefix), doc(what) {}
};

struct keys {
#define KENNING_DECLARE_KEY(id, name, doc) static constexpr MeasurementKey id{name, doc};
  KENNING_MEASUREMENT_KEYS(KENNING_DECLARE_KEY)
#undef KENNING_DECLARE_KEY
#define KENNING_DECLARE_FAMILY(id, prefix, doc) static constexpr MeasurementKeyFamily id{prefix, doc};
  KENNING_MEASUREMENT_KEY_FAMILIES(KENNING_DECLARE_FAMILY)
#undef KENNING_DECLARE_FAMILY

#define KENNING_LIST_KEY(id, name, doc) id,
  static constexpr std::array all = {KENNING_MEASUREMENT_KEYS(KENNING_LIST_KEY)};
  static constexpr std::array all_families = {KENNING_MEASUREMENT_KEY_FAMILIES(KENNING_LIST_KEY)};
#undef KENNING_LIST_KEY
};

}  // namespace kenning
