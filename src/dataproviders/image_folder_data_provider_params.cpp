// ImageFolderDataProvider's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "dataproviders/image_folder_data_provider.h"

namespace kenning {

const ParamSchema<ImageFolderDataProvider::Params>& ImageFolderDataProvider::schema() {
  static const auto s = ParamSchema<Params>("ImageFolderDataProvider", "The images of a folder, sorted by file name")
                            .field("directory", &Params::directory, "Folder holding the images")
                            .required()
                            .field("extensions", &Params::extensions, "File extensions to read (case-insensitive)")
                            .field("loop", &Params::loop, "Start again from the first image after the last");
  return s;
}

}  // namespace kenning
