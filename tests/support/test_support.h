// Helpers shared by the tests: builders and data-file lookup.
#ifndef TICKSTOCK_TESTS_SUPPORT_TEST_SUPPORT_H_
#define TICKSTOCK_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "support/test_paths.h"

namespace tickstock::test {

// The real-data directory from TICKSTOCK_DATA_DIR, or nullopt (tests then SKIP).
std::optional<std::string> real_data_dir();
// The TA-Lib reference directory from TICKSTOCK_REFERENCE_DIR, or nullopt.
std::optional<std::string> reference_dir();
// Reads a whole file, transparently gunzipping *.gz. Throws on error.
std::string read_file(const std::string& path);
// Splits CSV text into rows of fields (no quoting).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_TEST_SUPPORT_H_
