// Where the tests find the files of this checkout and the app of this build tree. The values are
// written into <build>/test_paths.cpp (cmake/tickstock_test_paths.cmake) and nowhere else: a
// path compiled into every test file made each clone miss ccache for all of them.
#ifndef TICKSTOCK_TESTS_SUPPORT_TEST_PATHS_H_
#define TICKSTOCK_TESTS_SUPPORT_TEST_PATHS_H_

#include <string>

namespace tickstock::test {

// Directory of committed fixtures (tests/data).
std::string data_dir();
// The tickstockapp binary of this build tree ("" when the tree does not build the app).
const char* app_bin();
// The migrations (sql/).
std::string sql_dir();
// The project's scripts (scripts/).
std::string scripts_dir();
// docs/redis-events.md.
std::string redis_doc();

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_TEST_PATHS_H_
