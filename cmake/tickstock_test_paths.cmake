# tickstock_test_paths: the one object of a tree that holds the checkout's and the build tree's
# paths for the tests and the bench (tests/support/test_paths.h). Every other object is then the
# same in every clone, and a fresh clone's build is served from ccache.
set(tickstock_app_bin "")
if(TARGET tickstockapp)
  set(tickstock_app_bin "$<TARGET_FILE:tickstockapp>")
endif()
file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/test_paths.cpp" CONTENT
"// Written by cmake/tickstock_test_paths.cmake.
#include \"support/test_paths.h\"

namespace tickstock::test {
std::string data_dir() { return \"${PROJECT_SOURCE_DIR}/tests/data\"; }
const char* app_bin() { return \"${tickstock_app_bin}\"; }
std::string sql_dir() { return \"${PROJECT_SOURCE_DIR}/sql\"; }
std::string scripts_dir() { return \"${PROJECT_SOURCE_DIR}/scripts\"; }
std::string redis_doc() { return \"${PROJECT_SOURCE_DIR}/docs/redis-events.md\"; }
}  // namespace tickstock::test
")
add_library(tickstock_test_paths STATIC "${PROJECT_BINARY_DIR}/test_paths.cpp")
target_include_directories(tickstock_test_paths PUBLIC "${PROJECT_SOURCE_DIR}/tests")
