// COCO JSON reader (see detection_annotations.h).
#include <algorithm>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "datasets/detection_annotations.h"
#include "kenning/core/error.h"

namespace kenning {

namespace {

using nlohmann::json;

const json& require(const json& obj, const std::string& key, const std::string& where, const std::string& expected) {
  if (!obj.is_object() || !obj.contains(key))
    throw ConfigError(where + ": missing key '" + key + "' (" + expected + ")");
  return obj.at(key);
}

double number(const json& obj, const std::string& key, const std::string& where) {
  const json& v = require(obj, key, where, "a number");
  if (!v.is_number()) throw ConfigError(where + "." + key + ": expected a number, got " + v.dump());
  return v.get<double>();
}

}  // namespace

DetectionAnnotations read_coco_annotations(const std::filesystem::path& json_path,
                                           const std::filesystem::path& images_dir) {
  const std::string file = json_path.string();
  std::ifstream in(json_path);
  if (!in) throw IoError(file + ": cannot be read (COCO annotations JSON)");
  json root;
  try {
    root = json::parse(in);
  } catch (const json::parse_error& e) {
    throw IoError(file + ": not valid JSON: " + e.what());
  }
  if (!root.is_object()) throw ConfigError(file + ": expected a COCO object with images, annotations, categories");
  for (const char* key : {"images", "annotations", "categories"}) {
    if (!require(root, key, file, "a list").is_array()) throw ConfigError(file + ": '" + key + "': expected a list");
  }

  DetectionAnnotations out;
  std::map<std::int64_t, int> class_of_category;
  const json& categories = root["categories"];
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const std::string where = file + ": categories[" + std::to_string(i) + "]";
    const auto id = static_cast<std::int64_t>(number(categories[i], "id", where));
    const json& name = require(categories[i], "name", where, "a string");
    if (!name.is_string()) throw ConfigError(where + ".name: expected a string, got " + name.dump());
    if (!class_of_category.emplace(id, static_cast<int>(out.class_names.size())).second) {
      throw ConfigError(where + ".id: category id " + std::to_string(id) + " appears twice");
    }
    out.class_names.push_back(name.get<std::string>());
  }

  struct ImageInfo {
    std::size_t index;
    double width, height;
  };
  std::map<std::int64_t, ImageInfo> image_of_id;
  const json& images = root["images"];
  for (std::size_t i = 0; i < images.size(); ++i) {
    const std::string where = file + ": images[" + std::to_string(i) + "]";
    const auto id = static_cast<std::int64_t>(number(images[i], "id", where));
    const json& name = require(images[i], "file_name", where, "a string");
    if (!name.is_string()) throw ConfigError(where + ".file_name: expected a string, got " + name.dump());
    const double w = number(images[i], "width", where), h = number(images[i], "height", where);
    if (!(w > 0 && h > 0)) throw ConfigError(where + ": expected width and height > 0");
    if (!image_of_id.emplace(id, ImageInfo{out.images.size(), w, h}).second) {
      throw ConfigError(where + ".id: image id " + std::to_string(id) + " appears twice");
    }
    out.images.push_back({images_dir / name.get<std::string>(), {}});
  }

  const json& annotations = root["annotations"];
  for (std::size_t i = 0; i < annotations.size(); ++i) {
    const std::string where = file + ": annotations[" + std::to_string(i) + "]";
    const json& a = annotations[i];
    const auto image_id = static_cast<std::int64_t>(number(a, "image_id", where));
    const auto category_id = static_cast<std::int64_t>(number(a, "category_id", where));
    const auto img = image_of_id.find(image_id);
    if (img == image_of_id.end()) throw ConfigError(where + ".image_id: no image with id " + std::to_string(image_id));
    const auto cls = class_of_category.find(category_id);
    if (cls == class_of_category.end()) {
      throw ConfigError(where + ".category_id: no category with id " + std::to_string(category_id));
    }
    const json& bbox = require(a, "bbox", where, "[x, y, width, height] in pixels");
    if (!bbox.is_array() || bbox.size() != 4 ||
        !std::all_of(bbox.begin(), bbox.end(), [](const json& v) { return v.is_number(); })) {
      throw ConfigError(where + ".bbox: expected 4 numbers [x, y, width, height] in pixels, got " + bbox.dump());
    }
    const double x = bbox[0], y = bbox[1], w = bbox[2], h = bbox[3];
    if (!(w > 0 && h > 0)) throw ConfigError(where + ".bbox: expected width and height > 0, got " + bbox.dump());
    const ImageInfo& info = img->second;
    Detection d;
    d.x1 = static_cast<float>(x / info.width);
    d.y1 = static_cast<float>(y / info.height);
    d.x2 = static_cast<float>((x + w) / info.width);
    d.y2 = static_cast<float>((y + h) / info.height);
    d.class_id = cls->second;
    d.label = out.class_names[static_cast<std::size_t>(cls->second)];
    d.score = 1;
    out.images[info.index].boxes.push_back(d);
  }
  return out;
}

}  // namespace kenning
