// The parameter declarations of COCODetectionDataset and VOCDetectionDataset, apart from the code
// that needs OpenCV, so that the family's registry lists them in every build.
#include "datasets/detection_dataset.h"

namespace kenning {

namespace {

template <class P>
ParamSchema<P>& add_image_fields(ParamSchema<P>& s) {
  s.field("image_width", &P::image_width, "Width the images are resized to (the model's input width)")
      .range(1, 8192)
      .field("image_height", &P::image_height, "Height the images are resized to (the model's input height)")
      .range(1, 8192)
      .field("inference_batch_size", &P::inference_batch_size, "Images per inference")
      .range(1, 4096);
  return s;
}

}  // namespace

const ParamSchema<COCODetectionDataset::Params>& COCODetectionDataset::schema() {
  static const auto s = [] {
    ParamSchema<Params> s("COCODetectionDataset", "Object detection: images from a folder, boxes from COCO JSON");
    s.field("annotations_path", &Params::annotations_path, "COCO instances JSON (images, annotations, categories)")
        .required()
        .field("images_dir", &Params::images_dir, "Folder holding the images' file_name")
        .required();
    return add_image_fields(s);
  }();
  return s;
}

const ParamSchema<VOCDetectionDataset::Params>& VOCDetectionDataset::schema() {
  static const auto s = [] {
    ParamSchema<Params> s("VOCDetectionDataset", "Object detection: images from a folder, boxes from Pascal VOC XML");
    s.field("annotations_dir", &Params::annotations_dir, "Folder of Pascal VOC .xml files, one per image")
        .required()
        .field("images_dir", &Params::images_dir, "Folder holding the images named by <filename>")
        .required()
        .field("class_names", &Params::class_names, "Class order (empty: the sorted names found)");
    return add_image_fields(s);
  }();
  return s;
}

}  // namespace kenning
