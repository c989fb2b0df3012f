// Ground truth of detection datasets: the boxes of each image, read from
// COCO JSON or Pascal VOC XML annotation files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/detection.h"

namespace kenning {

struct AnnotatedImage {
  std::filesystem::path image;   // file to read the pixels from
  std::vector<Detection> boxes;  // normalised xyxy, class_id into the class list
};

struct DetectionAnnotations {
  std::vector<std::string> class_names;
  std::vector<AnnotatedImage> images;
};

// COCO "instances" JSON: images[{id, file_name, width, height}],
// annotations[{image_id, category_id, bbox [x, y, w, h] in pixels}],
// categories[{id, name}]; classes in the order of `categories`. Image files
// are looked up in `images_dir`. Throws IoError naming the file when it
// cannot be read or is not JSON, ConfigError naming the file and the entry
// (e.g. "annotations[3].bbox") when a key is missing or malformed.
DetectionAnnotations read_coco_annotations(const std::filesystem::path& json_path,
                                           const std::filesystem::path& images_dir);

// A folder of Pascal VOC XML files, one per image: <filename>,
// <size><width><height>, <object><name><bndbox><xmin><ymin><xmax><ymax>
// (pixels). Classes: `class_names` when given (an object of another class is
// an error naming the file), else the sorted names found. Files in sorted
// order. Same errors as above, naming the XML file and the element.
DetectionAnnotations read_voc_annotations(const std::filesystem::path& annotations_dir,
                                          const std::filesystem::path& images_dir,
                                          const std::vector<std::string>& class_names);

}  // namespace kenning
