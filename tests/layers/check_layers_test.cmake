# cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch dir> -P check_layers_test.cmake
# The layer check (cmake/check_layers.cmake) passes on the app as it is, and fails, naming
# file:line and the edge, on a tree with one deliberate back edge (db/ including cli/).
cmake_minimum_required(VERSION 3.20)
set(check "${SOURCE_DIR}/cmake/check_layers.cmake")
set(layers "${SOURCE_DIR}/cmake/tickstock_layers.cmake")

execute_process(
  COMMAND "${CMAKE_COMMAND}" "-DROOT=${SOURCE_DIR}/tickstockapp" "-DLAYERS_FILE=${layers}"
          -DGRAPH=ON -P "${check}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0 OR NOT "${out}${err}" MATCHES "layers: 0 back edges, 0 folder cycles")
  message(FATAL_ERROR "the app's tree should pass the layer check")
endif()

# A small tree with the edge a refactoring might bring back (polygon/universe.h once included
# cli/settings.h): a low folder including a high one.
set(tree "${WORK_DIR}/back_edge")
file(REMOVE_RECURSE "${tree}")
file(WRITE "${tree}/cli/settings.h" "// cli\n")
file(WRITE "${tree}/db/store.h" "// db\n#include <string>\n\n#include \"cli/settings.h\"\n")
file(WRITE "${tree}/db/store.cpp" "#include \"db/store.h\"\n#include \"tickstock/types.h\"\n")
file(WRITE "${tree}/cli/command.cpp" "#include \"cli/settings.h\"\n#include \"db/store.h\"\n")
execute_process(
  COMMAND "${CMAKE_COMMAND}" "-DROOT=${tree}" "-DLAYERS_FILE=${layers}" -P "${check}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "a back edge db -> cli passed the layer check")
endif()
set(text "${out}${err}")
if(NOT text MATCHES "db/store.h:4: error: layer 'db' includes \"cli/settings.h\" of the higher layer 'cli': a back edge \\(db -> cli\\)")
  message(FATAL_ERROR "the failure should name db/store.h:4 and the edge db -> cli")
endif()
if(NOT text MATCHES "1 back edge")
  message(FATAL_ERROR "the failure should count one back edge (cli -> db is allowed)")
endif()
message("ok: the back edge db -> cli fails the check")
