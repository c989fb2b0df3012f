// The data provider family's class list; without OpenCV the classes are
// listed as unavailable.
#include "dataproviders/camera_data_provider.h"
#include "dataproviders/image_folder_data_provider.h"
#include "dataproviders/tcp_data_provider.h"
#include "kenning/config.h"
#include "kenning/registries.h"

namespace kenning {

void register_data_providers(Registry<DataProvider>& r) {
#if KENNING_WITH_OPENCV
  r.add<CameraDataProvider>("camera");
  r.add<ImageFolderDataProvider>("image_folder");
  r.add<TCPDataProvider>("tcp");
#else
  const char* reason = "built without KENNING_WITH_OPENCV";
  r.add_unavailable<CameraDataProvider>("camera", reason);
  r.add_unavailable<ImageFolderDataProvider>("image_folder", reason);
  r.add_unavailable<TCPDataProvider>("tcp", reason);
#endif
}

}  // namespace kenning
