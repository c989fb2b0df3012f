// The OpenCV I/O module: listing the classes it builds loads none of OpenCV's
// video, codec or GUI libraries; building one loads the module and them, and
// a missing module is one error naming the file.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/registries.h"
#include "loaded_libraries.h"
#include "modules/opencv_io/opencv_io_module.h"
#include "test_support.h"

using namespace kenning;

using kenning::testing::library_loaded;

TEST(OpenCVIOModule, ListingLoadsNothingAndBuildingLoadsTheModule) {
  ::unsetenv("KENNING_OPENCV_IO_MODULE");
  ASSERT_FALSE(library_loaded("libopencv_videoio")) << "this test must not link OpenCV's video library";

  Registry<DataProvider> providers("data_provider", "dataproviders");
  register_data_providers(providers);
  EXPECT_TRUE(providers.find("ImageFolderDataProvider").available);
  EXPECT_FALSE(library_loaded("libkenning_opencv_io"));

  // The object comes from the module, and its code runs there: a missing
  // folder is named.
  auto provider = providers.create("ImageFolderDataProvider", {{"directory", "/no/such/folder"}}, "s.json");
  EXPECT_EQ(provider->type_name(), "ImageFolderDataProvider");
  const std::string error = kenning::testing::error_of<IoError>([&] { provider->prepare(); });
  EXPECT_NE(error.find("/no/such/folder"), std::string::npos) << error;
  EXPECT_TRUE(library_loaded("libkenning_opencv_io"));
  EXPECT_TRUE(library_loaded("libopencv_imgcodecs"));
}

TEST(OpenCVIOModule, IsLookedForBesideTheProgramOrWhereTheVariableSays) {
  const auto bin = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  ::unsetenv("KENNING_OPENCV_IO_MODULE");
  EXPECT_EQ(modules::module_file(opencv_io_module::kModule),
            bin.parent_path() / "lib" / "kenning" / "libkenning_opencv_io.so");
  ::setenv("KENNING_OPENCV_IO_MODULE", "/nowhere/libkenning_opencv_io.so", 1);
  std::string why;
  EXPECT_EQ(modules::load_module(opencv_io_module::kModule, why), nullptr);
  EXPECT_NE(why.find("its module /nowhere/libkenning_opencv_io.so is missing"), std::string::npos) << why;
  EXPECT_NE(why.find("KENNING_OPENCV_IO_MODULE"), std::string::npos) << why;
  ::unsetenv("KENNING_OPENCV_IO_MODULE");
}
