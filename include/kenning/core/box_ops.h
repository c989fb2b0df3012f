// Box geometry shared by detectors and detection metrics: centre/size
// conversion, IoU and greedy non-maximum suppression over normalised xyxy
// boxes.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "kenning/core/detection.h"

namespace kenning {

struct Box {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};

// Intersection over union; 0 when either box is empty or they do not touch.
float box_iou(const Box& a, const Box& b);
inline Box box_of(const Detection& d) { return {d.x1, d.y1, d.x2, d.y2}; }
// A detection (no score or class yet) covering `b`.
inline Detection detection_of(const Box& b) {
  Detection d;
  d.x1 = b.x1, d.y1 = b.y1, d.x2 = b.x2, d.y2 = b.y2;
  return d;
}

// The box centred on (cx, cy) of size w x h, clipped to the frame [0, 1]:
// SSD and YOLO heads both give boxes as centre and size.
Box box_from_center(float cx, float cy, float w, float h);

// Greedy NMS per class: keeps detections with score >= score_threshold,
// best first, dropping any whose IoU with an already kept detection of the
// same class exceeds iou_threshold. At most max_detections are returned
// (0: no limit), sorted by descending score.
std::vector<Detection> non_max_suppression(std::vector<Detection> detections, float score_threshold,
                                           float iou_threshold, std::size_t max_detections = 0);

}  // namespace kenning
