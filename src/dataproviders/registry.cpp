// The data provider family's class list; without OpenCV the classes are
// listed as unavailable.
#include "dataproviders/camera_data_provider.h"
#include "dataproviders/image_folder_data_provider.h"
#include "dataproviders/tcp_data_provider.h"
#include "kenning/config.h"
#include "kenning/registries.h"
#if KENNING_WITH_OPENCV
#include "modules/opencv_io/opencv_io_module.h"
#endif

namespace kenning {

void register_data_providers(Registry<DataProvider>& r) {
#if KENNING_WITH_OPENCV
  // Built by the OpenCV I/O module (opencv_io_module.h), loaded on first use.
  using opencv_io_module::api;
  r.add_built_by<CameraDataProvider>(
      "camera", [](const CameraDataProvider::Params& p) { return api("CameraDataProvider").make_camera_provider(p); });
  r.add_built_by<ImageFolderDataProvider>("image_folder", [](const ImageFolderDataProvider::Params& p) {
    return api("ImageFolderDataProvider").make_image_folder_provider(p);
  });
  r.add_built_by<TCPDataProvider>(
      "tcp", [](const TCPDataProvider::Params& p) { return api("TCPDataProvider").make_tcp_provider(p); });
#else
  const char* reason = "built without KENNING_WITH_OPENCV";
  r.add_unavailable<CameraDataProvider>("camera", reason);
  r.add_unavailable<ImageFolderDataProvider>("image_folder", reason);
  r.add_unavailable<TCPDataProvider>("tcp", reason);
#endif
}

}  // namespace kenning
