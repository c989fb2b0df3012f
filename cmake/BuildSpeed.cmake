# Build-time levers: ccache, lld and precompiled headers. Each one is on when
# its tool is there and can be turned off (-DKENNING_CCACHE=OFF, ...). None of
# them changes what is built: they change how long building it takes.
# CONTRIBUTING.md has the measured effect.

option(KENNING_CCACHE "Compile through ccache when it is installed" ON)
option(KENNING_LLD "Link with lld when the compiler accepts -fuse-ld=lld" ON)
option(KENNING_PCH "Precompile the heavy third-party headers (json, spdlog, ATen, torch, gtest)" ON)

if(KENNING_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(KENNING_CCACHE_PROGRAM ccache)
  if(KENNING_CCACHE_PROGRAM)
    # The sloppiness ccache needs to cache units that use a precompiled header;
    # the base directory keeps hits independent of where the tree is checked out.
    set(CMAKE_CXX_COMPILER_LAUNCHER
        ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}
        CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
        ${KENNING_CCACHE_PROGRAM})
  endif()
endif()

if(KENNING_LLD)
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=lld KENNING_HAVE_LLD)
  if(KENNING_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()

# Precompiled headers are made once by small "host" targets and reused by every
# other target (REUSE_FROM), so that each header set is parsed once per build,
# not once per unit. g++ accepts a header precompiled at another -O level, but
# not one whose macros differ: every target therefore sees the same
# _GLIBCXX_USE_CXX11_ABI (libtorch's targets add it) and the hosts link the same
# interface libraries (spdlog and fmt add definitions). -Winvalid-pch makes a
# header that g++ refuses visible instead of silently slow.
set(KENNING_PCH_ANCHOR ${CMAKE_CURRENT_LIST_DIR}/pch_anchor.cpp)
set(KENNING_PCH_COMMON_HEADERS
    <algorithm> <array> <chrono> <cstdint> <filesystem> <fstream> <functional> <map>
    <memory> <optional> <sstream> <string> <string_view> <unordered_map> <utility>
    <variant> <vector>
    <nlohmann/json.hpp> <fmt/format.h> <spdlog/spdlog.h>)

# kenning_add_pch_host(<name> LIBS <libs...> HEADERS <headers...>)
function(kenning_add_pch_host name)
  cmake_parse_arguments(P "" "" "LIBS;HEADERS" ${ARGN})
  if(NOT KENNING_PCH)
    return()
  endif()
  add_library(${name} OBJECT ${KENNING_PCH_ANCHOR})
  target_link_libraries(${name} PRIVATE ${P_LIBS})
  target_precompile_headers(${name} PRIVATE ${P_HEADERS})
endfunction()

# kenning_use_pch(<target> <host>): <target>'s units start from <host>'s header.
function(kenning_use_pch target host)
  if(KENNING_PCH AND TARGET ${host})
    target_precompile_headers(${target} REUSE_FROM ${host})
    target_compile_options(${target} PRIVATE -Winvalid-pch)
  endif()
endfunction()

# The hosts. A target picks one by setting its KENNING_PCH_HOST property;
# kenning_pch_everywhere() gives every other target the common set.
function(kenning_add_pch_hosts)
  set(common_libs nlohmann_json::nlohmann_json spdlog::spdlog fmt::fmt)
  kenning_add_pch_host(kenning_pch_common LIBS ${common_libs} HEADERS ${KENNING_PCH_COMMON_HEADERS})
  if(KENNING_BUILD_TESTS)
    kenning_add_pch_host(kenning_pch_test LIBS ${common_libs} GTest::gtest
                         HEADERS ${KENNING_PCH_COMMON_HEADERS} <gtest/gtest.h>)
  endif()
  if(KENNING_WITH_TORCH)
    kenning_add_pch_host(kenning_pch_aten LIBS ${common_libs} ${TORCH_LIBRARIES}
                         HEADERS ${KENNING_PCH_COMMON_HEADERS} <ATen/ATen.h>)
    kenning_add_pch_host(kenning_pch_torch LIBS ${common_libs} ${TORCH_LIBRARIES}
                         HEADERS ${KENNING_PCH_COMMON_HEADERS} <torch/torch.h> <torch/script.h>)
    if(KENNING_BUILD_TESTS)
      kenning_add_pch_host(kenning_pch_test_aten LIBS ${common_libs} ${TORCH_LIBRARIES} GTest::gtest
                           HEADERS ${KENNING_PCH_COMMON_HEADERS} <ATen/ATen.h> <gtest/gtest.h>)
    endif()
  endif()
endfunction()

# Walks the targets defined below <dir> and attaches each one's header set.
# Shared libraries are left out: their -fPIC units cannot use a header
# precompiled without it.
function(kenning_pch_everywhere dir)
  if(NOT KENNING_PCH)
    return()
  endif()
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$" OR target MATCHES "^kenning_pch_")
      continue()
    endif()
    if(type STREQUAL "EXECUTABLE")
      # Programs compile as -fPIC like the libraries (CMake would give them
      # -fPIE), so that they can use the same precompiled headers; they
      # still link as position-independent executables.
      set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
      target_compile_options(${target} PRIVATE -fPIC)
    endif()
    get_target_property(host ${target} KENNING_PCH_HOST)
    if(NOT host)
      set(host kenning_pch_common)
    endif()
    if(NOT host STREQUAL "none")
      kenning_use_pch(${target} ${host})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    kenning_pch_everywhere(${subdir})
  endforeach()
endfunction()
